import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePlan, partitionSizes, toIterationBatch } from '../../calibrate/plan.js';
import { parsePlan } from '../../calibrate/parse-plan.js';
import { readDataText } from '../../calibrate/load-data.js';
import { isValidPartitionSize } from '../../sim/hardware/partition.js';
import { kvBytesPerToken } from '../../sim/model/model-spec.js';
import { familyOf, splitRecords } from '../../calibrate/split.js';
import type { ForwardRecord } from '../../calibrate/measurement.js';
import { qwenModels, testHardware } from '../util/calibration-fixtures.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePairPartnersPlan, generateReferencePlan, generateRemainderOpsPlan, generateValidationPlan, generateWavesPlan, referencePairSizes } from '../../calibrate/plan-reference.js';
import { loadHardware } from '../../sim/config/load-hardware.js';
import { loadModel } from '../../sim/config/load-model.js';
import { packageRoot } from '../../sim/trace/bundled.js';

const models = qwenModels();
const entries = Object.entries(models).map(([key, spec]) => ({ key, spec }));
const make = () => generatePlan({ models: entries, hardware: testHardware(), repeats: 10, warmup: 2 });

test('plan generation is deterministic: the same inputs give byte-identical JSON', () => {
  assert.equal(JSON.stringify(make()), JSON.stringify(make()));
});

test('the generated plan parses, with unique ids and every model it names', () => {
  const plan = make();
  const parsed = parsePlan(JSON.stringify(plan), 'plan.json');
  assert.equal(parsed.experiments.length, plan.experiments.length);
  assert.equal(new Set(plan.experiments.map((e) => e.id)).size, plan.experiments.length);
  assert.deepEqual(Object.keys(plan.models).sort(), ['qwen3-14b', 'qwen3-8b']);
});

test('every SM count in the plan is a partition green contexts can make, whole GPU included', () => {
  const hw = testHardware();
  const plan = make();
  const sms: number[] = [];
  for (const e of plan.experiments) {
    if (e.kind === 'concurrent') {
      sms.push(e.prefill.sms, e.decode.sms);
      assert.ok(e.prefill.sms + e.decode.sms <= hw.smCount, e.id);
    } else sms.push(e.sms);
  }
  for (const s of sms) assert.ok(isValidPartitionSize(hw, s), `${s} SMs`);
  // The fit needs both ceilings on the whole GPU and on each size it interpolates over.
  for (const kind of ['ceiling_gemm', 'ceiling_bandwidth'] as const) {
    const at = new Set(plan.experiments.filter((e) => e.kind === kind).map((e) => (e as { sms: number }).sms));
    for (const s of partitionSizes(hw)) assert.ok(at.has(s), `${kind} at ${s}`);
  }
});

test('each forward fits in 80 GB: weights plus the KV of its batch', () => {
  const plan = make();
  for (const e of plan.experiments) {
    if (e.kind !== 'forward') continue;
    const m = models[e.model];
    const b = toIterationBatch(e.batch);
    let tokens = b.decodeContextTokens;
    for (const p of b.prefills) tokens += p.newTokens + p.cachedTokens;
    assert.ok(tokens * kvBytesPerToken(m) < 25e9, `${e.id}: ${tokens} KV tokens`);
  }
});

test('every forward and concurrent family has both training and held-out points', () => {
  const plan = make();
  const forward: ForwardRecord[] = plan.experiments
    .filter((e) => e.kind === 'forward')
    .map((e) => ({ kind: 'forward', id: e.id, source: { file: 'p', line: 1 }, smCount: e.sms, model: e.model, batch: toIterationBatch(e.batch), smidsOk: true,
      raggedDecodes: false, medianUs: 1, p10Us: 1, p90Us: 1, reps: 1 }));
  const { train, heldOut } = splitRecords(forward);
  const families = new Set(forward.map(familyOf));
  assert.ok(families.size >= 2 * 7 * 3);
  for (const f of families) {
    assert.ok(train.some((r) => familyOf(r) === f), `${f} has no training point`);
    assert.ok(heldOut.some((r) => familyOf(r) === f), `${f} has no held-out point`);
  }
});

