import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeWorkloadStats } from '../../../sim/workload/workload-stats.js';
import { loadWorkload } from '../../../sim/workload/load-workload.js';
import { requestsAt } from '../../util/requests.js';
test('hand-checked statistics of a small workload', () => {
    // Gaps 1, 1, 2 s: mean 4/3 s, population std sqrt(2/9) s, CV = sqrt(2)/4.
    const s = computeWorkloadStats(requestsAt([0, 1_000_000, 2_000_000, 4_000_000]));
    assert.equal(s.requestCount, 4);
    assert.equal(s.spanS, 4);
    assert.equal(s.meanRateQps, 0.75);
    assert.ok(Math.abs((s.interArrivalCv ?? NaN) - Math.SQRT2 / 4) < 1e-12);
    // Prompts 100..103: linear interpolation between order statistics.
    const want = { p50: 101.5, p90: 102.7, p99: 102.97, mean: 101.5, max: 103 };
    for (const [k, v] of Object.entries(want))
        assert.ok(Math.abs(s.promptTokens[k] - v) < 1e-9, `${k}: ${s.promptTokens[k]}`);
});
test('the Azure conversation trace matches the figures in SOURCES.md', () => {
    // SOURCES.md: 19,366 rows, ~3,502 s, 5.53 req/s, input p50/mean/max 1020/1155/14050, output 129/211/1000.
    const s = computeWorkloadStats(loadWorkload({ trace: 'azure-conv', seed: 0 }));
    assert.equal(s.requestCount, 19366);
    assert.equal(Math.round(s.spanS), 3502);
    assert.equal(s.meanRateQps?.toFixed(2), '5.53');
    assert.deepEqual([s.promptTokens.p50, Math.round(s.promptTokens.mean), s.promptTokens.max], [1020, 1155, 14050]);
    assert.deepEqual([s.outputTokens.p50, Math.round(s.outputTokens.mean), s.outputTokens.max], [129, 211, 1000]);
});
test('the Azure code and Mooncake conversation traces match the figures in SOURCES.md', () => {
    // SOURCES.md: code input p50/mean/max 1469/2048/7437, output 13/27.9/1899, ~3,436 s, 2.57 req/s;
    // Mooncake conversation input 6909/12035/126195, output 350/343/2000, span 0 to 3,536,999 ms.
    const code = computeWorkloadStats(loadWorkload({ trace: 'azure-code', seed: 0 }));
    assert.deepEqual([code.promptTokens.p50, Math.round(code.promptTokens.mean), code.promptTokens.max], [1469, 2048, 7437]);
    assert.deepEqual([code.outputTokens.p50, code.outputTokens.mean.toFixed(1), code.outputTokens.max], [13, '27.9', 1899]);
    assert.equal(Math.round(code.spanS), 3436);
    assert.equal(code.meanRateQps?.toFixed(2), '2.57');
    const mc = computeWorkloadStats(loadWorkload({ trace: 'mooncake-conv', seed: 0 }));
    assert.deepEqual([mc.promptTokens.p50, Math.round(mc.promptTokens.mean), mc.promptTokens.max], [6909, 12035, 126195]);
    assert.deepEqual([mc.outputTokens.p50, Math.round(mc.outputTokens.mean), mc.outputTokens.max], [350, 343, 2000]);
    assert.equal(mc.spanS, 3536.999);
    assert.equal(mc.withHashIdsCount, 12031);
});
test('rate and CV are null when there are too few arrivals to define them', () => {
    const s = computeWorkloadStats(requestsAt([0]));
    assert.equal(s.meanRateQps, null);
    assert.equal(s.interArrivalCv, null);
});
