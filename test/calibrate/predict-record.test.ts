import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardClockScale, predictConcurrentDecodeUs, predictConcurrentPrefillUs, predictForwardUs, predictPair } from '../../calibrate/predict-record.js';
import type { ConcurrentRecord } from '../../calibrate/measurement.js';
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

function pair(method: 'window' | 'continuous', k: number, decodeSms: number, count: number): ConcurrentRecord {
  return concurrentPair({ id: `cc-${method}-${k}`, line: 1, prefillSms: 132 - decodeSms, decodeSms, count, context: 2048, method, lookahead: k });
}

/** The model's four times for a pair: each lane alone and beside the other running throughout. */
function times(r: ConcurrentRecord) {
  const m = QWEN3_8B_LIKE;
  const at = (batch: ConcurrentRecord['prefillBatch'], sms: number, partner: { partnerSmCount: number }) =>
    predictIteration(m, hw, batch, { smCount: sms, ...partner, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' }).gpuUs;
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

test("a pair's decode lane is priced on the last groups, its prefill on the first; a forward alone on its record's side", () => {
  // 20 + 112 SMs: the decode holds the remainder. Narrow GEMMs draw 2 of its SMs on the first side, all 12 on the last.
  const table = { source: 't', remainderMaxCtas: 2, rows: [1, 4096], shapes: [{ dIn: 4096, dOut: 6144, clusteredRows: [] }] };
  const withSides = (drawn: object) => ({ ...hw, perf: { ...hw.perf, gemmKernels: { ...table, remainderSmsDrawn: drawn } } });
  const plain = { ...hw, perf: { ...hw.perf, gemmKernels: table } };
  const firstOnly = withSides({ first: [{ smCount: 20, value: 2 }] });
  const r = pair('continuous', 1, 20, 64);
  // Only the first side recorded: the decode lane (last side) is priced as without the field.
  assert.equal(predictConcurrentDecodeUs(models, firstOnly, r), predictConcurrentDecodeUs(models, plain, r));
  // The last side drawing 2 SMs: the decode lane slows.
  const lastOnly = withSides({ last: [{ smCount: 20, value: 2 }] });
  assert.ok(predictConcurrentDecodeUs(models, lastOnly, r) > predictConcurrentDecodeUs(models, plain, r) * 1.05);
  // A forward alone takes its record's side (absent: the first).
  const fwd = { kind: 'forward' as const, id: 'f', source: { file: 'f', line: 1 }, model: 'm', smCount: 20, batch: r.decodeBatch, smidsOk: true, raggedDecodes: false, medianUs: 1, p10Us: 1, p90Us: 1, reps: 1 };
  assert.ok(predictForwardUs(models, firstOnly, fwd) > predictForwardUs(models, plain, fwd) * 1.05);
  assert.equal(predictForwardUs(models, firstOnly, { ...fwd, partitionSide: 'last' }), predictForwardUs(models, plain, fwd));
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
  const k = Math.ceil((2 * t.p) / t.d);  // twice the prefill's length of decodes
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

test('after a clock-aware fit a measured forward is priced at its own clock, or at the training forwards\' median on its SM count', () => {
  const power = { maxClockMhz: 1980, allComputeBoundMhz: 1400, fixedPowerShare: 0.3, memoryBoundPowerRatio: 0.5, referenceComputeShare: 0.85, servingDecodeSteps: 4 };
  const aware = (clockSensitivity?: number) => ({
    ...hw,
    perf: { ...hw.perf, clockRegime: { backToBackComputeScale: 1, servingComputeScale: 1, power: { ...power, trainingClockMhz: [{ smCount: 64, value: 1980 }, { smCount: 96, value: 1900 }, { smCount: 132, value: 1600 }], ...(clockSensitivity === undefined ? {} : { clockSensitivity }) } } },
  });
  const half = aware(0.5);
  // Its record's clock: (1980 ÷ 1500)^α.
  assert.ok(Math.abs((forwardClockScale(half, { smCount: 132, clock: { smClockMhz: 1500, powerW: 690 } }) as number) - Math.sqrt(1980 / 1500)) < 1e-12);
  // None: the training median, interpolated between SM counts (114 SMs: 1750 MHz), flat below the first (1980 at 16).
  assert.ok(Math.abs((forwardClockScale(half, { smCount: 114 }) as number) - Math.sqrt(1980 / 1750)) < 1e-12);
  assert.equal(forwardClockScale(half, { smCount: 16 }), 1);
  assert.ok(Math.abs((forwardClockScale(half, { smCount: 132, clock: { smClockMhz: null, powerW: null } }) as number) - Math.sqrt(1980 / 1600)) < 1e-12, 'a null clock is none');
  assert.equal(forwardClockScale(aware(), { smCount: 132, clock: { smClockMhz: 1650, powerW: 1 } }), 1.2, 'α absent: the ratio itself');
  assert.equal(forwardClockScale(hw, { smCount: 132, clock: { smClockMhz: 1500, powerW: 1 } }), undefined, 'no clock-aware spec: no scale');
  // predictForwardUs applies it: the same forward priced with the scale given outright.
  const r = { kind: 'forward' as const, id: 'fw', source: { file: 'f', line: 1 }, smCount: 132, model: 'm', batch: { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 }, smidsOk: true, raggedDecodes: false, clock: { smClockMhz: 1500, powerW: 690 }, medianUs: 1, p10Us: 1, p90Us: 1, reps: 8 };
  const at = (computeClockScale: number) => predictIteration(QWEN3_8B_LIKE, half, r.batch, { smCount: 132, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration', computeClockScale }).gpuUs;
  assert.equal(predictForwardUs(models, half, r), at(Math.sqrt(1980 / 1500)));
  assert.ok(predictForwardUs(models, half, r) > predictForwardUs(models, half, { ...r, clock: { smClockMhz: 1980, powerW: 500 } }), 'a lower clock prices slower');
});
