import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencyCdfChart, representativePoints } from '../../../reports/charts/latency-cdf.js';
const point = (series, rateQps, seed) => ({
    series, policy: series, coords: { policy: series }, spec: {}, rateQps, arrivalRateQps: rateQps === null ? null : rateQps * 0.9, seed, summary: {}, cdf: { ttft_ms: [1, 2, 3], tbt_ms: [0, 1, 2] },
});
test('each setting is drawn at its lower-middle rate, lowest seed', () => {
    const picked = representativePoints([point('a', 1, 0), point('a', 2, 1), point('a', 2, 0), point('a', 4, 0), point('a', 8, 0), point('b', 3, 0)]);
    assert.deepEqual(picked.map((p) => [p.series, p.rateQps, p.seed]), [['a', 2, 0], ['b', 3, 0]]);
});
test('CDF rows spread the quantiles over 0..100 percent; a zero latency turns the log axis off', () => {
    const input = { title: 't', sources: [], runs: [], studyPoints: [point('a', 1, 0)], capacities: [], calibration: [], calibrationFiles: [] };
    const ttft = latencyCdfChart(input, 'ttft_ms');
    assert.deepEqual(ttft?.rows.map((r) => r.percentile), [0, 50, 100]);
    assert.equal((ttft?.spec.encoding).x.scale.type, 'log');
    const tbt = latencyCdfChart(input, 'tbt_ms');
    assert.equal((tbt?.spec.encoding).x.scale.type, undefined);
    assert.equal(latencyCdfChart({ ...input, studyPoints: [] }, 'ttft_ms'), null);
});