test('reference plan: pairs span 16 to 124 prefill SMs with the remainder on both sides, clock regimes, an unseen model', async () => {
  const { generateReferencePlan, referencePairSizes } = await import('../../calibrate/plan-reference.js');
  const { groupLayout } = await import('../../sim/hardware/partition.js');
  const { loadHardware } = await import('../../sim/config/load-hardware.js');
  const { loadModel } = await import('../../sim/config/load-model.js');
  const hw = loadHardware('h200');
  assert.deepEqual(groupLayout(hw), { fullGroups: 15, remainderSms: 12 });
  const pairs = referencePairSizes(hw);
  assert.equal(pairs[0][0], 16);
  assert.equal(pairs[pairs.length - 1][0], 124);
  for (const [p, d] of pairs) assert.equal(p + d, 132);
  // The 12-SM remainder sits on the prefill side in some pairs and on the decode side in others.
  assert.ok(pairs.some(([p]) => p % 8 === 4) && pairs.some(([, d]) => d % 8 === 4));
  const spec = (n: string) => ({ key: n, spec: loadModel(n) });
  const plan = generateReferencePlan({ models: [spec('qwen3-8b'), { ...spec('llama-3.1-8b'), unseen: true }], hardware: hw, repeats: 8, warmup: 1 });
  assert.deepEqual(plan.unseenModels, ['llama-3.1-8b']);
  const kinds = new Set(plan.experiments.map((e) => e.kind));
  for (const k of ['ceiling_gemm', 'ceiling_bandwidth', 'op', 'forward', 'concurrent', 'clock_regime']) assert.ok(kinds.has(k as never), k);
  // The unseen model is measured in forwards only: no operators, pairs or clock experiments fit could use.
  assert.ok(plan.experiments.every((e) => !('model' in e) || e.model !== 'llama-3.1-8b' || e.kind === 'forward'));
  // Deterministic: same inputs, same JSON.
  assert.equal(JSON.stringify(plan), JSON.stringify(generateReferencePlan({ models: [spec('qwen3-8b'), { ...spec('llama-3.1-8b'), unseen: true }], hardware: hw, repeats: 8, warmup: 1 })));
  // The plan parser accepts it, and refuses an unseen model it does not list.
  const { parsePlan } = await import('../../calibrate/parse-plan.js');
  parsePlan(JSON.stringify(plan), 'p.json');
  assert.throws(() => parsePlan(JSON.stringify({ ...plan, unseenModels: ['nope'] }), 'p.json'), /unseenModels\[0\]/);
});

test('the shipped reference plans are exactly what calibrate plan --profile reference|reference-validation writes', async () => {
  const { generateReferencePlan, generateRemainderValidationPlan, generateValidationPlan } = await import('../../calibrate/plan-reference.js');
  const { loadHardware } = await import('../../sim/config/load-hardware.js');
  const { loadModel } = await import('../../sim/config/load-model.js');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { packageRoot } = await import('../../sim/trace/bundled.js');
  const root = packageRoot();
  const hw = loadHardware('h200');
  const m = (n: string) => ({ key: n, spec: loadModel(n) });
  const reference = generateReferencePlan({ models: [m('qwen3-8b'), m('qwen3-14b'), { ...m('llama-3.1-8b'), unseen: true }], hardware: hw, repeats: 8, warmup: 1 });
  const validation = generateValidationPlan({ models: [m('qwen3-8b'), m('qwen3-14b'), m('llama-3.1-8b')], hardware: hw, repeats: 8, warmup: 1 });
  const read = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;
  assert.deepEqual(read('calibrate/plans/reference-hopper.json'), JSON.parse(JSON.stringify(reference)));
  // The plan the shipped reference data were measured from (before the forwards beside one decode group): the same
  // experiments less those, in the same order.
  const measured = generateReferencePlan({ models: [m('qwen3-8b'), m('qwen3-14b'), { ...m('llama-3.1-8b'), unseen: true }], hardware: hw, repeats: 8, warmup: 1, besideOneGroup: false });
  for (const p of ['calibrate/data/h200-2026-12-04-reference/plan.json', 'calibrate/data/h100-2026-12-06-reference-clocks/plan.json']) assert.deepEqual(read(p), JSON.parse(JSON.stringify(measured)), p);
  const added = reference.experiments.filter((e) => !measured.experiments.some((x) => x.id === e.id));
  assert.deepEqual(added.map((e) => (e.kind === 'forward' ? `${e.model}@${e.sms}` : e.kind)), Array(13).fill('qwen3-8b@124'));
  assert.deepEqual(reference.experiments.filter((e) => !added.includes(e)), measured.experiments);
  for (const p of ['calibrate/plans/reference-validation-hopper.json', 'calibrate/data/h200-2026-12-04-reference-validation/plan.json']) assert.deepEqual(read(p), JSON.parse(JSON.stringify(validation)), p);
  const remainder = generateRemainderValidationPlan({ models: [m('qwen3-8b'), m('qwen3-14b'), { ...m('llama-3.1-8b'), unseen: true }], hardware: hw, repeats: 8, warmup: 1 });
  for (const p of ['calibrate/plans/remainder-validation-hopper.json', 'calibrate/data/h200-2026-12-05-remainder-validation/plan.json']) assert.deepEqual(read(p), JSON.parse(JSON.stringify(remainder)), p);
  assert.deepEqual(read('calibrate/data/h200-2026-12-05-gemm-rows/plan.json'), read('calibrate/plans/gemm-rows-hopper.json'));
});

