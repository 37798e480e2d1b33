import { quoteInput } from '../core/quote-input.js';
import type { ProblemList } from './problem-list.js';

/** Parses one JSONL line as an object; records a located problem and returns null otherwise. */
export function parseJsonObjectLine(text: string, line: number, problems: ProblemList): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    problems.add('bad-json', line, '', `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add('bad-json', line, '', 'expected a JSON object per line');
    return null;
  }
  // JSON.parse keeps the last of two equal keys and drops the first without a word. Every key of the line matches
  // KEY_PATTERN once (nested keys and strings only add matches), so when the matches number the parsed keys none
  // repeats, and the character scan runs only on the few lines where they differ.
  const repeated = (text.match(KEY_PATTERN)?.length ?? 0) === Object.keys(value).length ? null : repeatedTopLevelKey(text);
  if (repeated !== null) {
    problems.add('duplicate-field', line, quoteInput(repeated).slice(1, -1), `field ${quoteInput(repeated)} appears twice; keep one`);
    return null;
  }
  return value as Record<string, unknown>;
}

/** A closing quote followed by a colon: what every object key of a JSON text ends with. */
const KEY_PATTERN = /"\s*:/g;

/** The first key of the top-level object of valid JSON `text` that occurs twice, or null. One pass, no allocation per value. */
export function repeatedTopLevelKey(text: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r' || text[j] === '\n')) j++;
      if (text[j] !== ':') continue;
      // Keys are compared as JSON.parse reads them (escapes resolved).
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (seen.has(key)) return key;
      seen.add(key);
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return null;
}

/** Unknown keys are errors, so a typo ("output_len") never turns into a silently missing field. */
export function checkKnownKeys(obj: Record<string, unknown>, known: readonly string[], line: number, problems: ProblemList): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) problems.add('unknown-field', line, quoteInput(key).slice(1, -1), `unknown field ${quoteInput(key)} (expected ${known.join(', ')})`);
  }
}

/** JSON Lines text cut into its complete lines and what follows the last newline. */
export interface JsonLinesText {
  /** Every line that ends in '\n', with its 1-based number; blank lines are left out. */
  readonly lines: readonly { readonly line: number; readonly text: string }[];
  /** The text after the last '\n': a line a writer stopped mid-write leaves unterminated ('' when none). */
  readonly tail: string;
  /** 1-based number the tail would have as a line. */
  readonly tailLine: number;
  /** Bytes (UTF-8) up to the end of the last complete line: where a resumed writer cuts the file. */
  readonly completeBytes: number;
}

/**
 * Splits JSON Lines the way duetsim's appending writers leave them: each record is one write ending in
 * '\n', so anything after the last newline is a record cut short. What a reader does with that tail is
 * its own rule (a study resuming cuts it off; a report reads it if it is whole JSON).
 */
export function splitJsonLines(text: string): JsonLinesText {
  const lastNewline = text.lastIndexOf('\n');
  const complete = text.slice(0, lastNewline + 1);
  const rows = complete.split('\n');
  rows.pop(); // the empty string after the final '\n'
  const lines = rows.flatMap((t, i) => (t.trim() === '' ? [] : [{ line: i + 1, text: t }]));
  return { lines, tail: text.slice(lastNewline + 1), tailLine: rows.length + 1, completeBytes: Buffer.byteLength(complete) };
}
