import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockRatio, clockScale, ownBandwidthCapacity, partnerLoadOf, partnerOf, powerClockMhz, predictIteration, powerDemand, servingClockFor, servingClockOf } from '../../../sim/latency/roofline.js';
import { TINY_MODEL, tinyHardware, perf } from '../../util/fixtures.js';
import type { IterationBatch } from '../../../sim/latency/iteration-batch.js';

/** The issue-11 parts of the roofline: the tail rule, shared-resource contention and clock regimes. */
const whole = { smCount: 100, partnerSmCount: 0, launch: 'graph' as const, tpDegree: 1 };
const decode = { prefills: [], decodeCount: 1, decodeContextTokens: 3 };

test("kernelRule 'tail' adds the per-kernel time to every kernel instead of flooring it", () => {
  // The hand-computed 7.16 µs of roofline.test.ts plus 0.5 µs for each of its 12 kernels.
  const hw = tinyHardware({ perf: perf({ kernelFloorUs: 0.5, kernelRule: 'tail' }) });
  const p = predictIteration(TINY_MODEL, hw, decode, whole);
  assert.ok(Math.abs(p.gpuUs - (7.16 + 12 * 0.5)) < 1e-9, `gpuUs ${p.gpuUs}`);
  // As a floor, 0.5 µs lifts only the kernels under it: o (0.48), attention (0.48), the two add+norms
  // (0.32), RoPE (0.24), SiLU·mul (0.48), embedding and final norm (0.16): +1.36 µs.
  const floored = predictIteration(TINY_MODEL, tinyHardware({ perf: perf({ kernelFloorUs: 0.5 }) }), decode, whole);
  assert.ok(Math.abs(floored.gpuUs - (7.16 + 1.36)) < 1e-9, `floored ${floored.gpuUs}`);
});

test('a per-class tail (OpEfficiency.tailUs) replaces the shared one for that class only', () => {
  // The 12 kernels of the hand-computed decode: 4 GEMMs, 1 decode attention, 6 elementwise (two add+norms,
  // RoPE, SiLU·mul, embedding, final norm) and the LM head. Decode attention 3 µs, elementwise 0.1 µs, the
  // GEMMs and LM head keep the shared 0.5 µs: 7.16 + 4·0.5 + 3 + 6·0.1 + 0.5 = 13.26 µs.
  const eff = perf().efficiency;
  const efficiency = { ...eff, attn_decode: { ...eff.attn_decode, tailUs: 3 }, elementwise: { ...eff.elementwise, tailUs: 0.1 } };
  const hw = tinyHardware({ perf: perf({ kernelFloorUs: 0.5, kernelRule: 'tail', efficiency }) });
  const p = predictIteration(TINY_MODEL, hw, decode, whole);
  assert.ok(Math.abs(p.gpuUs - 13.26) < 1e-9, `gpuUs ${p.gpuUs}`);
  const byOp = Object.fromEntries(p.breakdown.map((b) => [b.op, b.kernels]));
  assert.deepEqual(byOp, { gemm: 4, attn_decode: 1, elementwise: 6, lm_head: 1 });
});

test('shared contention stretches by the partner load given, not by its SM count', () => {
  // Compute- and memory-bound time stretch alike here, so the ratio is exact whatever binds.
  const shared = { computeByPower: 0.4, computeByBandwidth: 0.5, memoryByPower: 0.4, memoryByBandwidth: 0.5 };
  const hw = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared } }) });
  const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
  const alone = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60 });
  const idlePartner = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: { computeShare: 0, bandwidthShare: 0, smShare: 0, tensorShare: 0 } });
  assert.equal(idlePartner.gpuUs, alone.gpuUs, 'an idle partner costs nothing, whatever its size');
  const busy = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: { computeShare: 0.5, bandwidthShare: 0.6, smShare: 0.4, tensorShare: 0.3 } });
  // 1 + 0.4 · 0.5 + 0.5 · 0.6 = 1.5
  assert.ok(Math.abs(busy.gpuUs / alone.gpuUs - 1.5) < 1e-9, `ratio ${busy.gpuUs / alone.gpuUs}`);
  // Without a load, the partner counts as fully busy on its SMs: 1 + 0.4 · 0.4 + 0.5 · W(40)/W(100) = 1.36.
  const sizeOnly = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40 });
  assert.ok(Math.abs(sizeOnly.gpuUs / alone.gpuUs - 1.36) < 1e-9, `ratio ${sizeOnly.gpuUs / alone.gpuUs}`);
});

test("shared contention with powerShare 'busy-sms': the partner's power is its busy SM share, whatever its compute-bound share", () => {
  const shared = { powerShare: 'busy-sms' as const, computeByPower: 0.4, computeByBandwidth: 0.5, memoryByPower: 0.4, memoryByBandwidth: 0.5 };
  const hw = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared } }) });
  const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
  const alone = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60 });
  // A memory-bound partner on 40 SMs: compute-bound share 0, SM share 0.4: 1 + 0.4 · 0.4 + 0.5 · 0.6 = 1.46.
  const busy = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: { computeShare: 0, bandwidthShare: 0.6, smShare: 0.4, tensorShare: 0.3 } });
  assert.ok(Math.abs(busy.gpuUs / alone.gpuUs - 1.46) < 1e-9, `ratio ${busy.gpuUs / alone.gpuUs}`);
  const idle = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: { computeShare: 0, bandwidthShare: 0, smShare: 0, tensorShare: 0 } });
  assert.equal(idle.gpuUs, alone.gpuUs);
});

test("shared contention with powerShare 'tensor-rate': the partner's power is its tensor rate, not its compute-bound or SM share", () => {
  const shared = { powerShare: 'tensor-rate' as const, computeByPower: 0.4, computeByBandwidth: 0.5, memoryByPower: 0.4, memoryByBandwidth: 0.5 };
  const hw = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared } }) });
  const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
  const alone = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60 });
  // Two partners alike in everything but how hard they drive the tensor cores: 1 + 0.4 · 0.3 + 0.5 · 0.6 = 1.42 and
  // 1 + 0.4 · 0.1 + 0.5 · 0.6 = 1.34 (a prefill over a cached prefix: as compute-bound, fewer FLOP/s).
  const fresh = { computeShare: 0.4, bandwidthShare: 0.6, smShare: 0.4, tensorShare: 0.3 };
  const cached = { ...fresh, tensorShare: 0.1 };
  const a = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: fresh });
  const b = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: cached });
  assert.ok(Math.abs(a.gpuUs / alone.gpuUs - 1.42) < 1e-9, `ratio ${a.gpuUs / alone.gpuUs}`);
  assert.ok(Math.abs(b.gpuUs / alone.gpuUs - 1.34) < 1e-9, `ratio ${b.gpuUs / alone.gpuUs}`);
  // The compute-bound reading cannot tell them apart.
  const cb = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared: { ...shared, powerShare: undefined } } }) });
  const x = predictIteration(TINY_MODEL, cb, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: fresh }).gpuUs;
  assert.equal(predictIteration(TINY_MODEL, cb, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: cached }).gpuUs, x);
  // A partner known by its size only drives its SMs' whole Π: Π(40) / Π(100) = 0.4 on the tiny GPU's linear curve.
  const sizeOnly = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40 });
  assert.ok(Math.abs(sizeOnly.gpuUs / alone.gpuUs - (1 + 0.4 * 0.4 + 0.5 * 0.4)) < 1e-9, `ratio ${sizeOnly.gpuUs / alone.gpuUs}`);
});