test('clock-sizes plan: each prefill size back to back and beside 4 decode steps on the whole GPU and 96 SMs, all models unseen; the shipped plan is what the profile writes', async () => {
  const { generateClockSizesPlan, CLOCK_SIZE_PREFILLS } = await import('../../calibrate/plan-reference.js');
  const { loadHardware } = await import('../../sim/config/load-hardware.js');
  const { loadModel } = await import('../../sim/config/load-model.js');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { packageRoot } = await import('../../sim/trace/bundled.js');
  const m = (n: string) => ({ key: n, spec: loadModel(n) });
  const plan = generateClockSizesPlan({ models: [m('qwen3-8b'), m('qwen3-14b'), m('llama-3.1-8b')], hardware: loadHardware('h200'), repeats: 8, warmup: 1 });
  for (const p of ['calibrate/plans/clock-sizes-hopper.json', 'calibrate/data/h100-2026-12-06-clock-sizes-validation/plan.json']) {
    assert.deepEqual(JSON.parse(readFileSync(join(packageRoot(), p), 'utf8')), JSON.parse(JSON.stringify(plan)), p);
  }
  assert.equal(plan.experiments.length, 3 * 2 * 4);
  assert.deepEqual(plan.unseenModels, ['qwen3-8b', 'qwen3-14b', 'llama-3.1-8b']);
  for (const e of plan.experiments) {
    assert.equal(e.kind, 'clock_regime');
    if (e.kind !== 'clock_regime') continue;
    assert.ok(e.sms === 132 || e.sms === 96, `${e.id}: ${e.sms} SMs`);
    assert.equal(e.interleave.k, 4);
    assert.ok(e.seconds >= 1, 'long enough for the power controller to settle');
  }
  const sizes = plan.experiments.flatMap((e) => (e.kind === 'clock_regime' && e.model === 'qwen3-8b' && e.sms === 132 ? (e.batch.prefills ?? []).map((p) => p.new) : []));
  assert.deepEqual(sizes, [...CLOCK_SIZE_PREFILLS]);
  // Sizes crossed with step counts: each size timed beside 1, 4 and 16 decode steps, ids unique, k in the id.
  const crossed = generateClockSizesPlan({ models: [m('qwen3-8b')], hardware: loadHardware('h200'), repeats: 8, warmup: 1, decodeSteps: [1, 4, 16] });
  assert.equal(crossed.experiments.length, 2 * 4 * 3);
  assert.equal(new Set(crossed.experiments.map((e) => e.id)).size, crossed.experiments.length);
  const ks = crossed.experiments.flatMap((e) => (e.kind === 'clock_regime' && e.sms === 132 && e.batch.prefills?.[0]?.new === 2048 ? [e.interleave.k] : []));
  assert.deepEqual(ks, [1, 4, 16]);
  for (const e of crossed.experiments) if (e.kind === 'clock_regime') assert.ok(e.id.endsWith(`x${e.interleave.k}`), e.id);
  // The committed step and partition plans are what the profile writes with those options.
  const steps = generateClockSizesPlan({ models: [m('qwen3-8b'), m('qwen3-14b'), m('llama-3.1-8b')], hardware: loadHardware('h200'), repeats: 8, warmup: 1, decodeSteps: [1, 4, 16] });
  for (const p of ['calibrate/plans/clock-steps-hopper.json', 'calibrate/data/h100-2026-12-06-clock-steps-validation/plan.json']) {
    assert.deepEqual(JSON.parse(readFileSync(join(packageRoot(), p), 'utf8')), JSON.parse(JSON.stringify(steps)), p);
  }
  const partitions = generateClockSizesPlan({ models: [m('qwen3-8b'), m('qwen3-14b')], hardware: loadHardware('h200'), repeats: 8, warmup: 1, decodeSteps: [1, 4, 16], prefillSizes: [2048], smCounts: [64, 80, 96, 104, 112, 116, 124, 132] });
  for (const p of ['calibrate/plans/clock-partitions-hopper.json', 'calibrate/data/h100-2026-12-06-clock-partitions-validation/plan.json']) {
    assert.deepEqual(JSON.parse(readFileSync(join(packageRoot(), p), 'utf8')), JSON.parse(JSON.stringify(partitions)), p);
  }
  assert.equal(partitions.experiments.length, 2 * 8 * 3);
});

