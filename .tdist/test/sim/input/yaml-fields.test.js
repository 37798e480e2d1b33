import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlData } from '../../../sim/input/yaml-document.js';
import { childField, readChecked, readEntries, readMap, readNumber } from '../../../sim/input/yaml-fields.js';
/** Reads `value: <text>` with `rule`; returns the number or the problem codes. */
function number(text, rule) {
    const data = parseYamlData(`value: ${text}\n`, 'f.yaml');
    const m = readMap(data, data.root, '', { required: ['value'] });
    const v = m?.number('value', rule);
    return v ?? data.problems.all().map((p) => p.code);
}
test('number rules: integer, exclusive and inclusive minimum, maximum', () => {
    assert.equal(number('3', { integer: true, min: 0, minExclusive: true }), 3);
    assert.deepEqual(number('2.5', { integer: true }), ['not-integer']);
    assert.deepEqual(number('0', { min: 0, minExclusive: true }), ['not-positive']);
    assert.equal(number('0', { min: 0 }), 0);
    assert.deepEqual(number('-1', { min: 0 }), ['negative']);
    assert.deepEqual(number('1', { min: 2 }), ['out-of-range']);
    assert.deepEqual(number('1.6', { max: 1.5 }), ['out-of-range']);
    assert.deepEqual(number('.inf', {}), ['wrong-type']);
    assert.deepEqual(number('"7"', {}), ['wrong-type']);
});
test('an absent optional key reads as undefined without a problem; a missing required one is reported once', () => {
    const data = parseYamlData('a: 1\n', 'f.yaml');
    const m = readMap(data, data.root, 'sec', { required: ['a', 'b'], optional: ['c'] });
    assert.equal(m?.number('c', {}), undefined);
    assert.equal(m?.number('a', {}), 1);
    assert.deepEqual(data.problems.all().map((p) => [p.code, p.field, p.line]), [['missing-key', 'sec.b', 1]]);
});
test('key paths join map keys with dots and list indexes with brackets', () => {
    assert.equal(childField('', 'perf'), 'perf');
    assert.equal(childField('perf', 'computeFlopsPerS'), 'perf.computeFlopsPerS');
    assert.equal(childField('perf.computeFlopsPerS', 2), 'perf.computeFlopsPerS[2]');
});
test('readNumber reports at the value: line and column', () => {
    const data = parseYamlData('a:\n  b: -3\n', 'f.yaml');
    const a = readMap(data, data.root, '', { required: ['a'] });
    const b = a?.read('a', (n, f) => readMap(data, n, f, { required: ['b'] }));
    assert.equal(b?.read('b', (n, f) => readNumber(data, n, f, { min: 0 })), undefined);
    assert.deepEqual(data.problems.all().map((p) => [p.line, p.column, p.field]), [[2, 6, 'a.b']]);
});
test('readEntries keeps user-named keys in file order and reports a key that is not a plain word at the key', () => {
    const data = parseYamlData('p:\n  b: 1\n  a: x\n  1: 2\n', 'f.yaml');
    const p = readMap(data, data.root, '', { required: ['p'] });
    const entries = p?.read('p', (n, f) => readEntries(data, n, f));
    assert.deepEqual(entries?.map((e) => e.key), ['b', 'a']);
    assert.deepEqual(data.problems.all().map((x) => [x.code, x.line, x.field]), [['wrong-type', 4, 'p']]);
});
test('readChecked refuses a value its rule refuses, with the reason, the value and the code the caller gives', () => {
    const data = parseYamlData('a: 0\nb: [1]\n', 'f.yaml');
    const m = readMap(data, data.root, '', { required: ['a', 'b'] });
    const positive = (v) => (typeof v === 'number' && v > 0 ? null : 'expected a number > 0');
    assert.equal(m?.read('a', (n, f) => readChecked(data, n, f, positive, 'study-bad-value')), undefined);
    assert.equal(m?.read('b', (n, f) => readChecked(data, n, f, positive, 'study-bad-value')), undefined);
    assert.deepEqual(data.problems.all().map((x) => [x.code, x.line, x.field, x.message]), [
        ['study-bad-value', 1, 'a', 'expected a number > 0, got 0'],
        ['wrong-type', 2, 'b', 'expected a single value (a number, string, boolean or null), got a list'],
    ]);
});
