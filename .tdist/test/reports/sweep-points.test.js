import { test } from 'node:test';
import assert from 'node:assert/strict';
import { facetAxis, lineLabel, sweepPoints } from '../../reports/sweep-points.js';
const point = (series, rateQps, seed, attainment) => ({
    series, policy: series, coords: { policy: series }, spec: {}, rateQps, arrivalRateQps: rateQps === null ? null : rateQps * 0.9, seed, summary: { slo_attainment: attainment }, cdf: { ttft_ms: [], tbt_ms: [] },
});
test('points are grouped per setting and rate, averaged over seeds, sorted by setting then rate', () => {
    const s = sweepPoints([point('b', 2, 1, 0.5), point('a', 4, 0, 1), point('b', 2, 0, 0.7), point('a', 1, 0, 0.2), point('a', null, 0, 0)]);
    assert.deepEqual(s.map((p) => [p.series, p.rateQps, p.seeds]), [['a', 1, 1], ['a', 4, 1], ['b', 2, 2]]);
    assert.equal(s[2]?.mean((x) => x.slo_attainment), 0.6);
});
test('the mean does not depend on the order lines arrived in', () => {
    const values = [0.1, 0.2, 0.7, 1e-17, 0.3];
    const forward = values.map((v, i) => point('a', 1, i, v));
    const a = sweepPoints(forward)[0]?.mean((x) => x.slo_attainment);
    const b = sweepPoints([...forward].reverse())[0]?.mean((x) => x.slo_attainment);
    assert.equal(a, b);
});
test('the rate axis is the measured arrival rate, averaged over seeds; the offered one only where none was recorded', () => {
    const [a] = sweepPoints([point('a', 2, 0, 1), point('a', 2, 1, 1)]);
    assert.equal(a?.arrivalRateQps, 1.8);
    assert.equal(a?.measured, true);
    const [b] = sweepPoints([{ ...point('b', 2, 0, 1), arrivalRateQps: null }]);
    assert.deepEqual([b?.arrivalRateQps, b?.measured], [2, false]);
});
test('panels split by model when several ran, else by another varying axis; lines are labelled by the rest', () => {
    const p = (coords) => ({ coords });
    assert.equal(facetAxis([p({ model: 'a', policy: 'x', rateQps: '1' }), p({ model: 'b', policy: 'x', rateQps: '2' })]), 'model');
    assert.equal(facetAxis([p({ hardware: 'h100', policy: 'x' }), p({ hardware: 'h200', policy: 'y' })]), 'hardware');
    assert.equal(facetAxis([p({ model: 'a', policy: 'x' }), p({ model: 'a', policy: 'y' })]), null);
    assert.equal(lineLabel({ model: 'a', policy: 'vllm', 'engine.maxBatchTokens': '4096', rateQps: '2', seed: '0' }, 'model'), 'vllm · engine.maxBatchTokens=4096');
});