test('remainder-validation plan: forwards on the partitions holding the remainder beside whole groups, ops there and on two groups; all models unseen', async () => {
  const { generateRemainderValidationPlan } = await import('../../calibrate/plan-reference.js');
  const { loadHardware } = await import('../../sim/config/load-hardware.js');
  const { loadModel } = await import('../../sim/config/load-model.js');
  const plan = generateRemainderValidationPlan({ models: [{ key: 'qwen3-8b', spec: loadModel('qwen3-8b') }], hardware: loadHardware('h200'), repeats: 2, warmup: 0 });
  const sms = (kind: string) => [...new Set(plan.experiments.flatMap((e) => (e.kind === kind && 'sms' in e ? [e.sms] : [])))];
  assert.deepEqual(sms('forward'), [20, 28, 36, 116, 124]);
  assert.deepEqual(sms('op'), [16, 20, 28, 36]);
  assert.ok(plan.experiments.every((e) => e.kind !== 'op' || e.op !== 'gemm'), 'the GEMMs are the gemm-rows plan\'s');
  assert.deepEqual(plan.unseenModels, ['qwen3-8b']);
});

test('remainder-ops plan: decode attention, elementwise ops and the copy ceiling on the remainder partitions and the whole groups up to 40 SMs; no GEMMs, no forwards; the shipped plan is what the profile writes', () => {
  const m = (n: string) => ({ key: n, spec: loadModel(n) });
  const plan = generateRemainderOpsPlan({ models: [m('qwen3-8b'), m('qwen3-14b')], hardware: loadHardware('h200'), repeats: 8, warmup: 1 });
  const smsOf = (pred: (e: (typeof plan.experiments)[number]) => boolean) => [...new Set(plan.experiments.filter(pred).map((e) => ('sms' in e ? e.sms : -1)))].sort((a, b) => a - b);
  // 20/28/36 hold the 12-SM remainder beside 1–3 groups; the remainder alone (12) is no partition with a kernel table.
  const ladder = [8, 16, 20, 24, 28, 32, 36, 40];
  assert.deepEqual(smsOf((e) => e.kind === 'ceiling_bandwidth'), ladder);
  assert.deepEqual(smsOf((e) => e.kind === 'op' && e.op === 'attn_decode'), ladder);
  assert.deepEqual(smsOf((e) => e.kind === 'op' && e.op === 'elementwise'), ladder);
  assert.ok(plan.experiments.every((e) => e.kind === 'ceiling_bandwidth' || (e.kind === 'op' && (e.op === 'attn_decode' || e.op === 'elementwise'))));
  // The decode attention shapes of the remainder-validation plan, so its ops can be set beside these.
  const ids = new Set(plan.experiments.map((e) => e.id));
  for (const id of ['ad-32q8kv-256x4096-s20', 'ad-40q8kv-64x512-s36', 'ad-32q8kv-1x512-s8']) assert.ok(ids.has(id), id);
  const shipped = JSON.parse(readFileSync(join(packageRoot(), 'calibrate/plans/remainder-ops-hopper.json'), 'utf8')) as unknown;
  assert.deepEqual(shipped, JSON.parse(JSON.stringify(plan)));
});

