import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCapacity } from '../../../sim/study/capacity.js';
const SEARCH = { targetAttainment: 0.9, repeats: 1, startQps: 1, growthFactor: 2, relTolerance: 0.01, maxProbes: 60, maxQps: 1e6 };
/** Step response: every rate up to the threshold passes, every rate above fails. */
const step = (thresholdQps) => async (rate) => (rate <= thresholdQps ? 1 : 0.5);
test('a known threshold is recovered to the relative tolerance, bracketing upward', async () => {
    const r = await findCapacity(step(13.7), SEARCH);
    assert.ok(r.converged);
    assert.ok(r.capacity_qps <= 13.7 && r.capacity_qps >= 13.7 / 1.01, `got ${r.capacity_qps}`);
    assert.equal(r.bracket[0], r.capacity_qps);
    assert.ok(r.bracket[1] > 13.7);
    assert.deepEqual(r.probes.slice(0, 5).map((p) => p.rate_qps), [1, 2, 4, 8, 16]);
});
test('a threshold below the start rate is bracketed downward', async () => {
    const r = await findCapacity(step(0.3), SEARCH);
    assert.ok(r.converged);
    assert.ok(r.capacity_qps <= 0.3 && r.capacity_qps >= 0.3 / 1.01, `got ${r.capacity_qps}`);
    assert.deepEqual(r.probes.slice(0, 3).map((p) => p.passed), [false, false, true]);
});
test('a noisy but monotone-in-the-mean response is handled by averaging repeats', async () => {
    // Attainment falls linearly through 0.9 at 10 QPS; each repeat adds ±0.08 of deterministic noise,
    // larger than the slope over the tolerance, so single runs would cross the target many times.
    const noise = [0.08, -0.08, 0.05, -0.05, 0.0];
    const response = async (rate, repeat) => 0.9 - (rate - 10) * 0.02 + (noise[repeat] ?? 0);
    const single = await findCapacity(response, { ...SEARCH, repeats: 1 });
    const averaged = await findCapacity(response, { ...SEARCH, repeats: 5 });
    assert.ok(Math.abs(averaged.capacity_qps - 10) / 10 <= 0.011, `averaged ${averaged.capacity_qps}`);
    assert.ok(Math.abs(single.capacity_qps - 10) / 10 > 0.05, `a single noisy repeat lands off the knee: ${single.capacity_qps}`);
    assert.deepEqual(averaged.probes[0]?.attainments.length, 5);
});
test('maxProbes stops a setting that never fails, reporting no upper bracket', async () => {
    const r = await findCapacity(async () => 1, { ...SEARCH, maxProbes: 5 });
    assert.equal(r.converged, false);
    assert.equal(r.probes.length, 5);
    assert.deepEqual(r.bracket, [16, null]);
});
test('a setting that never passes reports zero capacity', async () => {
    const r = await findCapacity(async () => 0, { ...SEARCH, maxProbes: 4 });
    assert.equal(r.capacity_qps, 0);
    assert.equal(r.converged, false);
});
test('the search is deterministic: the same response gives the same probes', async () => {
    const a = await findCapacity(step(7.1), SEARCH);
    const b = await findCapacity(step(7.1), SEARCH);
    assert.deepEqual(a, b);
});
test('maxQps stops bracketing a setting that never fails before maxProbes does', async () => {
    const r = await findCapacity(async () => 1, { ...SEARCH, maxQps: 100 });
    assert.deepEqual(r.probes.map((p) => p.rate_qps), [1, 2, 4, 8, 16, 32, 64]);
    assert.deepEqual(r.bracket, [64, null]);
    assert.equal(r.converged, false);
});
