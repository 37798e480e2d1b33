import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepFreeze } from '../../../sim/config/deep-freeze.js';
test('deepFreeze freezes nested objects and arrays and returns the same object', () => {
    const spec = { name: 'x', perf: { curve: [{ smCount: 8, value: 1 }], efficiency: { gemm: { compute: 1 } } } };
    const frozen = deepFreeze(spec);
    assert.equal(frozen, spec);
    assert.ok(Object.isFrozen(spec.perf.curve) && Object.isFrozen(spec.perf.curve[0]) && Object.isFrozen(spec.perf.efficiency.gemm));
    // ESM modules run in strict mode, where writing a frozen property throws.
    assert.throws(() => {
        spec.perf.curve[0].value = 2;
    }, TypeError);
    assert.throws(() => spec.perf.curve.push(3), TypeError);
});
test('primitives and null pass through', () => {
    assert.equal(deepFreeze(3), 3);
    assert.equal(deepFreeze(null), null);
});
