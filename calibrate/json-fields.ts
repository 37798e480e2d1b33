import { InputError, type InputProblem } from '../sim/core/input-error.js';

/**
 * Reads typed fields out of one parsed JSON object and collects every problem, located by file, line
 * and key path, instead of stopping at the first (plan files and JSONL records are parsed this way).
 * A getter that finds a problem records it and returns a harmless value (NaN, '', false, []) so parsing
 * can carry on; callers check `problems.length` once at the end.
 */
export class JsonFields {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly obj: Readonly<Record<string, unknown>>,
    readonly path: string,
    readonly problems: InputProblem[],
  ) {}

  static root(file: string, line: number, value: unknown, problems: InputProblem[]): JsonFields | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ code: 'calib.not-object', file, line, column: 0, field: '', message: 'expected a JSON object' });
      return null;
    }
    return new JsonFields(file, line, value as Record<string, unknown>, '', problems);
  }

  /** A whole JSON file that must hold one object (a plan, a baselines file); throws when it does not. */
  static document(text: string, file: string, problems: InputProblem[]): JsonFields {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new InputError([{ code: 'calib.bad-json', file, line: 0, column: 0, field: '', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }]);
    }
    const f = JsonFields.root(file, 1, value, problems);
    if (!f) throw new InputError(problems);
    return f;
  }

  fieldPath(key: string | number): string {
    if (typeof key === 'number') return `${this.path}[${key}]`;
    if (key === '') return this.path;
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string | number, code: string, message: string): void {
    this.problems.push({ code, file: this.file, line: this.line, column: 0, field: this.fieldPath(key), message });
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  private present(key: string): unknown {
    const v = this.obj[key];
    if (v === undefined) this.fail(key, 'calib.missing', 'missing field');
    return v;
  }

  /** A finite number ≥ min (default 0); integer when `integer`. */
  num(key: string, opts: { integer?: boolean; min?: number } = {}): number {
    const v = this.present(key);
    if (v === undefined) return NaN;
    return this.checkNum(key, v, opts);
  }

  /** A number, or NaN where the runner wrote null (its JSON writer spells a non-finite value that way). */
  numOrNull(key: string): number {
    return this.obj[key] === null ? NaN : this.num(key, { min: -Infinity });
  }

  checkNum(key: string | number, v: unknown, opts: { integer?: boolean; min?: number } = {}): number {
    const min = opts.min ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(key, 'calib.type', `expected a number, got ${JSON.stringify(v)}`);
      return NaN;
    }
    if (opts.integer && !Number.isInteger(v)) {
      this.fail(key, 'calib.type', `expected an integer, got ${v}`);
      return NaN;
    }
    if (v < min) {
      this.fail(key, 'calib.range', `must be ≥ ${min}, got ${v}`);
      return NaN;
    }
    return v;
  }

  int(key: string, min = 0): number {
    return this.num(key, { integer: true, min });
  }

  str(key: string): string {
    const v = this.present(key);
    if (v === undefined) return '';
    if (typeof v !== 'string') {
      this.fail(key, 'calib.type', `expected a string, got ${JSON.stringify(v)}`);
      return '';
    }
    return v;
  }

  /** A string that must be one of `allowed`. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.str(key);
    if (v !== '' && !(allowed as readonly string[]).includes(v)) {
      this.fail(key, 'calib.unknown-value', `unknown value '${v}'; expected one of: ${allowed.join(', ')}`);
    }
    return v as T;
  }

  bool(key: string): boolean {
    const v = this.present(key);
    if (v === undefined) return false;
    if (typeof v !== 'boolean') {
      this.fail(key, 'calib.type', `expected true or false, got ${JSON.stringify(v)}`);
      return false;
    }
    return v;
  }

  child(key: string): JsonFields | null {
    const v = this.present(key);
    if (v === undefined) return null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(key, 'calib.type', 'expected an object');
      return null;
    }
    return new JsonFields(this.file, this.line, v as Record<string, unknown>, this.fieldPath(key), this.problems);
  }

  array(key: string): readonly unknown[] {
    const v = this.present(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.fail(key, 'calib.type', 'expected an array');
      return [];
    }
    return v;
  }

  /** Array of objects, each as its own reader with an indexed path. */
  children(key: string): JsonFields[] {
    const out: JsonFields[] = [];
    this.array(key).forEach((v, i) => {
      const p = `${this.fieldPath(key)}[${i}]`;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        this.problems.push({ code: 'calib.type', file: this.file, line: this.line, column: 0, field: p, message: 'expected an object' });
        return;
      }
      out.push(new JsonFields(this.file, this.line, v as Record<string, unknown>, p, this.problems));
    });
    return out;
  }

  /** Array of numbers ≥ min. */
  numbers(key: string, opts: { integer?: boolean; min?: number } = {}): number[] {
    const sub = new JsonFields(this.file, this.line, {}, this.fieldPath(key), this.problems);
    return this.array(key).map((v, i) => sub.checkNum(i, v, opts));
  }
}
