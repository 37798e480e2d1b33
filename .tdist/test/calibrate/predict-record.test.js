import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictConcurrentDecodeUs, predictConcurrentPrefillUs, predictPair } from '../../calibrate/predict-record.js';
import { partnerOf, predictIteration } from '../../sim/latency/roofline.js';
import { QWEN3_8B_LIKE, concurrentPair, hopperLike } from '../util/fixtures.js';
/**
 * How a measured pair is priced: a 'continuous' pair (reference runner) as each lane beside a partner that runs
 * throughout; a 'window' pair (duet_runner: k decode iterations and one prefill started together, each side timed
 * to its own end) with company for only the part of each side the other overlaps. Golden values are worked out
 * here from the model's three times (each lane alone and beside its partner).
 */
const models = { m: QWEN3_8B_LIKE };
const hw = hopperLike();
function pair(method, k, decodeSms, count) {
    return concurrentPair({ id: `cc-${method}-${k}`, line: 1, prefillSms: 132 - decodeSms, decodeSms, count, context: 2048, method, lookahead: k });
}
/** The model's four times for a pair: each lane alone and beside the other running throughout. */
function times(r) {
    const m = QWEN3_8B_LIKE;
    const at = (batch, sms, partner) => predictIteration(m, hw, batch, { smCount: sms, ...partner, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' }).gpuUs;
    return {
        d: at(r.decodeBatch, r.decodeSmCount, partnerOf(m, hw, r.prefillBatch, r.prefillSmCount, 1, 'calibration')),
        d0: at(r.decodeBatch, r.decodeSmCount, { partnerSmCount: 0 }),
        p: at(r.prefillBatch, r.prefillSmCount, partnerOf(m, hw, r.decodeBatch, r.decodeSmCount, 1, 'calibration')),
        p0: at(r.prefillBatch, r.prefillSmCount, { partnerSmCount: 0 }),
    };
}
test('a continuous pair prices each lane beside a partner that runs throughout, whatever k', () => {
    for (const k of [1, 4, 64]) {
        const r = pair('continuous', k, 36, 32);
        const t = times(r);
        assert.equal(predictConcurrentDecodeUs(models, hw, r), t.d);
        assert.equal(predictConcurrentPrefillUs(models, hw, r), t.p);
    }
});
test('a window pair whose decodes end first: the prefill has company for k decode iterations, then runs alone', () => {
    const r = pair('window', 1, 36, 32);
    const t = times(r);
    assert.ok(t.d < t.p && t.d > t.d0 && t.p > t.p0, 'the case this test is about: one decode iteration is shorter than the prefill');
    const got = predictPair(models, hw, r);
    assert.equal(got.decodeUs, t.d, 'every decode iteration ran beside the prefill');
    // It did d / p of its work with company (in time d), the rest alone.
    assert.ok(Math.abs(got.prefillUs - (t.d + (1 - t.d / t.p) * t.p0)) < 1e-9);
    assert.ok(got.prefillUs > t.p0 && got.prefillUs < t.p, 'between the prefill alone and beside a partner throughout');
});
test('a window pair whose decodes outlast the prefill: the prefill has company throughout, the last decodes run alone', () => {
    const r0 = pair('window', 1, 36, 32);
    const t = times(r0);
    const k = Math.ceil((2 * t.p) / t.d); // twice the prefill's length of decodes
    const r = { ...r0, lookahead: k };
    const got = predictPair(models, hw, r);
    assert.equal(got.prefillUs, t.p);
    // By the prefill's end the decodes have done p × d0 / d of alone-time work; k × d0 in all.
    const expected = (t.p + (k * t.d0 - t.p * (t.d0 / t.d))) / k;
    assert.ok(Math.abs(got.decodeUs - expected) < 1e-9);
    assert.ok(got.decodeUs > t.d0 && got.decodeUs < t.d, 'the mean iteration sits between alone and beside a partner');
});
test('the window pricing is continuous where the two cases meet and approaches the continuous pair as k grows', () => {
    const r0 = pair('window', 1, 20, 64);
    const t = times(r0);
    // k just below and above the point where k decodes last exactly as long as the prefill beside them.
    const kEdge = t.p / t.d;
    const below = predictPair(models, hw, { ...r0, lookahead: Math.floor(kEdge) });
    const above = predictPair(models, hw, { ...r0, lookahead: Math.ceil(kEdge) });
    assert.ok(below.prefillUs <= above.prefillUs + 1e-9 && above.prefillUs === t.p);
    // Prefill time rises with k up to the partner-throughout value, never past it.
    let last = 0;
    for (let k = 1; k <= Math.ceil(kEdge) + 3; k++) {
        const p = predictPair(models, hw, { ...r0, lookahead: k }).prefillUs;
        assert.ok(p >= last - 1e-9 && p <= t.p + 1e-9, `k=${k}: ${p}`);
        last = p;
    }
});
