import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDifference } from '../../../calibrate/closed-loop/problems.js';
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
