import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { duetserve } from '../../../sim/policy/duetserve.js';
import { chunked } from '../../../sim/policy/chunked.js';
import { staticPolicy } from '../../../sim/policy/static.js';
import { InputError } from '../../../sim/core/input-error.js';
import { req, runTiny, hopperLike, QWEN3_8B_LIKE } from '../../util/fixtures.js';
import { vllm } from '../../../sim/policy/vllm.js';
import { runScenario } from '../../../sim/run/run-scenario.js';
import { fixtureSpec } from '../../util/report-fixtures.js';
const hw = hopperLike();
const model = QWEN3_8B_LIKE;
function trace(seed, n, meanGapUs) {
    const rng = seedrandom(seed);
    const out = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
        t += Math.floor(-Math.log(1 - rng()) * meanGapUs);
        out.push(req(i, t, 200 + Math.floor(rng() * 1800), 20 + Math.floor(rng() * 100)));
    }
    return out;
}
test('light load: duetserve makes the same decisions and results as chunked', () => {
    const requests = trace('light', 60, 2e6);
    const tau = 200; // ms: far above any hybrid step of this trace
    const d = runTiny(requests, duetserve, { hw, model, params: { tbt_target_ms: tau }, engine: { maxBatchTokens: 512 } });
    const c = runTiny(requests, chunked, { hw, model, engine: { maxBatchTokens: 512 } });
    assert.equal(d.result.summary.split_time_share, 0);
    assert.deepEqual(d.steps, c.steps);
    assert.deepEqual(d.result.summary, c.result.summary);
});
test('no token gap exceeds τ once the window guard holds: a prompt that ends in a split window gets its next token within τ', () => {
    // Qwen3-8B on an H100, Azure code at 8 req/s, τ = 50 ms, an 8,192-token budget: with k = ⌈t_p/t_d⌉
    // free to run the decode lane past the prefill lane, such requests waited the overshoot plus a step
    // (an 80.7 ms worst gap here before the prefill-lane guard).
    const r = runScenario(fixtureSpec({ trace: 'azure-code', rateQps: 8, durationS: 300, policy: 'duetserve', policyParams: { token_budget: 8192 }, sloTbtMs: 50 }));
    assert.ok(r.summary.split_time_share > 0.5, `split share ${r.summary.split_time_share}`);
    assert.ok(r.summary.tbt_ms.max <= 50, `worst gap ${r.summary.tbt_ms.max} ms`);
});
test('base_engine=vllm: at light load duetserve runs the batches vllm runs', () => {
    const requests = trace('light-vllm', 40, 2e6);
    const d = runTiny(requests, duetserve, { hw, model, params: { tbt_target_ms: 200, base_engine: 'vllm' } });
    const v = runTiny(requests, vllm, { hw, model });
    assert.equal(d.result.summary.split_time_share, 0);
    assert.deepEqual(d.steps, v.steps);
});
test('heavy load: the split activates and TBT p99 stays within τ where chunked breaks it', () => {
    const requests = trace('heavy', 300, 50000);
    const tauMs = 25;
    const engine = { maxBatchTokens: 2048 };
    const c = runTiny(requests, chunked, { hw, model, engine, sloTbtMs: tauMs, kvBlocks: 100000 });
    const d = runTiny(requests, duetserve, { hw, model, engine, sloTbtMs: tauMs, kvBlocks: 100000 });
    assert.ok(c.result.summary.tbt_ms.p99 > tauMs, `chunked p99 ${c.result.summary.tbt_ms.p99}`);
    assert.ok(d.result.summary.split_time_share > 0.2, `split share ${d.result.summary.split_time_share}`);
    assert.ok(d.result.summary.tbt_ms.p99 <= tauMs, `duetserve p99 ${d.result.summary.tbt_ms.p99}`);
    assert.ok(d.steps.some((s) => s.mode === 'split' && s.lookaheadK > 1));
});
test('bad configurations are refused with the parameter named', () => {
    const ctx = { model, hw, tpDegree: 1, sloTbtMs: null };
    assert.throws(() => duetserve.create({}, ctx), (e) => e instanceof InputError && /tbt_target_ms/.test(e.message));
    assert.throws(() => duetserve.create({ tbt_target_ms: 0.001 }, ctx), /below the fastest possible decode step/);
    assert.throws(() => duetserve.create({ tbt_target_ms: 30, max_lookahead_k: 0 }, ctx), /max_lookahead_k must be ≥ 1/);
    assert.throws(() => duetserve.create({ tbt_target_ms: 30, granularity_sms: 4 }, ctx), /finer/);
    assert.throws(() => duetserve.create({ tbt_target_ms: 30, bogus: 3 }, ctx), /no parameter 'bogus'; valid: /);
    assert.throws(() => staticPolicy.create({ prefill_sms: 13 }, ctx), /not a split/);
    assert.throws(() => staticPolicy.create({}, ctx), /prefill_sms/);
});
test('ablations run: always-split, k = 1 and contention-blind', () => {
    const requests = trace('abl', 120, 50000);
    const ablations = [{ adaptive: false }, { fixed_k: 1 }, { contention_aware: false }];
    for (const params of ablations) {
        const r = runTiny(requests, duetserve, { hw, model, params: { tbt_target_ms: 25, ...params }, kvBlocks: 100000 });
        assert.equal(r.result.summary.completed, requests.length);
        if ('fixed_k' in params)
            assert.ok(r.steps.every((s) => s.lookaheadK === 1));
        if ('adaptive' in params)
            assert.ok(r.steps.filter((s) => s.prefills.length > 0 && s.decodes.length > 0).every((s) => s.mode === 'split'));
    }
});
