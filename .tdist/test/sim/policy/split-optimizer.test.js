import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { propertyOptions } from '../../util/arbitraries.js';
import { better, chooseSplit, feasible, objective } from '../../../sim/policy/split-optimizer.js';
import { splitTiming } from '../../../sim/latency/iteration-timing.js';
import { wholeGpuSplits } from '../../../sim/hardware/partition.js';
import { QWEN3_8B_LIKE as MODEL, hopperLike } from '../../util/fixtures.js';
const hw = hopperLike();
/** The window the engine runs for a split and k, priced afresh (no shared step prices, no early stop). */
const engineTiming = (p, s, k) => splitTiming(p.model, p.hw, p.prefill, p.decode, s.prefillSms, s.decodeSms, k, p.tpDegree);
function bruteForce(p) {
    let best = null;
    for (const s of p.splits) {
        for (let k = 1; k <= p.maxK; k++) {
            if (p.fixedK !== null && k !== p.fixedK)
                continue;
            const t = engineTiming(p, s, k);
            if (!feasible(p, t))
                continue;
            const c = { ...s, k, objective: objective(p, k, t), decodeStepUs: t.longestDecodeStepUs, decodeLaneUs: t.decodeLaneUs, prefillUs: t.prefillGpuUs };
            if (better(c, best))
                best = c;
        }
    }
    return best;
}
/** The decode partition's batch: `count` decodes of `contextTokensEach` tokens of context. */
const decodeBatch = (count, contextTokensEach) => ({ prefills: [], decodeCount: count, decodeContextTokens: count * contextTokensEach });
/** Up to `maxCount` decodes of up to 4,000 tokens of context each. */
const decodeBatchArb = (maxCount) => fc.tuple(fc.integer({ min: 1, max: maxCount }), fc.integer({ min: 1, max: 4000 })).map(([count, contextTokensEach]) => decodeBatch(count, contextTokensEach));
/** The prefill partition's batch: one prompt chunk. */
const promptBatch = (newTokens, cachedTokens) => ({ prefills: [{ newTokens, cachedTokens }], decodeCount: 0, decodeContextTokens: 0 });
/** 64 decodes over 1,024 tokens each beside a 2,048-token prompt, τ = 20 ms, no window guard. */
function plainProblem(overrides = {}) {
    return {
        model: MODEL,
        hw,
        tpDegree: 1,
        tauUs: 20000,
        decode: decodeBatch(64, 1024),
        prefill: promptBatch(2048, 0),
        splits: wholeGpuSplits(hw),
        maxK: 8,
        fixedK: null,
        guardWindowGap: false,
        gapLimitUs: Infinity,
        prefillEmits: false,
        ...overrides,
    };
}
test('the chosen split equals a brute-force search over (S_p, S_d, k) of the same objective on the engine\'s own window timing (property)', () => {
    const problems = fc
        .record({
        decode: decodeBatchArb(200),
        tauUs: fc.integer({ min: 3000, max: 63000 }),
        newTokens: fc.integer({ min: 1, max: 4096 }),
        cachedTokens: fc.integer({ min: 0, max: 2047 }),
        maxK: fc.integer({ min: 1, max: 12 }),
        fixedK: fc.oneof({ weight: 1, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.constant(null) }),
        guardWindowGap: fc.boolean(),
        gapSlackPerMille: fc.integer({ min: 0, max: 300 }),
        prefillEmits: fc.boolean(),
    })
        .map((r) => plainProblem({
        tauUs: r.tauUs,
        decode: r.decode,
        prefill: promptBatch(r.newTokens, r.cachedTokens),
        maxK: r.maxK,
        fixedK: r.fixedK,
        guardWindowGap: r.guardWindowGap,
        gapLimitUs: r.tauUs * (1 + r.gapSlackPerMille / 1000),
        prefillEmits: r.prefillEmits,
    }));
    let compared = 0;
    fc.assert(fc.property(problems, (p) => {
        const fast = chooseSplit(p);
        assert.deepEqual(fast, bruteForce(p));
        if (fast)
            compared++;
    }), propertyOptions(300));
    assert.ok(compared > 100, `only ${compared} problems had a feasible split`);
});
test('the decode partition is never faster than τ allows, and ties go to fewer decode SMs', () => {
    const p = plainProblem();
    const c = chooseSplit(p);
    assert.ok(c.decodeStepUs <= 20000);
    // Here, as in the published design, the best split gives decode the fewest SMs that still meet τ.
    const smallestFeasible = Math.min(...p.splits.filter((s) => engineTiming(p, s, 1).longestDecodeStepUs <= p.tauUs).map((s) => s.decodeSms));
    assert.equal(c.decodeSms, smallestFeasible);
    // No feasible split with fewer decode SMs reaches the same objective.
    for (const s of p.splits) {
        if (s.decodeSms >= c.decodeSms)
            continue;
        for (let k = 1; k <= 8; k++) {
            const t = engineTiming(p, s, k);
            if (feasible(p, t))
                assert.ok(objective(p, k, t) < c.objective);
        }
    }
});
test('no split is offered when no decode partition can meet τ', () => {
    const p = plainProblem({ tauUs: 1 });
    assert.equal(chooseSplit(p), null);
});
test('with a prompt completing in the window, no k lets the decode lane outlast the prefill by more than τ leaves (window-gap guard)', () => {
    // The request whose prefill ends emits at t_p and next only after the window's end and one more step:
    // k = ⌈t_p/t_d⌉ overshoots t_p by up to t_d, which at τ = 50 ms (45 ms aimed at) gave gaps of 80+ ms.
    const problems = fc
        .record({
        decode: decodeBatchArb(256),
        gapLimitUs: fc.integer({ min: 20000, max: 60000 }),
        newTokens: fc.integer({ min: 256, max: 8447 }),
    })
        .map((r) => plainProblem({
        tauUs: r.gapLimitUs * 0.9,
        decode: r.decode,
        prefill: promptBatch(r.newTokens, 0),
        maxK: 64,
        guardWindowGap: true,
        gapLimitUs: r.gapLimitUs,
        prefillEmits: true,
    }));
    let checked = 0;
    let overshootsWithoutIt = 0;
    fc.assert(fc.property(problems, (p) => {
        const gapOf = (c) => Math.max(c.decodeLaneUs, c.prefillUs) - c.prefillUs + p.tauUs;
        const c = chooseSplit(p);
        if (c) {
            checked++;
            assert.ok(gapOf(c) <= p.gapLimitUs + 1e-9, `gap ${gapOf(c)} > ${p.gapLimitUs}`);
        }
        const unguarded = chooseSplit({ ...p, prefillEmits: false });
        if (unguarded && gapOf(unguarded) > p.gapLimitUs)
            overshootsWithoutIt++;
    }), propertyOptions(200));
    assert.ok(checked > 50, `only ${checked} trials had a feasible split`);
    assert.ok(overshootsWithoutIt > 10, `the unguarded optimiser overshot in only ${overshootsWithoutIt} trials`);
});
test('the policy prices the split it chooses exactly as the engine will run it: same lane, prefill and longest step', () => {
    const p = plainProblem({ prefill: { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 }, fixedK: 4 });
    const c = chooseSplit(p);
    const t = engineTiming(p, c, c.k);
    assert.equal(c.decodeLaneUs, t.decodeLaneUs);
    assert.equal(c.prefillUs, t.prefillGpuUs);
    assert.equal(c.decodeStepUs, t.longestDecodeStepUs);
    // The engine grows the decode contexts a token a step: the lane is not k copies of one step.
    assert.notEqual(t.decodeLaneUs, c.k * (t.decodeTokenOffsetsUs[0] - hw.overheads.schedulingUs));
});
