import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitClockRegime } from '../../calibrate/fit-clock.js';
import { predictIteration, servingScaleAt } from '../../sim/latency/roofline.js';
import { qwenModels, testHardware } from '../util/calibration-fixtures.js';
const models = qwenModels();
const hw = testHardware();
const batch = { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
function record(id, smCount, b2bScale, servingScale) {
    const model = Object.keys(models)[0];
    const p = predictIteration(models[model], hw, batch, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' });
    const compute = p.breakdown.reduce((s, b) => s + b.us * b.computeBoundShare, 0);
    const memory = p.gpuUs - compute;
    const none = { smClockMhz: null, powerW: null };
    return {
        kind: 'clock_regime',
        id,
        source: { file: 'f', line: 1 },
        model,
        smCount,
        batch,
        interleaveBatch: { prefills: [], decodeCount: 64, decodeContextTokens: 64 * 2048 },
        lookahead: 4,
        backToBackUs: memory + b2bScale * compute,
        servingUs: memory + servingScale * compute,
        decodeServingUs: 1,
        decodeAloneUs: 1,
        backToBackClock: none,
        servingClock: none,
        smidsOk: true,
    };
}
test('clock scales are recovered from records built with known scales (median over records)', () => {
    const recs = [record('a', 132, 1.02, 0.93), record('b', 96, 1.04, 0.95), record('c', 64, 1.0, 0.9)];
    const c = fitClockRegime(models, hw, recs);
    assert.ok(c);
    assert.ok(Math.abs(c.backToBackComputeScale - 1.02) < 1e-3, `b2b ${c.backToBackComputeScale}`);
    assert.ok(Math.abs(c.servingComputeScale - 0.93) < 1e-3, `serving ${c.servingComputeScale}`);
});
test('no usable clock records: no clock regime (every regime prices as calibrated)', () => {
    assert.equal(fitClockRegime(models, hw, []), undefined);
    assert.equal(fitClockRegime(models, hw, [{ ...record('x', 132, 1, 1), smidsOk: false }]), undefined);
});
test('records at two or more SM counts: the onset form, recovered from records built with it', () => {
    // Back to back 1.06 everywhere; serving 1.06 up to 64 SMs, then linear to 0.94 on the whole GPU (128 SMs here).
    const allSms = hw.smCount;
    const truth = { backToBackComputeScale: 1.06, servingComputeScale: 0.94, servingFromSms: 64 };
    const at = (s) => servingScaleAt(truth, s, allSms);
    const sizes = [64, 96, allSms].filter((s) => s <= allSms);
    const recs = sizes.flatMap((s, i) => [record(`a${i}`, s, 1.06, at(s)), record(`b${i}`, s, 1.06, at(s))]);
    const c = fitClockRegime(models, hw, recs);
    assert.ok(c);
    assert.equal(c.servingFromSms, 64);
    assert.ok(Math.abs(c.servingComputeScale - 0.94) < 1e-3, `serving ${c.servingComputeScale}`);
    assert.ok(Math.abs(c.backToBackComputeScale - 1.06) < 1e-3);
});
test('records at one SM count cannot place an onset: one serving scale', () => {
    const c = fitClockRegime(models, hw, [record('a', hw.smCount, 1.05, 0.93), record('b', hw.smCount, 1.05, 0.95)]);
    assert.ok(c);
    assert.equal(c.servingFromSms, undefined);
});