test('kernel-quality plan: decode attention and the copy ceiling on every partition, the rest on a ladder, no GEMMs; the shipped plan is what the profile writes', async () => {
  const { generateKernelQualityPlan, kernelQualityLadder } = await import('../../calibrate/plan-kernel-quality.js');
  const { loadHardware } = await import('../../sim/config/load-hardware.js');
  const { loadModel } = await import('../../sim/config/load-model.js');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { packageRoot } = await import('../../sim/trace/bundled.js');
  const hw = loadHardware('h200');
  const m = (n: string) => ({ key: n, spec: loadModel(n) });
  const plan = generateKernelQualityPlan({ models: [m('qwen3-8b'), m('qwen3-14b')], hardware: hw, repeats: 10, warmup: 2 });
  const every = partitionSizes(hw);
  const smsOf = (pred: (e: (typeof plan.experiments)[number]) => boolean) => [...new Set(plan.experiments.filter(pred).map((e) => ("sms" in e ? e.sms : -1)))].sort((a, b) => a - b);
  assert.deepEqual(smsOf((e) => e.kind === 'ceiling_bandwidth'), every);
  assert.deepEqual(smsOf((e) => e.kind === 'op' && e.op === 'attn_decode'), every);
  assert.deepEqual(smsOf((e) => e.kind === 'op' && e.op === 'elementwise'), kernelQualityLadder(hw));
  assert.deepEqual(kernelQualityLadder(hw), [8, 16, 24, 32, 48, 64, 96, 132]);
  assert.ok(plan.experiments.every((e) => e.kind !== 'op' || e.op !== 'gemm'));
  assert.equal(new Set(plan.experiments.map((e) => e.id)).size, plan.experiments.length);
  const read = (p: string) => JSON.parse(readDataText(join(packageRoot(), p), p)) as unknown;
  for (const p of ['calibrate/plans/kernel-quality-hopper.json', 'calibrate/data/h200-2026-12-04-kernel-quality/round4/plan.json.gz']) assert.deepEqual(read(p), JSON.parse(JSON.stringify(plan)), p);
});

