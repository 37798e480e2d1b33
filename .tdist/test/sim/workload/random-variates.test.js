import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleExponential, sampleGamma, sampleStandardNormal } from '../../../sim/workload/random-variates.js';
import { createRng } from '../../../sim/core/rng.js';
function moments(draw, n) {
    const xs = Array.from({ length: n }, draw);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    return { mean, variance: xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n };
}
test('exponential has mean 1 and variance 1', () => {
    const rng = createRng(1, 'exp');
    const m = moments(() => sampleExponential(rng), 50_000);
    assert.ok(Math.abs(m.mean - 1) < 0.02 && Math.abs(m.variance - 1) < 0.05, JSON.stringify(m));
});
test('standard normal has mean 0 and variance 1', () => {
    const rng = createRng(1, 'normal');
    const m = moments(() => sampleStandardNormal(rng), 50_000);
    assert.ok(Math.abs(m.mean) < 0.02 && Math.abs(m.variance - 1) < 0.03, JSON.stringify(m));
});
test('gamma(shape) has mean shape and variance shape, below and above shape 1', () => {
    for (const shape of [0.25, 1, 4]) {
        const rng = createRng(2, `gamma-${shape}`);
        const m = moments(() => sampleGamma(shape, rng), 50_000);
        assert.ok(Math.abs(m.mean / shape - 1) < 0.03, `shape ${shape}: mean ${m.mean}`);
        assert.ok(Math.abs(m.variance / shape - 1) < 0.1, `shape ${shape}: variance ${m.variance}`);
    }
    assert.throws(() => sampleGamma(0, createRng(0, 'g')), RangeError);
});
