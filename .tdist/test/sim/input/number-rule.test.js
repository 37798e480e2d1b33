import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberProblem, POSITIVE, POSITIVE_INTEGER } from '../../../sim/input/number-rule.js';
test('numberProblem: null for a number that keeps the rule, else the first broken bound with the value', () => {
    assert.equal(numberProblem(3, POSITIVE_INTEGER), null);
    assert.deepEqual(numberProblem('3', POSITIVE), { code: 'wrong-type', message: 'expected a number' });
    assert.deepEqual(numberProblem(Number.NaN, POSITIVE_INTEGER), { code: 'wrong-type', message: 'expected an integer' });
    assert.deepEqual(numberProblem(2.5, POSITIVE_INTEGER), { code: 'not-integer', message: 'expected an integer, got 2.5' });
    assert.deepEqual(numberProblem(1e20, POSITIVE_INTEGER), { code: 'out-of-range', message: 'expected an integer of magnitude below 2^53, got 100000000000000000000' });
    assert.deepEqual(numberProblem(0, POSITIVE), { code: 'not-positive', message: 'expected a value > 0, got 0' });
    assert.deepEqual(numberProblem(-1, { min: 0 }), { code: 'negative', message: 'expected a value ≥ 0, got -1' });
    assert.deepEqual(numberProblem(9, { max: 8, why: 'the GPU has 8 SMs' }), { code: 'out-of-range', message: 'expected a value ≤ 8 (the GPU has 8 SMs), got 9' });
});