test('waves plan: every partition from 12 groups to the whole GPU, the ceiling GEMM, the linear layers at 512 and 2,048 tokens and the forwards with a prefill; the shipped plan is what the profile writes', () => {
  const hw = loadHardware('h200');
  const opts = { models: [{ key: 'qwen3-8b', spec: loadModel('qwen3-8b') }], hardware: hw, repeats: 8, warmup: 1 };
  const plan = generateWavesPlan(opts);
  // 15 groups of 8 and a remainder of 12: 96-120 in whole groups, 100-124 holding the remainder, and the GPU.
  const smsOf = (e: (typeof plan.experiments)[number]): number => (e.kind === 'concurrent' ? -1 : e.sms);
  const sms = [...new Set(plan.experiments.map(smsOf))].sort((a, b) => a - b);
  assert.deepEqual(sms, [96, 100, 104, 108, 112, 116, 120, 124, 132]);
  for (const s of sms) {
    const at = plan.experiments.filter((e) => smsOf(e) === s);
    assert.equal(at.filter((e) => e.kind === 'ceiling_gemm').length, 1, `${s}`);
    const gemms = at.filter((e) => e.kind === 'op');
    // Qwen3-8B's QKV, output, gate-up and down projections, each at 512 and 2,048 tokens; no LM head.
    assert.deepEqual(gemms.map((e) => (e.kind === 'op' && e.op === 'gemm' ? `${e.n}:${e.d_in}x${e.d_out}` : '?')).sort(), ['2048:12288x4096', '2048:4096x24576', '2048:4096x4096', '2048:4096x6144', '512:12288x4096', '512:4096x24576', '512:4096x4096', '512:4096x6144']);
    const forwards = at.filter((e) => e.kind === 'forward');
    assert.equal(forwards.length, 8, `${s}: the reference plan's forward batches with a prefill`);
    assert.ok(forwards.every((e) => e.kind === 'forward' && (e.batch.prefills ?? []).length > 0));
  }
  assert.deepEqual(plan.unseenModels, ['qwen3-8b'], 'never fitted');
  // An experiment the reference plan has too (same id) is the same experiment, so the two folders compare point by point.
  const reference = new Map(generateReferencePlan({ ...opts, models: [...opts.models, { key: 'qwen3-14b', spec: loadModel('qwen3-14b') }] }).experiments.map((e) => [e.id, e]));
  const shared = plan.experiments.filter((e) => reference.has(e.id));
  assert.ok(shared.length >= 40, `${shared.length} shared`);
  for (const e of shared) assert.deepEqual(e, reference.get(e.id), e.id);
  assert.deepEqual(JSON.parse(readFileSync(join(packageRoot(), 'calibrate/plans/waves-hopper.json'), 'utf8')), JSON.parse(JSON.stringify(plan)));
});

test('pair-partners plan: at every reference split both prefill partners beside one decode batch (the others at the ends); the shipped plan is what the profile writes', () => {
  const hw = loadHardware('h200');
  const m = (n: string) => ({ key: n, spec: loadModel(n) });
  const plan = generatePairPartnersPlan({ models: [m('qwen3-8b'), m('qwen3-14b')], hardware: hw, repeats: 8, warmup: 1 });
  assert.deepEqual(JSON.parse(readFileSync(join(packageRoot(), 'calibrate/plans/pair-partners-hopper.json'), 'utf8')), JSON.parse(JSON.stringify(plan)));
  const pairs = plan.experiments.flatMap((e) => (e.kind === 'concurrent' ? [e] : []));
  assert.equal(pairs.length, plan.experiments.length, 'pairs only');
  assert.equal(new Set(plan.experiments.map((e) => e.id)).size, plan.experiments.length);
  const label = (b: { prefills?: readonly { new: number; cached: number }[] }) => (b.prefills ?? []).map((c) => `${c.new}+${c.cached}`).join(',');
  // The partners are exactly the validation plan's two prefills, so a fit on this run is judged on kinds it has seen.
  const validationPrefills = new Set(generateValidationPlan({ models: [m('qwen3-8b')], hardware: hw, repeats: 1, warmup: 0 }).experiments.flatMap((e) => (e.kind === 'concurrent' ? [label(e.prefill.batch)] : [])));
  assert.deepEqual([...new Set(pairs.map((e) => label(e.prefill.batch)))].sort(), [...validationPrefills].sort());
  for (const [model, splits] of [
    ['qwen3-8b', referencePairSizes(hw)],
    ['qwen3-14b', referencePairSizes(hw).filter(([p]) => p <= 4 * 8 || p >= 132 - 3 * 8)],
  ] as const) {
    for (const [ps, ds] of splits) {
      const here = pairs.filter((e) => e.model === model && e.prefill.sms === ps && e.decode.sms === ds);
      assert.deepEqual(here.map((e) => label(e.prefill.batch)).sort(), ['2048+2048', '4096+0'], `${model} ${ps}+${ds}`);
      assert.equal(new Set(here.map((e) => JSON.stringify(e.decode.batch))).size, 1, `${model} ${ps}+${ds}: one decode batch beside both`);
      assert.equal(ps + ds, hw.smCount);
    }
    assert.equal(pairs.filter((e) => e.model === model).length, 2 * splits.length, model);
  }
  // The first model's decode batches alternate, so both are seen beside both partners.
  assert.equal(new Set(pairs.filter((e) => e.model === 'qwen3-8b').map((e) => JSON.stringify(e.decode.batch))).size, 2);
});
