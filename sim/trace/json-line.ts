import type { NumberedLine } from './split-lines.js';
import { quoteInput, quoteJson } from '../core/quote-input.js';
import type { ProblemList } from './problem-list.js';

/** Parses one JSONL line as an object; records a located problem and returns null otherwise. */
export function parseJsonObjectLine(nl: NumberedLine, problems: ProblemList): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(nl.text);
  } catch (e) {
    problems.add('bad-json', nl.line, '', `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add('bad-json', nl.line, '', 'expected a JSON object per line');
    return null;
  }
  return value as Record<string, unknown>;
}

/** Unknown keys are errors, so a typo ("output_len") never turns into a silently missing field. */
export function checkKnownKeys(obj: Record<string, unknown>, known: readonly string[], line: number, problems: ProblemList): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) problems.add('unknown-field', line, quoteInput(key).slice(1, -1), `unknown field ${quoteInput(key)} (expected ${known.join(', ')})`);
  }
}

/** A non-negative time in ms, converted to whole µs (the simulator clock's resolution). */
export function checkMsValue(value: unknown, line: number, field: string, problems: ProblemList): number | null {
  if (value === undefined) {
    problems.add('missing-field', line, field, `missing field '${field}'`);
    return null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    problems.add('bad-timestamp', line, field, `expected a non-negative time in ms, got ${quoteJson(value)}`);
    return null;
  }
  const us = Math.round(value * 1000);
  if (us > Number.MAX_SAFE_INTEGER) {
    // Beyond 2^53 µs a double no longer holds every µs; arrivals of 1e17 ms ended in "step priced at 0 µs".
    problems.add('time-out-of-range', line, field, `${value} ms is beyond 2^53 µs (285 years), where times lose µs precision`);
    return null;
  }
  return us;
}

/** An array of non-negative integer block hashes. */
export function checkHashIds(value: unknown, line: number, field: string, problems: ProblemList): number[] | null {
  if (!Array.isArray(value)) {
    problems.add('bad-hash-ids', line, field, `expected an array of block hashes, got ${quoteJson(value)}`);
    return null;
  }
  for (let i = 0; i < value.length; i++) {
    const h: unknown = value[i];
    if (typeof h !== 'number' || !Number.isSafeInteger(h) || h < 0) {
      problems.add('bad-hash-ids', line, `${field}[${i}]`, `expected a non-negative integer below 2^53, got ${quoteJson(h)}`);
      return null;
    }
  }
  return value as number[];
}
