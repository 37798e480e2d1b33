import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { chunked } from '../../../sim/policy/chunked.js';
import { vllmV0 } from '../../../sim/policy/vllm-v0.js';
import { POLICIES } from '../../../sim/policy/registry.js';
import fc from 'fast-check';
import { req, requestRowsOf, runTiny, tinyHardware, perf, TINY_MODEL } from '../../util/fixtures.js';
import { prefixTraceArb, propertyOptions, traceArb } from '../../util/arbitraries.js';
// floorOnlyHardware: every kernel costs 100 µs. TINY_MODEL (1 layer, no qk-norm): a forward has
// 4 GEMMs + 4 elementwise + 1 attention kernel per kind present + 3 (embedding, final norm, LM head).
// Prefill-only or decode-only: 12 kernels = 1200 µs; mixed: 13 kernels = 1300 µs.
test('chunked: TTFT and TBT of a two-request trace match the hand-computed schedule', () => {
    const r = runTiny([req(0, 0, 10, 3), req(1, 500, 10, 3)], chunked);
    const rows = r.collector.requestRows(['a', 'b'], [0, 500], [10, 10], [3, 3]);
    // r0: prefill 0→1200 (TTFT 1.2), hybrid step 1200→2500 (r0 decode + r1 prefill), decode 2500→3700.
    // r1: TTFT 2500−500 = 2.0 ms, then 3700 and 4900. r0's gaps 1300, 1200: p99 (R-7) = 1299 µs.
    assert.equal(rows[1], '0,a,completed,0.000000,10,3,1.2,1.25,3.7,0,1.299,0,1,');
    assert.equal(rows[2], '1,b,completed,0.000500,10,3,2,1.2,4.4,0.7,1.2,0,1,');
    assert.equal(r.result.summary.iterations, 4);
    assert.equal(r.result.summary.ttft_ms.max, 2);
});
test('vllm-v0: a new prefill stalls the running decode (prefill-first, whole prompts)', () => {
    const r = runTiny([req(0, 0, 10, 3), req(1, 500, 10, 3)], vllmV0);
    const rows = r.collector.requestRows(['a', 'b'], [0, 500], [10, 10], [3, 3]);
    // Steps: prefill r0 0→1200; prefill r1 1200→2400; decode both 2400→3600; decode both 3600→4800.
    // r0 gaps: 2400, 1200 → p99 of gaps = 2.388 ms (R-7 between 1.2 and 2.4)
    assert.equal(rows[1], '0,a,completed,0.000000,10,3,1.2,1.8,4.8,0,2.388,0,1,');
    assert.equal(rows[2], '1,b,completed,0.000500,10,3,1.9,1.2,4.3,0.7,1.2,0,1,');
});
test('a request that can never fit the KV cache is rejected, not lost', () => {
    const r = runTiny([req(0, 0, 10, 3), req(1, 5, 5000, 10)], chunked, { kvBlocks: 100 });
    assert.equal(r.result.summary.completed, 1);
    assert.equal(r.result.summary.rejected, 1);
    assert.equal(r.result.rejected[0].code, 'exceeds-kv-capacity');
    assert.match(r.result.rejected[0].reason, /needs 314 KV blocks; the cache holds 100/);
});
test('a request longer than the model\'s maximum length is rejected as exceeds-max-model-len, counted by reason and named in the CSV', () => {
    // Context 100 tokens: r1's 90 + 11 exceeds it (though the cache could hold it); r2's 5000 + 10 exceeds
    // both the context and the cache, and the context is what a server checks first.
    const requests = [req(0, 0, 10, 3), req(1, 5, 90, 11), req(2, 9, 5000, 10), req(3, 20, 90, 10)];
    const r = runTiny(requests, chunked, { kvBlocks: 100, model: { ...TINY_MODEL, maxModelLenTokens: 100 } });
    assert.deepEqual(r.result.summary.rejected_by_reason, { 'exceeds-max-model-len': 2 });
    assert.deepEqual(r.result.rejected.map((x) => [x.id, x.code]), [[1, 'exceeds-max-model-len'], [2, 'exceeds-max-model-len']]);
    assert.match(r.result.rejected[0].reason, /prompt\+output \(90\+11 tokens\) exceeds tiny's maximum model length of 100 tokens/);
    const rows = requestRowsOf(r, requests);
    assert.match(rows[0], /,reject_reason$/);
    assert.deepEqual(rows.slice(1).map((row) => row.split(',').slice(2, 3).concat(row.split(',').slice(-1))), [
        ['completed', ''],
        ['rejected', 'exceeds-max-model-len'],
        ['rejected', 'exceeds-max-model-len'],
        ['completed', ''],
    ]);
});
test('kv-capacity and max-model-len rejections are counted apart', () => {
    // 10 blocks of 16 tokens hold 160: r2's 210 tokens fit the 1000-token context but never the cache.
    const r = runTiny([req(0, 0, 10, 3), req(1, 5, 5000, 10), req(2, 9, 200, 10)], chunked, { kvBlocks: 10, model: { ...TINY_MODEL, maxModelLenTokens: 1000 } });
    assert.deepEqual(r.result.summary.rejected_by_reason, { 'exceeds-kv-capacity': 1, 'exceeds-max-model-len': 1 });
    assert.equal(r.result.summary.completed, 1);
});
function randomTrace(seed, n, maxPrompt, maxOut, gapUs) {
    const rng = seedrandom(seed);
    const out = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
        t += Math.floor(rng() * gapUs);
        out.push(req(i, t, 1 + Math.floor(rng() * maxPrompt), 1 + Math.floor(rng() * maxOut)));
    }
    return out;
}
const realisticHw = tinyHardware({
    overheads: { schedulingUs: 20, graphLaunchUs: 5, eagerLaunchUsPerKernel: 4, samplingUs: 10 },
    perf: perf({ kernelFloorUs: 3, contention: { memory: 0.6, compute: 0.4 } }),
});
/** Parameters each registered policy runs the property tests with (every registry entry must be here). */
const PROPERTY_PARAMS = {
    vllm: { max_num_batched_tokens: 64, max_num_seqs: 16 },
    sglang: { chunked_prefill_size: 64, max_running_requests: 16 },
    'vllm-v0': {},
    chunked: { token_budget: 64 },
    static: { prefill_sms: 40 },
    duetserve: { tbt_target_ms: 1.2 },
};
const policies = [
    ...Object.entries(POLICIES).map(([name, f]) => [name, f, PROPERTY_PARAMS[name]]),
    ['sglang mixed_chunk', POLICIES.sglang, { chunked_prefill_size: 64, mixed_chunk: true }],
    ['duetserve on vllm', POLICIES.duetserve, { tbt_target_ms: 1.2, base_engine: 'vllm', token_budget: 64 }],
];
test('the property tests cover every registered policy', () => {
    assert.deepEqual(Object.keys(PROPERTY_PARAMS).sort(), Object.keys(POLICIES).sort());
});
/** Output tokens a run must emit: every request that can ever fit a cache of `kvBlocks` blocks of 16 tokens. */
function expectedOutputTokens(requests, kvBlocks) {
    return requests.filter((q) => Math.ceil((q.promptTokens + q.outputTokens) / 16) <= kvBlocks).reduce((a, q) => a + q.outputTokens, 0);
}
/** Request conservation, token conservation and a drained cache and queue: what every finished run owes. */
function assertConserved(name, r, requests, kvBlocks) {
    const s = r.result.summary;
    assert.equal(s.completed + s.rejected, requests.length);
    const expectedOut = expectedOutputTokens(requests, kvBlocks);
    assert.ok(Math.abs(s.output_tps * s.duration_s - expectedOut) < 1e-6 * expectedOut + 1e-6, `${name}: output tokens ${s.output_tps * s.duration_s} vs ${expectedOut}`);
    // Once everything has finished, blocks are either free or unreferenced prefix entries.
    assert.equal(r.instance.kv.usedBlocks, 0);
    assert.equal(r.instance.running.length + r.instance.waiting.length, 0);
}
const prefixTraces = prefixTraceArb({ maxRequests: 80, maxPromptTokens: 300, maxOutputTokens: 30, maxGapUs: 300, hashBlockTokens: 32, conversations: 4 });
const pressureTraces = traceArb({ maxRequests: 60, maxPromptTokens: 300, maxOutputTokens: 40, maxGapUs: 400 });
for (const [name, factory, params] of policies) {
    test(`${name}: with prefix caching on, every request finishes, tokens are conserved and only cached prefix blocks stay held (property)`, () => {
        let prefixHits = 0;
        fc.assert(fc.property(prefixTraces, fc.integer({ min: 48, max: 104 }), (requests, kvBlocks) => {
            const r = runTiny(requests, factory, { hw: realisticHw, kvBlocks, params, engine: { blockTokens: 16, maxBatchTokens: 256, prefixCaching: true } });
            assertConserved(name, r, requests, kvBlocks);
            if (r.result.summary.prefix_hit_tokens > 0)
                prefixHits++;
        }), propertyOptions(20));
        assert.ok(prefixHits > 0, 'the traces must exercise the prefix cache');
    });
}
for (const [name, factory, params] of policies) {
    test(`${name}: under KV pressure every request finishes, tokens are conserved, the cache drains and the clock never goes back (property)`, () => {
        fc.assert(fc.property(pressureTraces, (requests) => {
            // Small cache: forces preemption by recompute.
            const r = runTiny(requests, factory, { hw: realisticHw, kvBlocks: 60, params, engine: { blockTokens: 16, maxBatchTokens: 256 } });
            assertConserved(name, r, requests, 60);
            assert.ok(r.instance.stats.peakUsedBlocks <= 60, `peak ${r.instance.stats.peakUsedBlocks} blocks of 60`);
            // Steps never overlap and never go back in time.
            for (let i = 1; i < r.steps.length; i++)
                assert.ok(r.steps[i].startUs >= r.steps[i - 1].startUs + r.steps[i - 1].durationUs - 1e-6);
            const rows = r.collector.requestRows(requests.map((q) => q.origin), requests.map((q) => q.arrivalUs), requests.map((q) => q.promptTokens), requests.map((q) => q.outputTokens));
            for (const row of rows.slice(1)) {
                const f = row.split(',');
                if (f[2] !== 'completed')
                    continue;
                // arrival ≤ first token ≤ completion
                assert.ok(Number(f[6]) > 0 && Number(f[8]) >= Number(f[6]), row);
            }
        }), propertyOptions(25));
    });
}
for (const [name, factory, params] of policies) {
    test(`${name}: the same trace and seed give byte-identical results (property)`, () => {
        fc.assert(fc.property(pressureTraces, (requests) => {
            const a = runTiny(requests, factory, { hw: realisticHw, params, kvBlocks: 200 });
            const b = runTiny(requests, factory, { hw: realisticHw, params, kvBlocks: 200 });
            assert.equal(JSON.stringify(a.result), JSON.stringify(b.result));
        }), propertyOptions(5));
    });
}
test('preemption happens under KV pressure and is counted', () => {
    const requests = randomTrace('pressure', 80, 200, 60, 50);
    const r = runTiny(requests, chunked, { hw: realisticHw, kvBlocks: 40, engine: { blockTokens: 16, maxBatchTokens: 256 } });
    assert.ok(r.result.summary.preemptions > 0);
    assert.equal(r.result.summary.completed + r.result.summary.rejected, requests.length);
});
test('prefix caching reuses shared hash blocks and still conserves blocks', () => {
    const shared = [7, 8];
    const requests = [req(0, 0, 40, 2, [...shared, 1], 16), req(1, 100000, 40, 2, [...shared, 2], 16)];
    const r = runTiny(requests, chunked, { hw: realisticHw, engine: { blockTokens: 16, prefixCaching: true } });
    assert.equal(r.result.summary.prefix_hit_tokens, 32);
    assert.equal(r.instance.kv.usedBlocks, 0);
    assert.equal(r.result.summary.completed, 2);
    assert.equal(TINY_MODEL.numLayers, 1);
});
