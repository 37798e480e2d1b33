import { InputError, type InputProblem } from '../../sim/core/input-error.js';

/**
 * Located problems of one JSONL file, collected rather than thrown at the first (sim/core/input-error.ts).
 * Only the first `MAX_PROBLEMS` are kept: a file that is wrong the same way on each of its 10,000 lines
 * would otherwise print 10,000 lines; the rest are counted and the count is reported with them.
 */
export const MAX_PROBLEMS = 50;

export class ProblemList {
  private readonly kept: InputProblem[] = [];
  private dropped = 0;

  constructor(readonly file: string) {}

  get count(): number {
    return this.kept.length + this.dropped;
  }

  add(code: string, line: number, field: string, message: string): void {
    this.push({ code, file: this.file, line, column: 0, field, message });
  }

  push(p: InputProblem): void {
    if (this.kept.length < MAX_PROBLEMS) this.kept.push(p);
    else this.dropped++;
  }

  /** Moves problems a JsonFields reader collected for one line into this list. */
  take(from: InputProblem[]): void {
    for (const p of from) this.push(p);
    from.length = 0;
  }

  throwIfAny(): void {
    if (this.count === 0) return;
    const all = [...this.kept];
    if (this.dropped > 0) all.push({ code: 'calib.more-problems', file: this.file, line: 0, column: 0, field: '', message: `${this.dropped} more problems not listed` });
    throw new InputError(all);
  }
}

/** A finite number ≥ min (integer when asked): the fast check for hot fields such as the decode entries. */
export function isNum(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min;
}

export function isInt(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/** Why `v` failed `isNum`/`isInt`, for the message. */
export function numberProblem(v: unknown, min: number, integer: boolean): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `expected ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v) ?? 'nothing'}`;
  if (integer && !Number.isInteger(v)) return `expected an integer, got ${v}`;
  return `must be ≥ ${min}, got ${v}`;
}

/**
 * Deep equality of two JSON values, key order ignored, numbers within a relative `numberTolerance`;
 * returns the first differing key path, or null when equal.
 */
export function jsonDifference(a: unknown, b: unknown, numberTolerance = 0, path = ''): string | null {
  if (a === b) return null;
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= numberTolerance * Math.max(Math.abs(a), Math.abs(b))) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return path || '(root)';
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return path || '(root)';
    for (let i = 0; i < a.length; i++) {
      const d = jsonDifference(a[i], b[i], numberTolerance, `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
  for (const k of keys) {
    const d = jsonDifference(ao[k], bo[k], numberTolerance, path ? `${path}.${k}` : k);
    if (d !== null) return d;
  }
  return null;
}
