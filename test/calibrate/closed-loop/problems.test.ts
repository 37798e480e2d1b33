import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDifference, MAX_PROBLEMS, ProblemList } from '../../../calibrate/closed-loop/problems.js';
import { expectInputError } from '../../util/expect-input-error.js';

test('jsonDifference names the first differing key path; key order does not matter', () => {
  assert.equal(jsonDifference({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }), null);
  assert.equal(jsonDifference({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } }), 'b.c');
  assert.equal(jsonDifference({ a: [1, 2] }, { a: [1, 3] }), 'a[1]');
  assert.equal(jsonDifference({ a: 1 }, { a: 1, z: null }), 'z');
  assert.equal(jsonDifference(1, [1]), '(root)');
  // Numbers within a relative tolerance (the executor's 6 significant digits).
  assert.equal(jsonDifference({ x: 5.123456789 }, { x: 5.12346 }, 1e-5), null);
  assert.equal(jsonDifference({ x: 5.1 }, { x: 5.2 }, 1e-5), 'x');
});

test('ProblemList keeps the first MAX_PROBLEMS and counts the rest', () => {
  const list = new ProblemList('f.jsonl');
  list.throwIfAny();
  for (let i = 1; i <= MAX_PROBLEMS + 7; i++) list.add('x.code', i, 'field', 'bad');
  assert.equal(list.count, MAX_PROBLEMS + 7);
  const problems = expectInputError(() => list.throwIfAny(), [{ code: 'x.code', file: 'f.jsonl', line: 1, field: 'field' }, { code: 'calib.more-problems' }]);
  assert.equal(problems.length, MAX_PROBLEMS + 1);
  assert.equal(problems[MAX_PROBLEMS].message, '7 more problems not listed');
});
