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
  return value as Record<string, unknown>;
}

/** Unknown keys are errors, so a typo ("output_len") never turns into a silently missing field. */
export function checkKnownKeys(obj: Record<string, unknown>, known: readonly string[], line: number, problems: ProblemList): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) problems.add('unknown-field', line, quoteInput(key).slice(1, -1), `unknown field ${quoteInput(key)} (expected ${known.join(', ')})`);
  }
}
