import { isMap, isPair, isScalar, isSeq } from 'yaml';
import { quoteJson } from '../core/quote-input.js';
import { InputError } from '../core/input-error.js';
import { numberProblem } from './number-rule.js';
import { parseYamlData, reportAt } from './yaml-document.js';
/**
 * Typed readers over the nodes of a YamlData (config, cluster and study files). Each one checks a single
 * field, records a located problem (file:line:column, key path, stable code) when the value is wrong and
 * returns undefined, so a loader reads the whole file and reports every problem at once.
 */
/** The key path of `key` inside `field` ('' is the document root). */
export function childField(field, key) {
    if (typeof key === 'number')
        return `${field}[${key}]`;
    return field ? `${field}.${key}` : key;
}
/**
 * Parses a config file and reads its root map. Throws the InputError at once when there is nothing to read
 * (syntax errors, refused tags or aliases, an empty file, a root that is not a map); otherwise the caller
 * reads the fields and ends with `throwIfProblems`.
 */
export function readRootMap(text, file, keys) {
    const data = parseYamlData(text, file);
    const m = data.root === null ? undefined : readMap(data, data.root, '', keys);
    if (m === undefined)
        throw new InputError(data.problems.all());
    return m;
}
/** Throws one InputError holding every problem recorded while reading, if there are any. */
export function throwIfProblems(data) {
    data.problems.throwIfAny();
}
/**
 * The fields of a map that may hold only `keys`. An unknown key (usually a typo) is an error listing the
 * valid keys; a missing required key is an error at the map. Returns undefined when `node` is not a map.
 */
export function readMap(data, node, field, keys) {
    const entries = readEntries(data, node, field);
    if (entries === undefined)
        return undefined;
    const valid = [...keys.required, ...(keys.optional ?? [])];
    const values = new Map();
    for (const { key, keyNode, value } of entries) {
        if (!valid.includes(key))
            reportUnknownKey(data, keyNode, field, key, valid);
        else
            values.set(key, value);
    }
    for (const key of keys.required) {
        if (!values.has(key))
            reportAt(data, node, childField(field, key), 'missing-key', `missing key '${key}'`);
    }
    return new MapFields(data, field, values);
}
/**
 * The entries of a map whose keys are open (names chosen by the user, such as policy parameters or study
 * axes), in file order; the caller checks each key. A key that is not a plain word is reported and skipped.
 * Returns undefined when `node` is not a map.
 */
export function readEntries(data, node, field) {
    if (!isMap(node)) {
        reportAt(data, node, field, 'wrong-type', `expected a map of key: value${describe(node)}`);
        return undefined;
    }
    const entries = [];
    for (const item of node.items) {
        if (!isPair(item))
            continue;
        const keyNode = item.key;
        const key = isScalar(keyNode) ? keyNode.value : undefined;
        if (typeof key !== 'string')
            reportAt(data, keyNode, field, 'wrong-type', 'keys must be plain words');
        else
            entries.push({ key, keyNode, value: item.value });
    }
    return entries;
}
/** An unknown key is usually a typo; the message lists the keys that would have been read. */
export function reportUnknownKey(data, keyNode, field, key, valid) {
    reportAt(data, keyNode, childField(field, key), 'unknown-key', `unknown key '${key}'; valid keys here: ${valid.join(', ')}`);
}
/**
 * The checked keys of one map. Each reader returns undefined when the key is absent (a missing required
 * key was reported by readMap) or its value is wrong (reported here).
 */
export class MapFields {
    data;
    field;
    values;
    constructor(data, field, values) {
        this.data = data;
        this.field = field;
        this.values = values;
    }
    has(key) {
        return this.values.has(key);
    }
    node(key) {
        return this.values.get(key) ?? null;
    }
    path(key) {
        return childField(this.field, key);
    }
    /** Reads `key` with any reader taking (node, key path). */
    read(key, reader) {
        return this.has(key) ? reader(this.node(key), this.path(key)) : undefined;
    }
    number(key, rule) {
        return this.read(key, (n, f) => readNumber(this.data, n, f, rule));
    }
    boolean(key) {
        return this.read(key, (n, f) => readBoolean(this.data, n, f));
    }
    string(key) {
        return this.read(key, (n, f) => readString(this.data, n, f));
    }
    choice(key, choices) {
        return this.read(key, (n, f) => readChoice(this.data, n, f, choices));
    }
}
/** A list's items; an empty list is refused unless `allowEmpty` (a list whose emptiness means something). */
export function readSeq(data, node, field, allowEmpty = false) {
    if (!isSeq(node)) {
        reportAt(data, node, field, 'wrong-type', `expected a list${describe(node)}`);
        return undefined;
    }
    if (node.items.length === 0 && !allowEmpty) {
        reportAt(data, node, field, 'empty-list', 'expected at least one entry');
        return undefined;
    }
    return node.items;
}
export function readNumber(data, node, field, rule) {
    const v = isScalar(node) ? node.value : undefined;
    const problem = numberProblem(v, rule);
    if (problem === null)
        return v;
    reportAt(data, node, field, problem.code, problem.code === 'wrong-type' ? `${problem.message}${describe(node)}` : problem.message);
    return undefined;
}
export function readBoolean(data, node, field) {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v === 'boolean')
        return v;
    reportAt(data, node, field, 'wrong-type', `expected true or false${describe(node)}`);
    return undefined;
}
export function readString(data, node, field) {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v === 'string' && v.trim() !== '')
        return v;
    reportAt(data, node, field, 'wrong-type', `expected a non-empty string${describe(node)}`);
    return undefined;
}
export function readChoice(data, node, field, choices) {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v === 'string' && choices.includes(v))
        return v;
    reportAt(data, node, field, 'bad-choice', `expected one of ${choices.join(', ')}${describe(node)}`);
    return undefined;
}
/** ", got …" naming what the node holds, for messages. */
function describe(node) {
    if (node === null || node === undefined)
        return ', got nothing';
    if (isMap(node))
        return ', got a map';
    if (isSeq(node))
        return ', got a list';
    if (isScalar(node))
        return `, got ${quoteJson(node.value)}`;
    return '';
}
/** A scalar, or undefined (with a problem recorded) for a map, a list or nothing. */
export function readScalar(data, node, field) {
    const v = isScalar(node) ? node.value : undefined;
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
        return v;
    reportAt(data, node, field, 'wrong-type', `expected a single value (a number, string, boolean or null)${describe(node)}`);
    return undefined;
}
/**
 * A scalar that `check` accepts (check returns the reason it refuses a value, or null). For fields whose
 * rules live in a table shared with another reader (a study's base and its axes read one table), rather
 * than in a NumberRule. A refused value is `code`, with the reason and the value.
 */
export function readChecked(data, node, field, check, code) {
    const v = readScalar(data, node, field);
    if (v === undefined)
        return undefined;
    const reason = check(v);
    if (reason === null)
        return v;
    reportAt(data, node, field, code, `${reason}, got ${quoteJson(v)}`);
    return undefined;
}