test("shared contention with the tensor term: the partner's tensor rate adds its own stretch beside the busy-SMs reading", () => {
  const shared = { powerShare: 'busy-sms' as const, computeByPower: 0.4, computeByBandwidth: 0.5, memoryByPower: 0.4, memoryByBandwidth: 0.5, computeByTensor: 0.2, memoryByTensor: 0.2 };
  const hw = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared } }) });
  const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
  const alone = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60 });
  // 1 + 0.4 · 0.4 (busy SMs) + 0.5 · 0.6 + 0.2 · 0.3 (tensor rate) = 1.52; a partner as busy at a third of that rate: 1.48.
  const load = { computeShare: 0.4, bandwidthShare: 0.6, smShare: 0.4, tensorShare: 0.3 };
  const a = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: load }).gpuUs;
  const b = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: { ...load, tensorShare: 0.1 } }).gpuUs;
  assert.ok(Math.abs(a / alone.gpuUs - 1.52) < 1e-9, `ratio ${a / alone.gpuUs}`);
  assert.ok(Math.abs(b / alone.gpuUs - 1.48) < 1e-9, `ratio ${b / alone.gpuUs}`);
  // Without the term the two partners cost the same.
  const { computeByTensor: _c, memoryByTensor: _m, ...plain } = shared;
  const hp = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared: plain } }) });
  assert.equal(
    predictIteration(TINY_MODEL, hp, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: load }).gpuUs,
    predictIteration(TINY_MODEL, hp, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: { ...load, tensorShare: 0.1 } }).gpuUs,
  );
});

test("shared contention with exposure 'compute-bound-share': the power term reaches the partition's own compute-bound share of its time", () => {
  // Compute: 1 + 1 · 0.4 · 0.5 = 1.2; memory: 1 + 0.5 · 0.4 = 1.2 (the power term on memory-bound time is not scaled):
  // alike, so the ratio is exact whatever binds.
  const shared = { powerShare: 'busy-sms' as const, exposure: 'compute-bound-share' as const, computeByPower: 1, computeByBandwidth: 0, memoryByPower: 0.5, memoryByBandwidth: 0 };
  const hw = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared } }) });
  const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
  const alone = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60 });
  const load = { computeShare: 0, bandwidthShare: 0.6, smShare: 0.4, tensorShare: 0.3 };
  const half = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: load, ownComputeBoundShare: 0.5 });
  assert.ok(Math.abs(half.gpuUs / alone.gpuUs - 1.2) < 1e-9, `ratio ${half.gpuUs / alone.gpuUs}`);
  // Not given, the share is the partition's own alone (partnerLoadOf's compute share over its SM share).
  for (const b of [batch, { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 }]) {
    const own = partnerLoadOf(TINY_MODEL, hw, b, 60, 1).computeShare / 0.6;
    const given = predictIteration(TINY_MODEL, hw, b, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: load, ownComputeBoundShare: own });
    assert.equal(predictIteration(TINY_MODEL, hw, b, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: load }).gpuUs, given.gpuUs);
    // A partner known by its size only (memoised rates): still this partition's own share, not the last one priced.
    const sized = predictIteration(TINY_MODEL, hw, b, { ...whole, smCount: 60, partnerSmCount: 40, ownComputeBoundShare: own });
    assert.equal(predictIteration(TINY_MODEL, hw, b, { ...whole, smCount: 60, partnerSmCount: 40 }).gpuUs, sized.gpuUs);
  }
  // 'full': the whole compute-bound time stretches 1 + 1 · 0.4 = 1.4, whatever the own share.
  const full = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared: { ...shared, exposure: undefined } } }) });
  const fullAlone = predictIteration(TINY_MODEL, full, batch, { ...whole, smCount: 60 }).gpuUs;
  const p = predictIteration(TINY_MODEL, full, batch, { ...whole, smCount: 60, partnerSmCount: 40, partnerLoad: load, ownComputeBoundShare: 0.5 }).gpuUs;
  assert.ok(p / fullAlone > 1.2 + 1e-6, `full exposure ratio ${p / fullAlone}`);
});

test("shared contention with bandwidthExposure 'own-capacity': the partner's bandwidth share reaches a lane in proportion to W(S) / W(all)", () => {
  // The tiny GPU's W(S) is linear through W(100): W(S) / W(100) = S / 100. Memory: 1 + 0.5 · 0.6 · S/100; compute
  // chosen to stretch alike (computeByBandwidth = 0.5 · S/100), so the ratio is exact whatever binds.
  const load = { computeShare: 0, bandwidthShare: 0.6, smShare: 0.4, tensorShare: 0.3 };
  const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
  for (const [sms, partner] of [
    [60, 40],
    [30, 70],
  ] as const) {
    const room = sms / 100;
    const shared = { bandwidthExposure: 'own-capacity' as const, computeByPower: 0, computeByBandwidth: 0.5 * room, memoryByPower: 0, memoryByBandwidth: 0.5 };
    const hw = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared } }) });
    assert.ok(Math.abs(ownBandwidthCapacity(hw, sms) - room) < 1e-12, `W(${sms})/W(100) = ${ownBandwidthCapacity(hw, sms)}`);
    const alone = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: sms });
    const beside = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: sms, partnerSmCount: partner, partnerLoad: load });
    assert.ok(Math.abs(beside.gpuUs / alone.gpuUs - (1 + 0.5 * 0.6 * room)) < 1e-9, `${sms} SMs: ratio ${beside.gpuUs / alone.gpuUs}`);
    // 'full': the memory-bound time takes the whole 1 + 0.5 · 0.6 = 1.3, more than the own-capacity stretch.
    const full = tinyHardware({ perf: perf({ contention: { memory: 9, compute: 9, shared: { ...shared, bandwidthExposure: undefined } } }) });
    const fullRatio = predictIteration(TINY_MODEL, full, batch, { ...whole, smCount: sms, partnerSmCount: partner, partnerLoad: load }).gpuUs / predictIteration(TINY_MODEL, full, batch, { ...whole, smCount: sms }).gpuUs;
    assert.ok(fullRatio > 1 + 0.5 * 0.6 * room + 1e-6, `${sms} SMs, full: ${fullRatio}`);
  }
  // The whole GPU's W (or more) is the most a lane can draw: the factor stops at 1.
  assert.equal(ownBandwidthCapacity(tinyHardware(), 100), 1);
  assert.equal(ownBandwidthCapacity(tinyHardware(), 150), 1);
});

test('partnerLoadOf: power share = SM share × compute-bound share of time; bandwidth share = bytes over time over W(all)', () => {
  const hw = tinyHardware();
  const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
  const load = partnerLoadOf(TINY_MODEL, hw, batch, 40, 1);
  const p = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 40 });
  const computeUs = p.breakdown.reduce((s, b) => s + b.us * b.computeBoundShare, 0);
  assert.ok(Math.abs(load.computeShare - 0.4 * (computeUs / p.gpuUs)) < 1e-12);
  const bytes = p.breakdown.reduce((s, b) => s + b.bytes, 0);
  // W(100) = 100 B/µs on the tiny hardware.
  assert.ok(Math.abs(load.bandwidthShare - bytes / p.gpuUs / 100) < 1e-12);
  // A compute-bound prefill on 40 of 100 SMs: power share 0.4 × its compute-bound share (all of it here).
  const pre = partnerLoadOf(TINY_MODEL, hw, { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 }, 40, 1);
  assert.ok(pre.computeShare > 0.3 && pre.computeShare <= 0.4, `compute share ${pre.computeShare}`);
  // Busy SMs: the SM share of any partner with work, compute-bound or not.
  assert.deepEqual([load.smShare, pre.smShare], [0.4, 0.4]);
  // Tensor rate: FLOPs over time over Π(100 SMs) (100 FLOP/µs on the tiny hardware; its ridge of 1 FLOP/B leaves even
  // this decode mostly compute-bound). The prefill drives 40 SMs near their whole Π(40) = 0.4 of Π(100).
  const flops = p.breakdown.reduce((s, b) => s + b.flops, 0);
  assert.ok(Math.abs(load.tensorShare - flops / p.gpuUs / 100) < 1e-12, `decode tensor share ${load.tensorShare}`);
  assert.ok(pre.tensorShare > 0.39 && pre.tensorShare <= 0.4 && pre.tensorShare > load.tensorShare, `prefill ${pre.tensorShare}, decode ${load.tensorShare}`);
});

