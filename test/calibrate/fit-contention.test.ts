import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSharedContention, searchSharedContention, sharedFormLabel, variesPartner } from '../../calibrate/fit-contention.js';
import { predictConcurrentDecodeUs, predictConcurrentPrefillUs } from '../../calibrate/predict-record.js';
import type { ConcurrentRecord } from '../../calibrate/measurement.js';
import type { HardwareSpec, SharedContention } from '../../sim/hardware/hardware-spec.js';
import { partnerLoadOf } from '../../sim/latency/roofline.js';
import { QWEN3_8B_LIKE, concurrentPair, hopperLike } from '../util/fixtures.js';

/**
 * fitSharedContention recovers a planted shared-resource form: pairs "measured" as the model prices them under
 * known coefficients, across the splits the reference plan covers and two decode batches (one memory-bound, one
 * about half compute-bound, which is what tells the exposures apart).
 */
const models = { m: QWEN3_8B_LIKE };

function plantedPairs(hw: HardwareSpec): ConcurrentRecord[] {
  const out: ConcurrentRecord[] = [];
  let line = 1;
  for (const [prefillSms, decodeSms] of [
    [124, 8],
    [112, 20],
    [96, 36],
    [64, 68],
    [32, 100],
    [16, 116],
  ]) {
    for (const [count, context] of [
      [32, 2048],
      [256, 1024],
    ]) {
      const r = concurrentPair({ id: `cc-${prefillSms}-${decodeSms}-${count}`, line: line++, prefillSms, decodeSms, count, context, method: 'continuous', lookahead: 1 });
      out.push({ ...r, decodeConcurrentUs: predictConcurrentDecodeUs(models, hw, r), prefillConcurrentUs: predictConcurrentPrefillUs(models, hw, r) });
    }
  }
  return out;
}

const withShared = (hw: HardwareSpec, shared: SharedContention): HardwareSpec => ({ ...hw, perf: { ...hw.perf, contention: { ...hw.perf.contention, shared } } });

test('the planted decodes differ in compute-bound share (what tells the exposures apart)', () => {
  const hw = hopperLike();
  const share = (count: number) => partnerLoadOf(QWEN3_8B_LIKE, hw, { prefills: [], decodeCount: count, decodeContextTokens: count * 1024 }, 20, 1).computeShare / (20 / 132);
  assert.ok(share(32) < 0.2, `32 decodes: ${share(32)}`);
  assert.ok(share(256) > 0.3 && share(256) < 0.9, `256 decodes: ${share(256)}`);
});

// Each exposure, and the bandwidth term reaching a lane as its own W(S)/W(all) (small decode partitions feel less of
// the partner's traffic).
for (const [exposure, bandwidthExposure] of [
  ['full', 'full'],
  ['compute-bound-share', 'full'],
  ['compute-bound-share', 'own-capacity'],
] as const) {
  test(`fitSharedContention recovers a planted busy-SMs power term with exposure '${exposure}', bandwidth exposure '${bandwidthExposure}'`, () => {
    const truth: SharedContention = {
      powerShare: 'busy-sms',
      ...(exposure === 'full' ? {} : { exposure }),
      ...(bandwidthExposure === 'full' ? {} : { bandwidthExposure }),
      computeByPower: 0.9,
      computeByBandwidth: 0,
      memoryByPower: 0,
      memoryByBandwidth: 2,
    };
    const hw = hopperLike();
    const fitted = fitSharedContention(models, hw, plantedPairs(withShared(hw, truth))).shared;
    assert.ok(fitted);
    assert.equal(fitted.powerShare, 'busy-sms');
    assert.equal(fitted.exposure, truth.exposure);
    assert.equal(fitted.bandwidthExposure, truth.bandwidthExposure);
    assert.ok(Math.abs(fitted.computeByPower - 0.9) < 0.02, `computeByPower ${fitted.computeByPower}`);
    assert.ok(Math.abs(fitted.memoryByBandwidth - 2) < 0.04, `memoryByBandwidth ${fitted.memoryByBandwidth}`);
  });
}

