import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitClockPower, fitClockRegime } from '../../calibrate/fit-clock.js';
import type { ClockRegimeRecord } from '../../calibrate/measurement.js';
import { aloneShare, predictIteration, servingClockOf, servingScaleAt } from '../../sim/latency/roofline.js';
import { qwenModels, testHardware } from '../util/calibration-fixtures.js';

const models = qwenModels();
const hw = testHardware();
const batch = { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };

function record(id: string, smCount: number, b2bScale: number, servingScale: number): ClockRegimeRecord {
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
  const at = (s: number) => servingScaleAt(truth, s, allSms);
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

test('the power model is recovered from clocks a known one gives the records (three SM counts, three step counts)', () => {
  const truth = { maxClockMhz: 1980, allComputeBoundMhz: 1400, fixedPowerShare: 0.4, memoryBoundPowerRatio: 0.55, referenceComputeShare: 1, servingDecodeSteps: 4 };
  const hwTruth = { ...hw, perf: { ...hw.perf, clockRegime: { backToBackComputeScale: 1, servingComputeScale: 1, power: truth } } };
  const model = Object.keys(models)[0];
  const sizes = [hw.smCount, Math.round(hw.smCount * 0.75), Math.round(hw.smCount * 0.5)];
  const recs: ClockRegimeRecord[] = [];
  for (const s of sizes) {
    for (const k of [1, 4, 16]) {
      const r = { ...record(`s${s}k${k}`, s, 1, 1), lookahead: k };
      const x = aloneShare(models[model], hw, r.batch, s, 1);
      const d = aloneShare(models[model], hw, r.interleaveBatch, s, 1);
      const c = servingClockOf(hwTruth, s, x.gpuUs, x.computeBoundShare, d.gpuUs, d.computeBoundShare, k);
      assert.ok(c);
      recs.push({ ...r, backToBackClock: { smClockMhz: c.backToBackMhz, powerW: 700 }, servingClock: { smClockMhz: c.servingMhz, powerW: 650 } });
    }
  }
  assert.ok(recs.some((r) => (r.backToBackClock.smClockMhz as number) < 1900), 'some readings are capped');
  const p = fitClockPower(models, hw, recs, 1980);
  assert.ok(p);
  assert.equal(p.maxClockMhz, 1980);
  assert.equal(p.servingDecodeSteps, 4, 'the median of 1, 4, 16');
  assert.ok(Math.abs(p.allComputeBoundMhz / 1400 - 1) < 0.01, `allComputeBoundMhz ${p.allComputeBoundMhz}`);
  assert.ok(Math.abs(p.fixedPowerShare - 0.4) < 0.03, `fixedPowerShare ${p.fixedPowerShare}`);
  assert.ok(Math.abs(p.memoryBoundPowerRatio - 0.55) < 0.03, `memoryBoundPowerRatio ${p.memoryBoundPowerRatio}`);
  // Through fitClockRegime: the power model rides along the scales when the maximum clock is known, not otherwise.
  const shares = recs.map((r) => aloneShare(models[model], hw, r.batch, r.smCount, 1).computeBoundShare).sort((a, b) => a - b);
  assert.ok(Math.abs(p.referenceComputeShare - shares[Math.floor(shares.length / 2)]) < 1e-3, 'the median prefill share');
  // Through fitClockRegime: the power model rides along the scales when the maximum clock is known, not otherwise;
  // every record was built with a back-to-back scale of 1 at its own clock, so at the reference demand the scale
  // is the clock ratio (1 where nothing reaches the cap).
  const withPower = fitClockRegime(models, hw, recs, 1980);
  assert.ok(withPower?.power);
  assert.ok(withPower.backToBackComputeScale > 0.9 && withPower.backToBackComputeScale <= 1.0001, `b2b at reference ${withPower.backToBackComputeScale}`);
  assert.equal(fitClockRegime(models, hw, recs)?.power, undefined);
});

test('clocks at one SM count, or none, give no power model', () => {
  const one = [1, 4].map((k) => ({ ...record(`k${k}`, hw.smCount, 1, 1), lookahead: k, backToBackClock: { smClockMhz: 1500, powerW: 700 }, servingClock: { smClockMhz: 1700, powerW: 650 } }));
  assert.equal(fitClockPower(models, hw, one, 1980), null);
  assert.equal(fitClockPower(models, hw, [record('a', hw.smCount, 1, 1), record('b', 64, 1, 1)], 1980), null, 'no NVML clocks in the records');
});