test('partnerOf computes a load only for specs with shared contention', () => {
  const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
  assert.deepEqual(partnerOf(TINY_MODEL, tinyHardware(), batch, 40, 1), { partnerSmCount: 40 });
  const shared = { computeByPower: 0.1, computeByBandwidth: 0.1, memoryByPower: 0.1, memoryByBandwidth: 0.1 };
  const withShared = partnerOf(TINY_MODEL, tinyHardware({ perf: perf({ contention: { memory: 0, compute: 0, shared } }) }), batch, 40, 1);
  assert.ok(withShared.partnerLoad !== undefined);
  assert.deepEqual(partnerOf(TINY_MODEL, tinyHardware(), batch, 0, 1), { partnerSmCount: 0 });
});

test('clock regimes scale compute-bound time only, and serving is the default', () => {
  const hw = tinyHardware({ perf: perf({ clockRegime: { backToBackComputeScale: 1.2, servingComputeScale: 0.9 } }) });
  assert.equal(clockScale(hw, undefined, 100), 0.9);
  assert.equal(clockScale(hw, undefined, 40), 0.9, 'no onset: the serving scale at every size');
  assert.equal(clockScale(hw, 'calibration', 100), 1);
  const prefill = { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
  const cal = predictIteration(TINY_MODEL, hw, prefill, { ...whole, clockRegime: 'calibration' });
  const b2b = predictIteration(TINY_MODEL, hw, prefill, { ...whole, clockRegime: 'back-to-back' });
  const dflt = predictIteration(TINY_MODEL, hw, prefill, whole);
  const computeUs = cal.breakdown.reduce((s, b) => s + b.us * b.computeBoundShare, 0);
  assert.ok(computeUs > 0);
  assert.ok(Math.abs(b2b.gpuUs - cal.gpuUs - 0.2 * computeUs) < 1e-6 * cal.gpuUs, 'back to back: compute-bound part ×1.2');
  assert.ok(dflt.gpuUs < cal.gpuUs, 'serving runs faster than calibrated');
  // A memory-bound forward does not move with the clock (compute made so fast that nothing binds on it).
  const fast = tinyHardware({ perf: perf({ computeFlopsPerS: [{ smCount: 100, value: 1e12 }], clockRegime: { backToBackComputeScale: 1.2, servingComputeScale: 0.9 } }) });
  const d1 = predictIteration(TINY_MODEL, fast, decode, { ...whole, clockRegime: 'back-to-back' });
  const d2 = predictIteration(TINY_MODEL, fast, decode, { ...whole, clockRegime: 'serving' });
  assert.equal(d1.gpuUs, d2.gpuUs);
  // A spec without clock data prices every regime alike.
  assert.equal(clockScale(tinyHardware(), 'back-to-back', 100), 1);
});

test('servingFromSms: the serving scale runs from the back-to-back scale at the onset to its value on the whole GPU', () => {
  const none = { memory: 0, compute: 0 };
  const hw = tinyHardware({ perf: perf({ contention: none, clockRegime: { backToBackComputeScale: 1.2, servingComputeScale: 0.9, servingFromSms: 40 } }) });
  // 100 SMs: 0.9; 40 and below: 1.2; 70 (halfway): 1.05; 85: 1.2 − 0.3 · 0.75 = 0.975.
  assert.equal(clockScale(hw, 'serving', 100), 0.9);
  assert.equal(clockScale(hw, 'serving', 40), 1.2);
  assert.equal(clockScale(hw, 'serving', 16), 1.2);
  assert.ok(Math.abs(clockScale(hw, 'serving', 70) - 1.05) < 1e-12);
  assert.ok(Math.abs(clockScale(hw, 'serving', 85) - 0.975) < 1e-12);
  assert.equal(clockScale(hw, 'back-to-back', 16), 1.2, 'back to back does not depend on the size');
  // A partition beside a partner runs at the clock of both together: 30 SMs beside 70 is priced at the whole GPU's.
  const prefill = { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
  const idle = { computeShare: 0, bandwidthShare: 0, smShare: 0, tensorShare: 0, computeBoundShare: 1 };
  const alone30 = predictIteration(TINY_MODEL, hw, prefill, { ...whole, smCount: 30 });
  const beside = predictIteration(TINY_MODEL, hw, prefill, { ...whole, smCount: 30, partnerSmCount: 70, partnerLoad: idle });
  const noClock = tinyHardware({ perf: perf({ contention: none }) });
  const cal30 = predictIteration(TINY_MODEL, noClock, prefill, { ...whole, smCount: 30 });
  const computeUs = cal30.breakdown.reduce((s, b) => s + b.us * b.computeBoundShare, 0);
  assert.ok(Math.abs(alone30.gpuUs - cal30.gpuUs - 0.2 * computeUs) < 1e-6 * cal30.gpuUs, 'alone on 30 SMs: back-to-back scale');
  assert.ok(Math.abs(beside.gpuUs - cal30.gpuUs + 0.1 * computeUs) < 1e-6 * cal30.gpuUs, 'beside 70: the whole GPU serving scale');
});

test('a bandwidthModel prices each class on its own saturating curve; the ridge exponent softens the max', async () => {
  const { saturating } = await import('../../../sim/latency/curve.js');
  const bandwidthModel = { perSmBytesPerS: 1e6, maxBytesPerS: 4e7, knee: 4 };
  // Π huge, so every kernel is memory-bound.
  const base = perf({ computeFlopsPerS: [{ smCount: 100, value: 1e15 }], bandwidthModel });
  const hw = tinyHardware({ perf: { ...base, efficiency: { ...base.efficiency, gemm: { compute: 1, memory: 1, memorySlope: 0.5 } } } });
  const batch = { prefills: [], decodeCount: 1, decodeContextTokens: 3 };
  const p = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 20 });
  const gemm = p.breakdown.find((b) => b.op === 'gemm')!;
  // Four GEMMs, each bytes / saturating(0.5e6, 4e7, 4, 20 SMs) (µs = bytes ÷ bytes/µs).
  const rate = saturating(0.5e6, 4e7, 4, 20) / 1e6;
  assert.ok(Math.abs(gemm.us - gemm.bytes / rate) < 1e-9, `gemm ${gemm.us} vs ${gemm.bytes / rate}`);
  // Ridge: a kernel with equal compute and memory time costs 2^(1/q) times either.
  const ridgeHw = tinyHardware({ perf: perf({ ridgeExponent: 2 }) });
  const flat = predictIteration(TINY_MODEL, tinyHardware(), { prefills: [], decodeCount: 1, decodeContextTokens: 3 }, whole);
  const soft = predictIteration(TINY_MODEL, ridgeHw, { prefills: [], decodeCount: 1, decodeContextTokens: 3 }, whole);
  // Decode attention has F = B = 48 on equal rates (0.48 µs each): √2 · 0.48 under q = 2.
  const a0 = flat.breakdown.find((b) => b.op === 'attn_decode')!.us;
  const a1 = soft.breakdown.find((b) => b.op === 'attn_decode')!.us;
  assert.ok(Math.abs(a1 - Math.SQRT2 * a0) < 1e-9, `${a1} vs √2·${a0}`);
  assert.ok(soft.gpuUs > flat.gpuUs);
});

