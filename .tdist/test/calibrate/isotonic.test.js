import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isotonicNonDecreasing } from '../../calibrate/isotonic.js';
test('a dip is pooled with its neighbour into their mean', () => {
    assert.deepEqual(isotonicNonDecreasing([1, 3, 2, 4]), [1, 2.5, 2.5, 4]);
});
test('a run of violators pools back as far as needed', () => {
    assert.deepEqual(isotonicNonDecreasing([5, 1, 1, 1]), [2, 2, 2, 2]);
});
test('a non-decreasing sequence is returned unchanged', () => {
    assert.deepEqual(isotonicNonDecreasing([1, 1, 2, 7]), [1, 1, 2, 7]);
});
