import type { NumberedLine } from './split-lines.js';
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
    if (!known.includes(key)) problems.add('unknown-field', line, key, `unknown field '${key}' (expected ${known.join(', ')})`);
  }
}

/** A non-negative time in ms, converted to whole µs (the simulator clock's resolution). */
export function checkMsValue(value: unknown, line: number, field: string, problems: ProblemList): number | null {
  if (value === undefined) {
    problems.add('missing-field', line, field, `missing field '${field}'`);
    return null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    problems.add('bad-timestamp', line, field, `expected a non-negative time in ms, got ${JSON.stringify(value)}`);
    return null;
  }
  return Math.round(value * 1000);
}

/** An array of non-negative integer block hashes. */
export function checkHashIds(value: unknown, line: number, field: string, problems: ProblemList): number[] | null {
  if (!Array.isArray(value)) {
    problems.add('bad-hash-ids', line, field, `expected an array of block hashes, got ${JSON.stringify(value)}`);
    return null;
  }
  for (let i = 0; i < value.length; i++) {
    const h: unknown = value[i];
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 0) {
      problems.add('bad-hash-ids', line, `${field}[${i}]`, `expected a non-negative integer, got ${JSON.stringify(h)}`);
      return null;
    }
  }
  return value as number[];
}