test('fitSharedContention on noisy pairs (fixed ±4%): the same answer twice, and the planted power reading kept', () => {
  // Pairs from the busy-SMs form with noise: the cross-validated choice (every other pair fitted, the rest judged)
  // must still read the partner's power as its busy SMs, and be a pure function of the pairs.
  const truth: SharedContention = { powerShare: 'busy-sms', computeByPower: 0.9, computeByBandwidth: 0, memoryByPower: 0, memoryByBandwidth: 2 };
  const hw = hopperLike();
  const noise = [1.03, 0.97, 1.01, 0.99, 1.04, 0.96, 1.02, 0.98, 1.0, 1.03, 0.97, 1.01];
  const pairs = plantedPairs(withShared(hw, truth)).map((r, i) => ({ ...r, decodeConcurrentUs: r.decodeConcurrentUs * noise[i], prefillConcurrentUs: r.prefillConcurrentUs * noise[11 - i] }));
  const a = fitSharedContention(models, hw, pairs).shared;
  const b = fitSharedContention(models, hw, pairs).shared;
  assert.deepEqual(a, b, 'deterministic');
  assert.ok(a);
  assert.equal(a.powerShare, 'busy-sms');
});

test("fitSharedContention reads the partner's power as its tensor rate when pairs beside two kinds of prefill need it", () => {
  // Each decode beside two prefills on the same SMs, as the pair-partners plan puts them: 4,096 fresh tokens and a
  // 256-token chunk. On this fixture's flat efficiencies the chunk is priced memory-bound (compute-bound share 0) yet
  // drives the tensor cores at most of the 4,096's rate, so the three readings of the partner's power disagree; planted
  // with the tensor rate, the form search must keep it.
  const truth: SharedContention = { powerShare: 'tensor-rate', computeByPower: 1.2, computeByBandwidth: 0, memoryByPower: 0.6, memoryByBandwidth: 1 };
  const hw = hopperLike();
  const planted = withShared(hw, truth);
  const partners = [4096, 256] as const;
  const pairs = plantedPairs(planted).flatMap((r, i) =>
    partners.map((newTokens, k) => {
      const p: ConcurrentRecord = { ...r, id: `${r.id}-${newTokens}`, source: { ...r.source, line: 2 * i + k + 1 }, prefillBatch: { prefills: [{ newTokens, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 } };
      return { ...p, decodeConcurrentUs: predictConcurrentDecodeUs(models, planted, p), prefillConcurrentUs: predictConcurrentPrefillUs(models, planted, p) };
    }),
  );
  const load = (b: ConcurrentRecord) => partnerLoadOf(QWEN3_8B_LIKE, hw, b.prefillBatch, b.prefillSmCount, 1);
  const [fresh, chunk] = [load(pairs[0]), load(pairs[1])];
  assert.ok(fresh.computeShare > 0.8 && chunk.computeShare < 0.05, `compute shares ${fresh.computeShare}, ${chunk.computeShare}`);
  assert.ok(chunk.tensorShare > 0.5 * fresh.tensorShare && chunk.tensorShare < 0.9 * fresh.tensorShare, `tensor shares ${fresh.tensorShare}, ${chunk.tensorShare}`);
  const fitted = fitSharedContention(models, hw, pairs).shared;
  assert.ok(fitted);
  assert.equal(fitted.powerShare, 'tensor-rate');
  assert.ok(Math.abs(fitted.computeByPower - 1.2) < 0.03, `computeByPower ${fitted.computeByPower}`);
  assert.ok(Math.abs(fitted.memoryByPower - 0.6) < 0.03, `memoryByPower ${fitted.memoryByPower}`);
});

test('searchSharedContention scores every form the pairs can tell apart and keeps the lowest, the one fitSharedContention returns', () => {
  const truth: SharedContention = { powerShare: 'busy-sms', computeByPower: 0.9, computeByBandwidth: 0, memoryByPower: 0, memoryByBandwidth: 2 };
  const hw = hopperLike();
  const pairs = plantedPairs(withShared(hw, truth));
  // One prefill partner beside every decode: the tensor term's four forms are not offered (variesPartner).
  assert.equal(variesPartner(pairs), false);
  const search = searchSharedContention(models, hw, pairs);
  assert.equal(search.forms.length, 12);
  assert.ok(search.forms.every((f) => !f.form.tensorTerm));
  assert.equal(new Set(search.forms.map((f) => sharedFormLabel(f.form))).size, 12, 'every form once');
  // The same decode beside a second partner on the same SMs: all sixteen.
  const second = { ...pairs[0], id: 'other-partner', prefillBatch: { prefills: [{ newTokens: 2048, cachedTokens: 2048 }], decodeCount: 0, decodeContextTokens: 0 } };
  assert.equal(variesPartner([...pairs, second]), true);
  assert.equal(variesPartner([pairs[0], { ...second, decodeSmCount: pairs[0].decodeSmCount + 8 }]), false, 'another partition is another decode');
  assert.equal(searchSharedContention(models, hw, [...pairs, second]).forms.length, 16);
  assert.ok(search.forms.every((f) => f.scoredBy === 'cross-validated' && Number.isFinite(f.score) && f.score >= 0));
  const lowest = search.forms.reduce((a, b) => (b.score < a.score ? b : a));
  const kept = search.contention.shared;
  assert.ok(kept);
  assert.equal(sharedFormLabel(kept), sharedFormLabel(lowest.form));
  assert.deepEqual(search.contention, fitSharedContention(models, hw, pairs));
  // Under four pairs there are no folds: the training objective scores the forms.
  assert.ok(searchSharedContention(models, hw, pairs.slice(0, 3)).forms.every((f) => f.scoredBy === 'training'));
  assert.deepEqual(searchSharedContention(models, hw, []).forms, []);
  assert.equal(sharedFormLabel({}), 'compute-bound / full / full');
});

test('fitSharedContention keeps the busy SMs plus the tensor rate when the planted pairs need both readings', () => {
  // Busy SMs price what a memory-bound partner costs; the tensor rate what a compute-heavy one adds (the clock). Pairs
  // beside a 4,096-token prefill and a 256-token chunk, both with busy SMs, need both readings.
  const truth: SharedContention = { powerShare: 'busy-sms', computeByPower: 0.9, computeByBandwidth: 0, memoryByPower: 0.2, memoryByBandwidth: 1.5, computeByTensor: 0.5, memoryByTensor: 0.3 };
  const hw = hopperLike();
  const planted = withShared(hw, truth);
  const pairs = plantedPairs(planted).flatMap((r, i) =>
    ([4096, 256] as const).map((newTokens, k) => {
      const p: ConcurrentRecord = { ...r, id: `${r.id}-${newTokens}`, source: { ...r.source, line: 2 * i + k + 1 }, prefillBatch: { prefills: [{ newTokens, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 } };
      return { ...p, decodeConcurrentUs: predictConcurrentDecodeUs(models, planted, p), prefillConcurrentUs: predictConcurrentPrefillUs(models, planted, p) };
    }),
  );
  const search = searchSharedContention(models, hw, pairs);
  const fitted = search.contention.shared;
  assert.ok(fitted);
  assert.equal(sharedFormLabel(search.forms.reduce((a, b) => (b.score < a.score ? b : a)).form), 'busy-sms + tensor-rate / full / full');
  assert.equal(fitted.powerShare, 'busy-sms');
  assert.ok(fitted.computeByTensor !== undefined && Math.abs(fitted.computeByTensor - 0.5) < 0.05, `computeByTensor ${fitted.computeByTensor}`);
  assert.ok(fitted.memoryByTensor !== undefined && Math.abs(fitted.memoryByTensor - 0.3) < 0.05, `memoryByTensor ${fitted.memoryByTensor}`);
});
