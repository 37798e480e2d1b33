import { InputError } from '../core/input-error.js';
import { numberProblem, type NumberRule } from './number-rule.js';
import type { ProblemList } from './problem-list.js';

/**
 * Reads typed fields out of one parsed JSON object (a whole JSON file, or one JSONL record) and collects
 * every problem in the file's ProblemList, located by file, line and key path, instead of stopping at the
 * first. A getter that finds a problem records it and returns a harmless value (NaN, '', false, []) so
 * parsing can carry on; callers end with `problems.throwIfAny()`.
 *
 * Codes are `<codePrefix><kind>` (kind: missing, type, range, unknown-value, not-object, bad-json), so a
 * file family keeps the codes its users and tests already know ('calib.' for calibration files).
 */
export class JsonFields {
  constructor(
    readonly line: number,
    readonly obj: Readonly<Record<string, unknown>>,
    readonly path: string,
    readonly problems: ProblemList,
    readonly codePrefix: string,
  ) {}

  get file(): string {
    return this.problems.file;
  }

  static root(line: number, value: unknown, problems: ProblemList, codePrefix: string): JsonFields | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.add(`${codePrefix}not-object`, line, '', 'expected a JSON object');
      return null;
    }
    return new JsonFields(line, value as Record<string, unknown>, '', problems, codePrefix);
  }

  /** A whole JSON file that must hold one object (a plan, a baselines file); throws when it does not. */
  static document(text: string, problems: ProblemList, codePrefix: string): JsonFields {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new InputError([{ code: `${codePrefix}bad-json`, file: problems.file, line: 0, column: 0, field: '', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }]);
    }
    const f = JsonFields.root(1, value, problems, codePrefix);
    if (!f) throw new InputError(problems.all());
    return f;
  }

  /** The same file and line, another object: a nested object's fields, or the next JSONL record's. */
  private at(obj: Readonly<Record<string, unknown>>, path: string): JsonFields {
    return new JsonFields(this.line, obj, path, this.problems, this.codePrefix);
  }

  fieldPath(key: string | number): string {
    if (typeof key === 'number') return `${this.path}[${key}]`;
    if (key === '') return this.path;
    return this.path ? `${this.path}.${key}` : key;
  }

  /** Records a problem at `key` of this object, with a code of the caller's (the prefix is not added). */
  fail(key: string | number, code: string, message: string): void {
    this.problems.add(code, this.line, this.fieldPath(key), message);
  }

  /** The code of a problem found by these readers: the file family's prefix and the kind. */
  private code(kind: 'missing' | 'type' | 'range' | 'unknown-value'): string {
    return `${this.codePrefix}${kind}`;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  private present(key: string): unknown {
    const v = this.obj[key];
    if (v === undefined) this.fail(key, this.code('missing'), 'missing field');
    return v;
  }

  /** A finite number keeping `rule`, whose minimum is 0 unless it says otherwise. */
  num(key: string, rule: NumberRule = {}): number {
    const v = this.present(key);
    if (v === undefined) return NaN;
    return this.checkNum(key, v, rule);
  }

  /** A number, or NaN where the runner wrote null (its JSON writer spells a non-finite value that way). */
  numOrNull(key: string): number {
    return this.obj[key] === null ? NaN : this.num(key, { min: -Infinity });
  }

  /** Checks a number by the rule every input shares (number-rule.ts); the code is the family's type or range. */
  checkNum(key: string | number, v: unknown, rule: NumberRule = {}): number {
    const problem = numberProblem(v, { ...rule, min: rule.min ?? 0 });
    if (problem === null) return v as number;
    const wrongType = problem.code === 'wrong-type' || problem.code === 'not-integer';
    this.fail(key, this.code(wrongType ? 'type' : 'range'), problem.code === 'wrong-type' ? `${problem.message}, got ${JSON.stringify(v)}` : problem.message);
    return NaN;
  }

  int(key: string, min = 0): number {
    return this.num(key, { integer: true, min });
  }

  str(key: string): string {
    const v = this.present(key);
    if (v === undefined) return '';
    if (typeof v !== 'string') {
      this.fail(key, this.code('type'), `expected a string, got ${JSON.stringify(v)}`);
      return '';
    }
    return v;
  }

  /** A string that must be one of `allowed`. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.str(key);
    if (v !== '' && !(allowed as readonly string[]).includes(v)) {
      this.fail(key, this.code('unknown-value'), `unknown value '${v}'; expected one of: ${allowed.join(', ')}`);
    }
    return v as T;
  }

  bool(key: string): boolean {
    const v = this.present(key);
    if (v === undefined) return false;
    if (typeof v !== 'boolean') {
      this.fail(key, this.code('type'), `expected true or false, got ${JSON.stringify(v)}`);
      return false;
    }
    return v;
  }

  child(key: string): JsonFields | null {
    const v = this.present(key);
    if (v === undefined) return null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(key, this.code('type'), 'expected an object');
      return null;
    }
    return this.at(v as Record<string, unknown>, this.fieldPath(key));
  }

  array(key: string): readonly unknown[] {
    const v = this.present(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.fail(key, this.code('type'), 'expected an array');
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
        this.problems.add(this.code('type'), this.line, p, 'expected an object');
        return;
      }
      out.push(this.at(v as Record<string, unknown>, p));
    });
    return out;
  }

  /** Array of numbers ≥ min. */
  numbers(key: string, rule: NumberRule = {}): number[] {
    const sub = this.at({}, this.fieldPath(key));
    return this.array(key).map((v, i) => sub.checkNum(i, v, rule));
  }
}
