import { InputError } from '../core/input-error.js';
import { numberProblem } from './number-rule.js';
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
    line;
    obj;
    path;
    problems;
    codePrefix;
    constructor(line, obj, path, problems, codePrefix) {
        this.line = line;
        this.obj = obj;
        this.path = path;
        this.problems = problems;
        this.codePrefix = codePrefix;
    }
    get file() {
        return this.problems.file;
    }
    static root(line, value, problems, codePrefix) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            problems.add(`${codePrefix}not-object`, line, '', 'expected a JSON object');
            return null;
        }
        return new JsonFields(line, value, '', problems, codePrefix);
    }
    /** A whole JSON file that must hold one object (a plan, a baselines file); throws when it does not. */
    static document(text, problems, codePrefix) {
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (e) {
            throw new InputError([{ code: `${codePrefix}bad-json`, file: problems.file, line: 0, column: 0, field: '', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }]);
        }
        const f = JsonFields.root(1, value, problems, codePrefix);
        if (!f)
            throw new InputError(problems.all());
        return f;
    }
    /** The same file and line, another object: a nested object's fields, or the next JSONL record's. */
    at(obj, path) {
        return new JsonFields(this.line, obj, path, this.problems, this.codePrefix);
    }
    fieldPath(key) {
        if (typeof key === 'number')
            return `${this.path}[${key}]`;
        if (key === '')
            return this.path;
        return this.path ? `${this.path}.${key}` : key;
    }
    /** Records a problem at `key` of this object, with a code of the caller's (the prefix is not added). */
    fail(key, code, message) {
        this.problems.add(code, this.line, this.fieldPath(key), message);
    }
    /** The code of a problem found by these readers: the file family's prefix and the kind. */
    code(kind) {
        return `${this.codePrefix}${kind}`;
    }
    has(key) {
        return this.obj[key] !== undefined;
    }
    present(key) {
        const v = this.obj[key];
        if (v === undefined)
            this.fail(key, this.code('missing'), 'missing field');
        return v;
    }
    /** A finite number keeping `rule`, whose minimum is 0 unless it says otherwise. */
    num(key, rule = {}) {
        const v = this.present(key);
        if (v === undefined)
            return NaN;
        return this.checkNum(key, v, rule);
    }
    /** A number, or NaN where the runner wrote null (its JSON writer spells a non-finite value that way). */
    numOrNull(key) {
        return this.obj[key] === null ? NaN : this.num(key, { min: -Infinity });
    }
    /** Checks a number by the rule every input shares (number-rule.ts); the code is the family's type or range. */
    checkNum(key, v, rule = {}) {
        const problem = numberProblem(v, { ...rule, min: rule.min ?? 0 });
        if (problem === null)
            return v;
        const wrongType = problem.code === 'wrong-type' || problem.code === 'not-integer';
        this.fail(key, this.code(wrongType ? 'type' : 'range'), problem.code === 'wrong-type' ? `${problem.message}, got ${JSON.stringify(v)}` : problem.message);
        return NaN;
    }
    int(key, min = 0) {
        return this.num(key, { integer: true, min });
    }
    str(key) {
        const v = this.present(key);
        if (v === undefined)
            return '';
        if (typeof v !== 'string') {
            this.fail(key, this.code('type'), `expected a string, got ${JSON.stringify(v)}`);
            return '';
        }
        return v;
    }
    /** A string that must be one of `allowed`. */
    oneOf(key, allowed) {
        const v = this.str(key);
        if (v !== '' && !allowed.includes(v)) {
            this.fail(key, this.code('unknown-value'), `unknown value '${v}'; expected one of: ${allowed.join(', ')}`);
        }
        return v;
    }
    bool(key) {
        const v = this.present(key);
        if (v === undefined)
            return false;
        if (typeof v !== 'boolean') {
            this.fail(key, this.code('type'), `expected true or false, got ${JSON.stringify(v)}`);
            return false;
        }
        return v;
    }
    child(key) {
        const v = this.present(key);
        if (v === undefined)
            return null;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
            this.fail(key, this.code('type'), 'expected an object');
            return null;
        }
        return this.at(v, this.fieldPath(key));
    }
    array(key) {
        const v = this.present(key);
        if (v === undefined)
            return [];
        if (!Array.isArray(v)) {
            this.fail(key, this.code('type'), 'expected an array');
            return [];
        }
        return v;
    }
    /** Array of objects, each as its own reader with an indexed path. */
    children(key) {
        const out = [];
        this.array(key).forEach((v, i) => {
            const p = `${this.fieldPath(key)}[${i}]`;
            if (typeof v !== 'object' || v === null || Array.isArray(v)) {
                this.problems.add(this.code('type'), this.line, p, 'expected an object');
                return;
            }
            out.push(this.at(v, p));
        });
        return out;
    }
    /** Array of numbers ≥ min. */
    numbers(key, rule = {}) {
        const sub = this.at({}, this.fieldPath(key));
        return this.array(key).map((v, i) => sub.checkNum(i, v, rule));
    }
}