test('gemmRowTile prices a GEMM on whole row tiles: 5 tokens cost 8 rows of compute with T = 4, 8 tokens 8', async () => {
  const { gemmPadFlops } = await import('../../../sim/latency/roofline.js');
  // Bandwidth huge, so every GEMM is compute-bound and its time is its (padded) FLOPs over Π.
  const base = perf({ bandwidthBytesPerS: [{ smCount: 100, value: 1e15 }] });
  const tiled = tinyHardware({ perf: { ...base, gemmRowTile: 4 } });
  const plain = tinyHardware({ perf: base });
  const gemmUs = (hw: typeof plain, n: number) => predictIteration(TINY_MODEL, hw, { prefills: [{ newTokens: n, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 }, whole).breakdown.find((b) => b.op === 'gemm')!;
  const g5 = gemmUs(tiled, 5);
  const g8 = gemmUs(plain, 8);
  assert.ok(Math.abs(g5.us - g8.us) < 1e-9, `5 tokens on 4-row tiles cost what 8 do: ${g5.us} vs ${g8.us}`);
  // The reported FLOPs stay the real ones; only time pays for the padding.
  assert.equal(g5.flops, gemmUs(plain, 5).flops);
  assert.equal(gemmUs(tiled, 8).us, g8.us);
  assert.equal(gemmPadFlops(tiled.perf, 5, 4, 16), 2 * 3 * 4 * 16);
  assert.equal(gemmPadFlops(plain.perf, 5, 4, 16), 0);
});

test('gemmSmallRowTile: a batch of at most gemmRowTile tokens pays for the narrow kernel\'s tiles, a larger one for large tiles', async () => {
  const { gemmPadFlops } = await import('../../../sim/latency/roofline.js');
  const tiles = { gemmRowTile: 128, gemmSmallRowTile: 64 };
  // 8 decode tokens: one 64-row tile (56 rows of padding), not a 128-row one.
  assert.equal(gemmPadFlops(tiles, 8, 4, 16), 2 * 56 * 4 * 16);
  // 128 tokens fit one large tile exactly and run on the narrow kernel's two 64-row tiles: no padding.
  assert.equal(gemmPadFlops(tiles, 128, 4, 16), 0);
  // 544 tokens (512 prefill + 32 decode) run on 128-row tiles: 640 rows, 96 of them padding.
  assert.equal(gemmPadFlops(tiles, 544, 4, 16), 2 * 96 * 4 * 16);
  // Without the small tile, 8 tokens pay for a whole 128-row tile.
  assert.equal(gemmPadFlops({ gemmRowTile: 128 }, 8, 4, 16), 2 * 120 * 4 * 16);
  // The small tile alone does nothing: it only refines a row tile.
  assert.equal(gemmPadFlops({ gemmSmallRowTile: 64 }, 8, 4, 16), 0);
});

test('gemmWaveBlend prices the idle part of a GEMM\'s last wave of output tiles on the partition, blended by k', async () => {
  const { gemmPadFlops } = await import('../../../sim/latency/roofline.js');
  // 64 tokens on 64-row tiles, 300 output columns on 128-column tiles: 1 × 3 = 3 tiles.
  const f = 2 * 64 * 8 * 300;
  const tiles = { gemmRowTile: 64, gemmWaveBlend: 0.5, gemmColTile: 128 };
  // On 2 SMs: 2 waves of 2, 4 tile slots for 3 tiles: compute × (1 + 0.5·(4/3 − 1)).
  assert.ok(Math.abs(gemmPadFlops(tiles, 64, 8, 300, 2) - f * 0.5 * (4 / 3 - 1)) < 1e-6);
  // Whole waves (k = 1) on 3 SMs or more are full: no extra work beyond the row padding.
  assert.equal(gemmPadFlops({ ...tiles, gemmWaveBlend: 1 }, 64, 8, 300, 3), 0);
  // k = 1 on 2 SMs: the work of 4 tiles.
  assert.ok(Math.abs(gemmPadFlops({ ...tiles, gemmWaveBlend: 1 }, 64, 8, 300, 2) - f / 3) < 1e-6);
  // Without an SM count (the fitter's probes without a partition) or k: the row padding only.
  assert.equal(gemmPadFlops(tiles, 64, 8, 300), 0);
  assert.equal(gemmPadFlops({ gemmRowTile: 64 }, 32, 8, 300, 2), 2 * 32 * 8 * 300);
  // The default column tile is 128.
  assert.equal(gemmPadFlops({ gemmRowTile: 64, gemmWaveBlend: 1 }, 64, 8, 300, 2), gemmPadFlops({ ...tiles, gemmWaveBlend: 1 }, 64, 8, 300, 2));
});

test('cachedPrefixCompute prices prefill chunks over a cached prefix at their own compute efficiency', async () => {
  const { cachedPrefixPadFlops } = await import('../../../sim/latency/roofline.js');
  // Bandwidth huge, so attention is compute-bound and its time is its (equivalent) FLOPs over Π·eff.
  const base = perf({ bandwidthBytesPerS: [{ smCount: 100, value: 1e15 }] });
  const withCached = (cachedPrefixCompute?: number) =>
    tinyHardware({ perf: { ...base, efficiency: { ...base.efficiency, attn_prefill: { ...base.efficiency.attn_prefill, ...(cachedPrefixCompute === undefined ? {} : { cachedPrefixCompute }) } } } });
  const eff = base.efficiency.attn_prefill.compute;
  const attnUs = (hw: ReturnType<typeof tinyHardware>, cachedTokens: number) =>
    predictIteration(TINY_MODEL, hw, { prefills: [{ newTokens: 8, cachedTokens }], decodeCount: 0, decodeContextTokens: 0 }, whole).breakdown.find((b) => b.op === 'attn_prefill')!;
  // A plain causal chunk costs the same with or without the field.
  assert.equal(attnUs(withCached(eff / 2), 0).us, attnUs(withCached(), 0).us);
  // Over a cached prefix, half the efficiency doubles the compute time; the reported FLOPs stay the real ones.
  const slow = attnUs(withCached(eff / 2), 16);
  const plain = attnUs(withCached(), 16);
  assert.ok(Math.abs(slow.us - 2 * plain.us) < 1e-9 * plain.us, `${slow.us} vs 2·${plain.us}`);
  assert.equal(slow.flops, plain.flops);
  // The padding is F_cached·(compute/cachedPrefixCompute − 1); nothing without the field.
  assert.equal(cachedPrefixPadFlops({ compute: 0.8, memory: 1, cachedPrefixCompute: 0.4 }, 1000), 1000);
  assert.equal(cachedPrefixPadFlops({ compute: 0.8, memory: 1 }, 1000), 0);
});

test('bandwidthScale multiplies every memory rate at its SM count, flat beyond its first and last points', async () => {
  const { bandwidthScaleAt } = await import('../../../sim/latency/roofline.js');
  const scale = [
    { smCount: 40, value: 0.5 },
    { smCount: 80, value: 1 },
  ];
  assert.equal(bandwidthScaleAt(undefined, 50), 1);
  assert.equal(bandwidthScaleAt(scale, 20), 0.5);
  assert.equal(bandwidthScaleAt(scale, 60), 0.75);
  assert.equal(bandwidthScaleAt(scale, 100), 1);
  // Π huge, so every kernel is memory-bound and its time is bytes over rate: half the rate, twice the time,
  // on both the tabulated W(S) and a bandwidthModel's per-class curves.
  const batch = { prefills: [], decodeCount: 1, decodeContextTokens: 3 };
  for (const extra of [{}, { bandwidthModel: { perSmBytesPerS: 1e6, maxBytesPerS: 4e7, knee: 4 } }]) {
    const base = perf({ computeFlopsPerS: [{ smCount: 100, value: 1e15 }], ...extra });
    const plain = predictIteration(TINY_MODEL, tinyHardware({ perf: base }), batch, { ...whole, smCount: 20 });
    const halved = predictIteration(TINY_MODEL, tinyHardware({ perf: { ...base, bandwidthScale: scale } }), batch, { ...whole, smCount: 20 });
    assert.ok(Math.abs(halved.gpuUs - 2 * plain.gpuUs) < 1e-9, `${halved.gpuUs} vs 2·${plain.gpuUs}`);
  }
});

test('attnWaveStretch prices the idle part of the last wave of a prefill attention kernel\'s query blocks', async () => {
  const { attnWaveStretch } = await import('../../../sim/latency/roofline.js');
  const chunk = (newTokens: number) => ({ newTokens });
  // 256 queries, 32 heads, 128-row blocks: 2·32 = 64 blocks.
  const terms = { attnWaveBlend: 1, attnRowTile: 128 };
  // On 64 SMs one full wave: 1×; on 128 one wave half idle: the time of 128 blocks, 2×.
  assert.equal(attnWaveStretch(terms, [chunk(256)], 32, 64), 1);
  assert.equal(attnWaveStretch(terms, [chunk(256)], 32, 128), 2);
  // On 48 SMs two waves, 96 slots for 64 blocks: 1.5×; k = 0.5 prices half of the idle part.
  assert.equal(attnWaveStretch(terms, [chunk(256)], 32, 48), 1.5);
  assert.equal(attnWaveStretch({ ...terms, attnWaveBlend: 0.5 }, [chunk(256)], 32, 48), 1.25);
  // 64-row blocks: 4·32 = 128 blocks, two waves on 96 SMs (192 slots): 1.5×.
  assert.equal(attnWaveStretch({ ...terms, attnRowTile: 64 }, [chunk(256)], 32, 96), 1.5);
  // A partial block counts whole: 300 queries are 3 blocks (96 with 32 heads), one full wave of 96 SMs.
  assert.equal(attnWaveStretch(terms, [chunk(300)], 32, 96), 1);
  // One kernel for every chunk: two chunks of 256 are 128 blocks, one full wave of 128 SMs, not two half-idle ones.
  assert.equal(attnWaveStretch(terms, [chunk(256), chunk(256)], 32, 128), 1);
  // The default block is 128 rows; without k, without an SM count or without chunks: 1.
  assert.equal(attnWaveStretch({ attnWaveBlend: 1 }, [chunk(256)], 32, 128), 2);
  assert.equal(attnWaveStretch({ attnRowTile: 128 }, [chunk(256)], 32, 128), 1);
  assert.equal(attnWaveStretch(terms, [chunk(256)], 32, 0), 1);
  assert.equal(attnWaveStretch(terms, [], 32, 128), 1);
});

test('the attention wave stretch applies to plain and cached-prefix chunks alike, the latter at their efficiency', async () => {
  const { prefillAttentionPadFlops, prefillChunkFlops } = await import('../../../sim/latency/roofline.js');
  // TINY_MODEL has 2 query heads of dimension 2. With 4-row blocks, 4 fresh tokens and 12 over a prefix of
  // 16 are (1 + 3)·2 = 8 blocks: two waves on 6 SMs, 12 slots: 1.5×.
  const terms = { attnWaveBlend: 1, attnRowTile: 4 };
  const chunks = [
    { newTokens: 4, cachedTokens: 0 },
    { newTokens: 12, cachedTokens: 16 },
  ];
  const fPlain = prefillChunkFlops(2, 2, 4, 0);
  const fCached = prefillChunkFlops(2, 2, 12, 16);
  assert.equal(fPlain, 16 * 8);
  assert.equal(fCached, 16 * (192 + 72));
  const eff = { compute: 0.8, memory: 1, cachedPrefixCompute: 0.4 };
  const efficiency = { ...perf({}).efficiency, attn_prefill: eff };
  // Half of everything more; then the stretched cached work, 1.5·fCached, again at half the efficiency.
  assert.equal(prefillAttentionPadFlops({ ...terms, efficiency }, chunks, 2, 2, 6), 0.5 * (fPlain + fCached) + 1.5 * fCached);
  assert.equal(prefillAttentionPadFlops({ efficiency }, chunks, 2, 2, 6), fCached);
  // In a forward: bandwidth huge makes attention compute-bound, so its time is the stretched work over Π·eff.
  const base = perf({ bandwidthBytesPerS: [{ smCount: 100, value: 1e15 }] });
  const hw = (extra: object) => tinyHardware({ perf: { ...base, ...extra, efficiency: { ...base.efficiency, attn_prefill: eff } } });
  const attn = (h: ReturnType<typeof tinyHardware>) =>
    predictIteration(TINY_MODEL, h, { prefills: chunks, decodeCount: 0, decodeContextTokens: 0 }, { ...whole, smCount: 6 }).breakdown.find((b) => b.op === 'attn_prefill')!;
  const plain = attn(hw({}));
  const waved = attn(hw(terms));
  assert.ok(Math.abs(waved.us / plain.us - 1.5) < 1e-9, `${waved.us / plain.us}`);
  // The reported FLOPs are the counted ones.
  assert.equal(waved.flops, plain.flops);
});

/** [dIn, dOut] of a layer's four projections (qkv, o, gate+up, down): the shapes a GEMM kernel table lists. */
function projections(m: { hiddenSize: number; numQHeads: number; numKvHeads: number; headDim: number; ffnSize: number }): [number, number][] {
  const d = m.hiddenSize;
  return [
    [d, (m.numQHeads + 2 * m.numKvHeads) * m.headDim],
    [m.numQHeads * m.headDim, d],
    [d, 2 * m.ffnSize],
    [m.ffnSize, d],
  ];
}

test('gemmKernels: on a partition holding the remainder a clustered GEMM is priced on the whole groups only', async () => {
  const { hopperLike, QWEN3_8B_LIKE } = await import('../../util/fixtures.js');
  const base = hopperLike();
  const m = QWEN3_8B_LIKE;
  // Every projection and the LM head (unlisted: the listed shapes' share) clustered at every recorded count.
  const shapes = projections(m).map(([dIn, dOut]) => ({ dIn, dOut, clusteredRows: [1, 4096] }));
  const all = { ...base, perf: { ...base.perf, gemmKernels: { source: 'test', remainderMaxCtas: 2, rows: [1, 4096], shapes } } };
  const none = { ...base, perf: { ...base.perf, gemmKernels: { source: 'test', remainderMaxCtas: 2, rows: [1, 4096], shapes: shapes.map((s) => ({ ...s, clusteredRows: [] })) } } };
  const batch = { prefills: [], decodeCount: 64, decodeContextTokens: 64 * 2048 };
  const at = (hw: typeof base, smCount: number) => predictIteration(m, hw, batch, { ...whole, smCount });
  const gemmUs = (p: ReturnType<typeof at>) => p.breakdown.filter((b) => b.op === 'gemm' || b.op === 'lm_head').reduce((s, b) => s + b.us, 0);
  const other = (p: ReturnType<typeof at>) => p.breakdown.filter((b) => b.op !== 'gemm' && b.op !== 'lm_head').reduce((s, b) => s + b.us, 0);
  // 20 SMs = 8 in a whole group + the 12-SM remainder: the GEMMs take their 8-SM time, the rest its 20-SM time.
  assert.ok(Math.abs(gemmUs(at(all, 20)) - gemmUs(at(base, 8))) < 1e-6 * gemmUs(at(base, 8)));
  assert.equal(other(at(all, 20)), other(at(base, 20)));
  // Recorded as unclustered, or without a table: every SM.
  assert.equal(at(none, 20).gpuUs, at(base, 20).gpuUs);
  // Partitions of whole groups and the whole GPU are not touched.
  for (const s of [16, 64, 132]) assert.equal(at(all, s).gpuUs, at(base, s).gpuUs);
  assert.equal(at(all, 20).kernels, at(base, 20).kernels);
  // Half the rows clustered (interpolated between a clustered and an unclustered count): halfway in time.
  const half = { ...base, perf: { ...base.perf, gemmKernels: { source: 'test', remainderMaxCtas: 2, rows: [1, 127], shapes: shapes.map((s) => ({ ...s, clusteredRows: [1] })) } } };
  const h = gemmUs(at(half, 20));
  assert.ok(Math.abs(h - (gemmUs(at(base, 20)) + gemmUs(at(base, 8))) / 2) < 1e-6 * h, `${h}`);
  // The remainder alone cannot run such kernels: pricing it is a caller's error (isValidPartitionSize refuses it).
  assert.throws(() => at(all, 12), /GPC remainder alone/);
});

test('remainderSmsDrawn: a narrow GEMM on a partition holding the remainder streams from its whole groups plus the SMs its side draws', async () => {
  const { hopperLike, QWEN3_8B_LIKE } = await import('../../util/fixtures.js');
  const base = hopperLike();
  const m = QWEN3_8B_LIKE;
  const shapes = projections(m).map(([dIn, dOut]) => ({ dIn, dOut, clusteredRows: [] }));
  // The first side draws 4 of the remainder's 12 SMs at 20 SMs and 8 at 36 (interpolated, flat outside); the last side has no points.
  const drawn = { first: [{ smCount: 20, value: 4 }, { smCount: 36, value: 8 }] };
  const hw = { ...base, perf: { ...base.perf, gemmKernels: { source: 'test', remainderMaxCtas: 2, rows: [1, 4096], shapes, remainderSmsDrawn: drawn } } };
  const plain = { ...base, perf: { ...base.perf, gemmKernels: { source: 'test', remainderMaxCtas: 2, rows: [1, 4096], shapes } } };
  const decodes: IterationBatch = { prefills: [], decodeCount: 64, decodeContextTokens: 64 * 2048 };
  const at = (h: typeof base, smCount: number, partitionSide?: 'first' | 'last', batch = decodes) => predictIteration(m, h, batch, { ...whole, smCount, partitionSide });
  const gemmUs = (p: ReturnType<typeof at>) => p.breakdown.filter((b) => b.op === 'gemm' || b.op === 'lm_head').reduce((s, b) => s + b.us, 0);
  const other = (p: ReturnType<typeof at>) => p.breakdown.filter((b) => b.op !== 'gemm' && b.op !== 'lm_head').reduce((s, b) => s + b.us, 0);
  const close = (a: number, b: number) => assert.ok(Math.abs(a / b - 1) < 1e-9, `${a} vs ${b}`);
  // 20 SMs on the first side: the 64-token GEMMs stream like 8 + 4 = 12 SMs; attention and the rest keep 20.
  close(gemmUs(at(hw, 20)), gemmUs(at(base, 12)));
  assert.equal(other(at(hw, 20)), other(at(plain, 20)));
  assert.ok(at(hw, 20).gpuUs > at(plain, 20).gpuUs);
  // The default side is the first; 28 SMs interpolate (16 + 6 = 22); 116 is flat beyond the last point (104 + 8 = 112).
  assert.equal(at(hw, 20, 'first').gpuUs, at(hw, 20).gpuUs);
  close(gemmUs(at(hw, 28)), gemmUs(at(base, 22)));
  close(gemmUs(at(hw, 116)), gemmUs(at(base, 112)));
  // The last side records no points: the whole remainder, as without the field (and a memoised first-side answer does not leak).
  assert.equal(at(hw, 20, 'last').gpuUs, at(plain, 20).gpuUs);
  // Whole-group partitions, the whole GPU and GEMMs over 128 tokens are not touched.
  for (const s of [16, 64, 132]) assert.equal(at(hw, s).gpuUs, at(plain, s).gpuUs);
  const prefill: IterationBatch = { prefills: [{ newTokens: 512, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
  // (A prefill's LM head runs on its last token only: a narrow GEMM, so only the projections are compared.)
  const projectionsUs = (p: ReturnType<typeof at>) => p.breakdown.find((b) => b.op === 'gemm')!.us;
  assert.equal(projectionsUs(at(hw, 20, 'first', prefill)), projectionsUs(at(plain, 20, 'first', prefill)));
  // Drawing the whole remainder is the partition's own rates.
  const full = { ...hw, perf: { ...hw.perf, gemmKernels: { ...hw.perf.gemmKernels, remainderSmsDrawn: { last: [{ smCount: 20, value: 12 }] } } } };
  assert.equal(gemmUs(at(full, 20, 'last')), gemmUs(at(plain, 20)));
});

test('remainderOps: decode attention and elementwise ops on a partition holding the remainder stream from its whole groups plus the SMs their class draws on its side', async () => {
  const { hopperLike, QWEN3_8B_LIKE } = await import('../../util/fixtures.js');
  const base = hopperLike();
  const m = QWEN3_8B_LIKE;
  // Decode attention draws 2 of the remainder's 12 SMs on the first side at 20 SMs and 6 at 36; elementwise ops 4 on the last side at 20.
  const remainderOps = { source: 'test', remainderSmsDrawn: { attn_decode: { first: [{ smCount: 20, value: 2 }, { smCount: 36, value: 6 }] }, elementwise: { last: [{ smCount: 20, value: 4 }] } } };
  const decodes: IterationBatch = { prefills: [], decodeCount: 64, decodeContextTokens: 64 * 2048 };
  const cls = (p: ReturnType<typeof predictIteration>, op: string) => p.breakdown.find((b) => b.op === op)!.us;
  const close = (a: number, b: number) => assert.ok(Math.abs(a / b - 1) < 1e-9, `${a} vs ${b}`);
  // Both forms: with per-class saturating curves (physics) and on W(S) alone.
  // Each class its own memory efficiency and W rescaled per SM count, so reading the wrong class or the rescale at the
  // partition's own SMs (not the drawn ones) shows.
  const eff = base.perf.efficiency;
  const own = {
    efficiency: { ...eff, attn_decode: { ...eff.attn_decode, memory: 0.7 }, elementwise: { ...eff.elementwise, memory: 0.55 } },
    bandwidthScale: [{ smCount: 8, value: 0.9 }, { smCount: 40, value: 1.1 }],
  };
  for (const extra of [{}, { bandwidthModel: { perSmBytesPerS: 1.2e11, maxBytesPerS: 3e12, knee: 4 } }]) {
    const plain = { ...base, perf: { ...base.perf, ...own, ...extra } };
    const hw = { ...plain, perf: { ...plain.perf, remainderOps } };
    const at = (h: typeof base, smCount: number, partitionSide?: 'first' | 'last') => predictIteration(m, h, decodes, { ...whole, smCount, partitionSide });
    // 20 SMs, first side: attention streams like 8 + 2 = 10 whole SMs (memory-bound here); GEMMs and elementwise keep 20.
    close(cls(at(hw, 20), 'attn_decode'), cls(at(plain, 10), 'attn_decode'));
    assert.equal(cls(at(hw, 20), 'gemm'), cls(at(plain, 20), 'gemm'));
    assert.equal(cls(at(hw, 20), 'elementwise'), cls(at(plain, 20), 'elementwise'));
    assert.ok(at(hw, 20).gpuUs > at(plain, 20).gpuUs);
    // 28 interpolates (16 + 4 = 20), 116 is flat beyond the last point (104 + 6 = 110).
    close(cls(at(hw, 28), 'attn_decode'), cls(at(plain, 20), 'attn_decode'));
    close(cls(at(hw, 116), 'attn_decode'), cls(at(plain, 110), 'attn_decode'));
    // The last side: attention has no points (the whole remainder), the elementwise ops draw 4 (like 12 SMs); a memoised first-side answer does not leak.
    assert.equal(cls(at(hw, 20, 'last'), 'attn_decode'), cls(at(plain, 20), 'attn_decode'));
    close(cls(at(hw, 20, 'last'), 'elementwise'), cls(at(plain, 12), 'elementwise'));
    // Whole-group partitions and the whole GPU are not touched.
    for (const s of [16, 64, 132]) assert.equal(at(hw, s).gpuUs, at(plain, s).gpuUs);
  }
});

test("gemmKernels timeScale: a recorded shape's GEMMs take that multiple of the roofline's time; other classes are untouched", async () => {
  const { hopperLike, QWEN3_8B_LIKE } = await import('../../util/fixtures.js');
  const base = hopperLike();
  const m = QWEN3_8B_LIKE;
  const dims = projections(m);
  const table = (timeScale?: number[]) => ({ source: 'test', remainderMaxCtas: 2, rows: [1, 4096], shapes: dims.map(([dIn, dOut]) => ({ dIn, dOut, clusteredRows: [], ...(timeScale ? { timeScale } : {}) })) });
  const plain = { ...base, perf: { ...base.perf, gemmKernels: table() } };
  const slow = { ...base, perf: { ...base.perf, gemmKernels: table([1.25, 1.25]) } };
  const batch = { prefills: [{ newTokens: 1000, cachedTokens: 0 }], decodeCount: 40, decodeContextTokens: 40 * 1024 };
  for (const smCount of [20, 64, 132]) {
    const a = predictIteration(m, plain, batch, { ...whole, smCount });
    const b = predictIteration(m, slow, batch, { ...whole, smCount });
    const of = (p: typeof a, op: string) => p.breakdown.find((x) => x.op === op)!;
    assert.ok(Math.abs(of(b, 'gemm').us / of(a, 'gemm').us - 1.25) < 1e-9, `${smCount} SMs`);
    // The FLOPs reported are the counted ones; the LM head is not a recorded shape.
    assert.equal(of(b, 'gemm').flops, of(a, 'gemm').flops);
    assert.equal(of(b, 'lm_head').us, of(a, 'lm_head').us);
    assert.equal(of(b, 'attn_prefill').us, of(a, 'attn_prefill').us);
  }
  // Factors of 1 change nothing, bit for bit.
  const ones = { ...base, perf: { ...base.perf, gemmKernels: table([1, 1]) } };
  assert.equal(predictIteration(m, ones, batch, { ...whole, smCount: 64 }).gpuUs, predictIteration(m, plain, batch, { ...whole, smCount: 64 }).gpuUs);
});

test('gemmTilesFromRows: a recorded shape from that many tokens pays for cuBLAS\'s own tile in both dimensions, and its waves', async () => {
  const { gemmPadFlops } = await import('../../../sim/latency/roofline.js');
  const gemmKernels = { source: 'test', remainderMaxCtas: 2, rows: [1, 64], shapes: [{ dIn: 64, dOut: 300, clusteredRows: [], tiles: [[32, 8], [128, 64]] as [number, number][] }] };
  const base = { gemmRowTile: 16, gemmKernels };
  // 100 tokens at the tile recorded for 64: 3 tiles of 128 columns (384) x 2 of 64 rows (128).
  const padded = 2 * 384 * 128 * 64;
  const counted = 2 * 100 * 64 * 300;
  assert.equal(gemmPadFlops({ ...base, gemmTilesFromRows: 1 }, 100, 64, 300), padded - counted);
  // Waves: 6 tiles on 4 SMs take 2 waves of 4, blend 0.5: x (1 + 0.5 (8/6 - 1)).
  const waved = gemmPadFlops({ ...base, gemmTilesFromRows: 1, gemmWaveBlend: 0.5 }, 100, 64, 300, 4);
  assert.ok(Math.abs(waved - (padded * (1 + 0.5 * (8 / 6 - 1)) - counted)) < 1e-6);
  // Below gemmTilesFromRows, a shape recorded near none, or without the term: the fitted 16-row tile (112 rows).
  assert.equal(gemmPadFlops({ ...base, gemmTilesFromRows: 129 }, 100, 64, 300), 2 * 112 * 64 * 300 - counted);
  assert.equal(gemmPadFlops({ ...base, gemmTilesFromRows: 1 }, 100, 64, 1000), 2 * 112 * 64 * 1000 - 2 * 100 * 64 * 1000);
  // An unrecorded shape within SIMILAR_SHAPE of a recorded one (64 x 299 beside 64 x 300) pays for that one's tile: 384 x 128.
  assert.equal(gemmPadFlops({ ...base, gemmTilesFromRows: 1 }, 100, 64, 299), 2 * 384 * 128 * 64 - 2 * 100 * 64 * 299);
  assert.equal(gemmPadFlops(base, 100, 64, 300), 2 * 112 * 64 * 300 - counted);
});

test('power model: the capped clock by demand, hand-computed', () => {
  const p = { maxClockMhz: 1980, allComputeBoundMhz: 1400, fixedPowerShare: 0.5, memoryBoundPowerRatio: 0.5, referenceComputeShare: 0.9, servingDecodeSteps: 4 };
  assert.equal(powerClockMhz(p, 100, 100), 1400, 'every SM compute-bound: allComputeBoundMhz');
  assert.equal(powerClockMhz(p, 100, 50), 1980, '1400 · 1.5 / (0.5 + 0.5) = 2100, held at the maximum');
  assert.ok(Math.abs(powerClockMhz(p, 100, 80) - 2100 / 1.3) < 1e-9);
  // Demand by rate: the fixture's Π and W are linear in S, so 100 SMs of 100 demand u + r·(1 − u) each, 50 SMs half.
  const hw = tinyHardware();
  assert.equal(powerDemand(hw, p, 100, 1), 100);
  assert.equal(powerDemand(hw, p, 100, 0), 50);
  assert.ok(Math.abs(powerDemand(hw, p, 100, 0.9) - 95) < 1e-9);
  assert.ok(Math.abs(powerDemand(hw, p, 50, 0.9) - 47.5) < 1e-9);
  assert.equal(powerDemand(hw, p, 0, 1), 0);
  // A partition whose rate per SM is higher demands more than its SM count: Π(100) twice the linear fixture's.
  const fast = tinyHardware({ perf: perf({ computeFlopsPerS: [{ smCount: 1, value: 1e6 }, { smCount: 90, value: 9e7 }, { smCount: 100, value: 2e8 }] }) });
  assert.ok(Math.abs(powerDemand(fast, p, 90, 1) - 45) < 1e-9, '90 SMs at 90/200 of the whole GPU rate');
});

test('power model: a forward and its decode steps, hand-computed', () => {
  const power = { maxClockMhz: 1980, allComputeBoundMhz: 1400, fixedPowerShare: 0.5, memoryBoundPowerRatio: 0.5, referenceComputeShare: 0.8, servingDecodeSteps: 4 };
  const hw = tinyHardware({ perf: perf({ clockRegime: { backToBackComputeScale: 1.1, servingComputeScale: 0.9, power } }) });
  // 100 busy SMs; a 10 ms forward 90% compute-bound, then 4 steps of 5 ms 10% compute-bound. Weights: reference
  // 0.9, forward 0.95, steps 0.55, window (10·0.95 + 20·0.55)/30 = 0.68333. Clocks 2100/(w + 0.5).
  const c = servingClockOf(hw, 100, 10_000, 0.9, 5_000, 0.1, 4);
  assert.ok(c);
  assert.ok(Math.abs(c.calibrationMhz - (1.1 * 2100) / 1.4) < 1e-9, `calibration ${c.calibrationMhz}`);
  assert.ok(Math.abs(c.backToBackMhz - 2100 / 1.45) < 1e-9, `b2b ${c.backToBackMhz}`);
  assert.ok(Math.abs(c.servingMhz - 2100 / (20.5 / 30 + 0.5)) < 1e-9, `serving ${c.servingMhz}`);
  assert.ok(Math.abs(c.backToBackScale - (1.1 * 1.45) / 1.4) < 1e-12, 'a forward drawing more than the reference clocks lower');
  assert.ok(Math.abs(c.servingScale - (1.1 * (20.5 / 30 + 0.5)) / 1.4) < 1e-12);
  assert.ok(c.servingScale < c.backToBackScale, 'interleaving runs faster than back to back');
  const none = servingClockOf(hw, 100, 10_000, 0.9, 5_000, 0.1, 0);
  assert.equal(none?.servingScale, none?.backToBackScale, 'no steps: the window is the forward');
  // Few enough SMs that nothing reaches the cap: calibration and both regimes at the maximum clock, scale 1.
  const small = servingClockOf(hw, 30, 10_000, 0.9, 5_000, 0.1, 4);
  assert.equal(small?.backToBackScale, 1);
  assert.equal(small?.servingScale, 1);
  assert.equal(small?.calibrationMhz, 1980);
  assert.equal(servingClockOf(tinyHardware(), 100, 1, 1, 1, 0, 4), null, 'no power model');
});

test('power model: both regimes priced by the forward\'s window; steps only where a batch has prefills and decodes; more steps run faster', () => {
  const power = { maxClockMhz: 1980, allComputeBoundMhz: 1000, fixedPowerShare: 0.3, memoryBoundPowerRatio: 0.4, referenceComputeShare: 0.8, servingDecodeSteps: 4 };
  const hw = tinyHardware({ perf: perf({ contention: { memory: 0, compute: 0 }, clockRegime: { backToBackComputeScale: 1.2, servingComputeScale: 0.9, power } }) });
  const mixed = { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 64, decodeContextTokens: 64 * 512 };
  const prefill = { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
  const clock = servingClockFor(TINY_MODEL, hw, mixed, whole);
  assert.ok(clock && clock.servingMhz > clock.backToBackMhz);
  const serving = predictIteration(TINY_MODEL, hw, mixed, whole).gpuUs;
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a / b - 1) < 1e-12, `${what}: ${a} vs ${b}`);
  near(serving, predictIteration(TINY_MODEL, hw, mixed, { ...whole, computeClockScale: clock.servingScale }).gpuUs, 'serving = the forward at its window scale');
  near(predictIteration(TINY_MODEL, hw, mixed, { ...whole, clockRegime: 'back-to-back' }).gpuUs, predictIteration(TINY_MODEL, hw, mixed, { ...whole, computeClockScale: clock.backToBackScale }).gpuUs, 'back to back');
  near(predictIteration(TINY_MODEL, hw, prefill, whole).gpuUs, predictIteration(TINY_MODEL, hw, prefill, { ...whole, clockRegime: 'back-to-back' }).gpuUs, 'prefills only, alone: serving is back to back');
  near(predictIteration(TINY_MODEL, hw, mixed, { ...whole, servingDecodeSteps: 0 }).gpuUs, predictIteration(TINY_MODEL, hw, mixed, { ...whole, clockRegime: 'back-to-back' }).gpuUs, 'no steps: back to back');
  const more = predictIteration(TINY_MODEL, hw, mixed, { ...whole, servingDecodeSteps: 16 }).gpuUs;
  assert.ok(more < serving, `16 steps ${more} vs 4 ${serving}`);
  // The calibration regime is untouched by the power model.
  const plain = tinyHardware({ perf: perf({ contention: { memory: 0, compute: 0 } }) });
  assert.equal(predictIteration(TINY_MODEL, hw, mixed, { ...whole, clockRegime: 'calibration' }).gpuUs, predictIteration(TINY_MODEL, plain, mixed, { ...whole, clockRegime: 'calibration' }).gpuUs);
});

test('power model: a partition beside a partner is priced as the calibration pairs ran, at scale 1 in every regime', () => {
  const power = { maxClockMhz: 1980, allComputeBoundMhz: 1000, fixedPowerShare: 0.3, memoryBoundPowerRatio: 0.4, referenceComputeShare: 0.8, servingDecodeSteps: 4 };
  const hw = tinyHardware({ perf: perf({ contention: { memory: 0, compute: 0 }, clockRegime: { backToBackComputeScale: 1.2, servingComputeScale: 0.9, power } }) });
  const prefill = { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
  const beside = { ...whole, smCount: 60, partnerSmCount: 40 };
  const cal = predictIteration(TINY_MODEL, hw, prefill, { ...beside, clockRegime: 'calibration' }).gpuUs;
  assert.equal(predictIteration(TINY_MODEL, hw, prefill, beside).gpuUs, cal);
  assert.equal(predictIteration(TINY_MODEL, hw, prefill, { ...beside, clockRegime: 'back-to-back' }).gpuUs, cal);
  assert.equal(servingClockFor(TINY_MODEL, hw, prefill, beside), null);
  assert.equal(clockScale(hw, 'serving', 100), 1, 'the older form\'s scales do not apply under a power model');
  // servingClockOf still takes a partner in space (for callers that price a window of their own).
  const c = servingClockOf(hw, 60, 1000, 0.9, 0, 0, 0, 40, 0);
  assert.ok(c);
  assert.ok(Math.abs(c.backToBackMhz - 1300 / (0.94 + 0.3)) < 1e-9, `b2b ${c.backToBackMhz}`);
  assert.ok(Math.abs(c.servingMhz - 1300 / ((60 * 0.94 + 40 * 0.4) / 100 + 0.3)) < 1e-9, `serving ${c.servingMhz}`);
});

test('power model after a clock-aware fit: the curves at the maximum clock, each regime at (maximum ÷ its clock)^α, hand-computed', () => {
  const power = { maxClockMhz: 1980, allComputeBoundMhz: 1400, fixedPowerShare: 0.5, memoryBoundPowerRatio: 0.5, referenceComputeShare: 0.8, servingDecodeSteps: 4 };
  const aware = { ...power, trainingClockMhz: [{ smCount: 50, value: 1980 }, { smCount: 100, value: 1700 }], clockSensitivity: 0.5 };
  const hw = tinyHardware({ perf: perf({ clockRegime: { backToBackComputeScale: 1.1, servingComputeScale: 0.9, power: aware } }) });
  // The same window as the hand-computed one above: b2b clock 2100/1.45, serving 2100/(20.5/30 + 0.5). The calibration
  // clock is the maximum (backToBackComputeScale and the reference demand play no part), each scale its ratio's root.
  const c = servingClockOf(hw, 100, 10_000, 0.9, 5_000, 0.1, 4);
  assert.ok(c);
  assert.equal(c.calibrationMhz, 1980);
  assert.ok(Math.abs(c.backToBackScale - Math.sqrt(1980 / (2100 / 1.45))) < 1e-12, `b2b ${c.backToBackScale}`);
  assert.ok(Math.abs(c.servingScale - Math.sqrt(1980 / (2100 / (20.5 / 30 + 0.5)))) < 1e-12, `serving ${c.servingScale}`);
  // Below the cap every regime runs at the maximum: scale 1, as before.
  assert.equal(servingClockOf(hw, 30, 10_000, 0.9, 5_000, 0.1, 4)?.servingScale, 1);
  // Without α the ratio itself.
  const linear = tinyHardware({ perf: perf({ clockRegime: { backToBackComputeScale: 1.1, servingComputeScale: 0.9, power: { ...power, trainingClockMhz: aware.trainingClockMhz } } }) });
  assert.ok(Math.abs((servingClockOf(linear, 100, 10_000, 0.9, 0, 0, 0)?.backToBackScale as number) - 1980 / (2100 / 1.45)) < 1e-12);
  assert.equal(clockRatio(1.44, 0.5), 1.2);
  assert.equal(clockRatio(1.3, 1), 1.3);
});
