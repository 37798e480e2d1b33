import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlData } from '../../../sim/config/yaml-data.js';
import { childField, readMap, readNumber, type NumberRule } from '../../../sim/config/yaml-fields.js';

/** Reads `value: <text>` with `rule`; returns the number or the problem codes. */
function number(text: string, rule: NumberRule): number | string[] {
  const data = parseYamlData(`value: ${text}\n`, 'f.yaml');
  const m = readMap(data, data.root, '', { required: ['value'] });
  const v = m?.number('value', rule);
  return v ?? data.problems.map((p) => p.code);
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
  assert.deepEqual(
    data.problems.map((p) => [p.code, p.field, p.line]),
    [['missing-key', 'sec.b', 1]],
  );
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
  assert.deepEqual(data.problems.map((p) => [p.line, p.column, p.field]), [[2, 6, 'a.b']]);
});
