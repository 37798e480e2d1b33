import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePlan } from '../../calibrate/plan.js';
import { validateCalibration, withoutGemmShapesOf } from '../../calibrate/validate.js';
import { loadModel } from '../../sim/config/load-model.js';
import { root } from '../util/shipped-data.js';
import { fitCalibration } from '../../calibrate/fit.js';
import { qwenModels, synthesizeSet, testHardware, TRUE_PERF } from '../util/calibration-fixtures.js';

const models = qwenModels();
const plan = generatePlan({ models: Object.entries(models).map(([key, spec]) => ({ key, spec })), hardware: testHardware(), repeats: 10, warmup: 2 });

test('with the true coefficients every held-out point is predicted exactly and both targets pass', () => {
  const data = synthesizeSet(plan, models, testHardware(), 0, 'v');
  const r = validateCalibration(models, testHardware(), data);
  assert.ok(r.points.length > 0);
  for (const p of r.points) assert.ok(p.ape < 1e-9, `${p.id} ${p.kind}: ${p.ape}`);
  assert.deepEqual(r.summary.pass, { forward: true, concurrent_decode: true, forward_every_sm_count: true, concurrent_prefill: true, clock: null });
  // Families, models, SM counts and batch kinds are all broken out.
  assert.deepEqual(Object.keys(r.summary.forward.by_batch_kind), ['decode', 'mixed', 'prefill']);
  assert.deepEqual(Object.keys(r.summary.forward.by_model), ['qwen3-8b', 'qwen3-14b']);
  assert.deepEqual(Object.keys(r.summary.forward.by_sm_count), ['32', '36', '64', '68', '96', '100', '132']);
});

test('validation reports only points the fit did not train on', () => {
  const data = synthesizeSet(plan, models, testHardware(), 0.02, 'v2');
  const fit = fitCalibration({ hardware: testHardware(), models, data });
  const r = validateCalibration(models, { ...testHardware(), perf: fit.perf }, data);
  const trained = new Set([...fit.forward.train, ...fit.concurrent.train].map((x) => x.id));
  for (const p of r.points) assert.ok(!trained.has(p.id), p.id);
  assert.equal(r.summary.forward.overall.count, fit.forward.heldOut.length);
  assert.equal(r.summary.concurrent_decode.overall.count, fit.concurrent.heldOut.length);
});

test('a model that ignores contention fails the concurrent decode target', () => {
  const data = synthesizeSet(plan, models, testHardware(), 0, 'v3');
  const blind = testHardware({ ...TRUE_PERF, contention: { memory: 0, compute: 0 } });
  const r = validateCalibration(models, blind, data);
  assert.equal(r.summary.pass.forward, true);
  assert.equal(r.summary.pass.concurrent_decode, false);
  assert.ok(r.summary.concurrent_decode.overall.mape > 0.1);
});

test('a pair whose side left its partition is excluded and listed', () => {
  const data = synthesizeSet(plan, models, testHardware(), 0, 'v4');
  const leaked = data.records.find((x) => x.kind === 'concurrent');
  assert.ok(leaked && leaked.kind === 'concurrent');
  const records = data.records.map((x) => (x === leaked ? { ...leaked, decodeSmidsOk: false } : x));
  const r = validateCalibration(models, testHardware(), { ...data, records });
  assert.deepEqual(r.summary.concurrent_excluded, [leaked.id]);
  assert.ok(r.points.every((p) => p.id !== leaked.id));
});

test('forwards that carry their SM clock are broken out by 100 MHz band, with the mean signed error; none without', async () => {
  const { formatValidation } = await import('../../calibrate/format-text.js');
  const data = synthesizeSet(plan, models, testHardware(), 0, 'v5');
  assert.equal(validateCalibration(models, testHardware(), data).summary.forward.by_clock, undefined);
  // Half the forwards ran capped at 1,545 MHz and took 10% longer than the model (fitted at 1,980) prices them.
  let i = 0;
  const records = data.records.map((x) => {
    if (x.kind !== 'forward') return x;
    const capped = i++ % 2 === 0;
    return { ...x, medianUs: capped ? x.medianUs * 1.1 : x.medianUs, clock: { smClockMhz: capped ? 1545 : 1980, powerW: 690 } };
  });
  const r = validateCalibration(models, testHardware(), { ...data, records });
  const bands = r.summary.forward.by_clock;
  assert.ok(bands);
  assert.deepEqual(Object.keys(bands), ['1500-1599 MHz', '1900-1999 MHz']);
  assert.equal(bands['1500-1599 MHz'].count + bands['1900-1999 MHz'].count, r.summary.forward.overall.count);
  // Priced fast where capped (1 / 1.1 - 1), exactly where not.
  assert.ok(Math.abs(bands['1500-1599 MHz'].mean_signed_error - (1 / 1.1 - 1)) < 1e-9, String(bands['1500-1599 MHz'].mean_signed_error));
  assert.ok(Math.abs(bands['1900-1999 MHz'].mean_signed_error) < 1e-9);
  for (const p of r.points) if (p.kind === 'forward') assert.ok(p.sm_clock_mhz === 1545 || p.sm_clock_mhz === 1980, p.id);
  const text = formatValidation(r);
  assert.match(text, /forward by SM clock\s+n\s+MAPE\s+p90\s+worst\s+signed/);
  assert.match(text, /1500-1599 MHz .* -9\.1%/);
});

test('under a power model each clock point carries the clock its window was priced at beside NVML\'s, summarised per regime', async () => {
  const { generateReferencePlan } = await import('../../calibrate/plan-reference.js');
  const { formatValidation } = await import('../../calibrate/format-text.js');
  const hw = testHardware();
  const ref = generateReferencePlan({ models: Object.entries(models).map(([key, spec]) => ({ key, spec })), hardware: hw, repeats: 10, warmup: 2 });
  const data = synthesizeSet(ref, models, hw, 0, 'v6');
  const power = { maxClockMhz: 1980, allComputeBoundMhz: 1500, fixedPowerShare: 0.3, memoryBoundPowerRatio: 0.5, referenceComputeShare: 0.8, servingDecodeSteps: 4 };
  const withPower = { ...hw, perf: { ...hw.perf, clockRegime: { backToBackComputeScale: 1.05, servingComputeScale: 0.95, power } } };
  // The clock stage fits every clock record of the models it may see: an unseen model's are what validate judges.
  const unseen = [Object.keys(models)[0]];
  const r = validateCalibration(models, withPower, data, unseen);
  const clockPoints = r.points.filter((p) => p.kind === 'clock_back_to_back' || p.kind === 'clock_serving');
  assert.ok(clockPoints.length > 0, "the unseen model's clock records are held out");
  for (const p of clockPoints) {
    assert.ok(p.clock_mhz, p.id);
    // The fixture's NVML readings: 1,620 MHz back to back, 1,780 serving.
    assert.equal(p.clock_mhz.measured, p.kind === 'clock_back_to_back' ? 1620 : 1780);
    assert.ok(p.clock_mhz.predicted > 0 && p.clock_mhz.predicted <= 1980);
  }
  const c = r.summary.clock_prediction;
  assert.ok(c?.back_to_back && c.serving);
  assert.equal(c.back_to_back.count + c.serving.count, clockPoints.length);
  assert.match(formatValidation(r), /modelled SM clock against NVML's: back to back MAPE [\d.]+%.*serving MAPE/);
  // Without a power model: no clocks priced, no summary.
  const plain = { ...hw, perf: { ...hw.perf, clockRegime: { backToBackComputeScale: 1.05, servingComputeScale: 0.95 } } };
  const r0 = validateCalibration(models, plain, data, unseen);
  assert.equal(r0.summary.clock_prediction, undefined);
  assert.ok(r0.points.every((p) => p.clock_mhz === undefined));
});

test('every group carries its mean signed error (+: priced slow), in the JSON and as a column of the text; a report without it prints –', async () => {
  const { formatValidation } = await import('../../calibrate/format-text.js');
  const data = synthesizeSet(plan, models, testHardware(), 0, 'v6');
  // Forwards on the largest partition measured 25% slower than the true model prices them (priced 20% fast:
  // 1 / 1.25 − 1), pairs 10% faster on their decode lane (priced 1 / 0.9 − 1 = +11.1% slow); the rest exact.
  const big = Math.max(...data.records.flatMap((x) => (x.kind === 'forward' ? [x.smCount] : [])));
  const records = data.records.map((x) =>
    x.kind === 'forward' && x.smCount === big ? { ...x, medianUs: x.medianUs * 1.25 } : x.kind === 'concurrent' ? { ...x, decodeConcurrentUs: x.decodeConcurrentUs * 0.9 } : x,
  );
  const r = validateCalibration(models, testHardware(), { ...data, records });
  const f = r.summary.forward;
  const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;
  assert.ok(near(f.by_sm_count[String(big)].mean_signed_error, -0.2), String(f.by_sm_count[String(big)].mean_signed_error));
  for (const [sm, g] of Object.entries(f.by_sm_count)) if (sm !== String(big)) assert.ok(near(g.mean_signed_error, 0), sm);
  // The overall mean is the points' mean: −20% on the big partition's share of the points.
  const share = f.by_sm_count[String(big)].count / f.overall.count;
  assert.ok(near(f.overall.mean_signed_error, -0.2 * share), String(f.overall.mean_signed_error));
  assert.ok(near(r.summary.concurrent_decode.overall.mean_signed_error, 1 / 0.9 - 1));
  assert.ok(near(r.summary.regimes.decode_lane_beside_prefill!.overall.mean_signed_error, 1 / 0.9 - 1));
  for (const g of Object.values(r.summary.regimes.decode_lane_beside_prefill!.by_sm_count)) assert.ok(near(g.mean_signed_error, 1 / 0.9 - 1));
  const text = formatValidation(r);
  assert.match(text, new RegExp(`forward by SM count\\s+n\\s+MAPE\\s+p90\\s+worst\\s+signed\\n(.*\\n)*  ${big}\\s+\\d+\\s+20\\.0%\\s+20\\.0%\\s+20\\.0%\\s+-20\\.0%`));
  assert.match(text, /decode_lane_beside_prefill\s+\d+\s+11\.1%\s+11\.1%\s+11\.1%\s+\+11\.1%\s+\d+ \(11\.1%, \+11\.1%\)/);
  // A report from before every group carried the sign (JSON read back from disk) still prints, with – for the sign.
  const strip = (g: object): object => JSON.parse(JSON.stringify(g, (k, v: unknown) => (k === 'mean_signed_error' ? undefined : v))) as object;
  const old = strip(r) as typeof r;
  assert.match(formatValidation(old), /forward overall\s+n\s+MAPE\s+p90\s+worst\s+signed\n  all\s+\d+\s+[\d.]+%\s+[\d.]+%\s+[\d.]+%\s+–/);
});

test('judged blind to a model: its GEMM shapes no other model shares leave the kernel table, and the report says which', () => {
  const three = { ...models, 'llama-3.1-8b': loadModel('llama-3.1-8b', { cwd: root }) };
  const shape = (dIn: number, dOut: number) => ({ dIn, dOut, clusteredRows: [] as number[] });
  // Qwen3-8B's four projections and Llama-3.1-8B's two MLP ones; Llama shares Qwen3-8B's 4096 x 6144 and 4096 x 4096.
  const table = { source: 't', remainderMaxCtas: 2, rows: [1], shapes: [shape(4096, 6144), shape(4096, 4096), shape(4096, 24576), shape(12288, 4096), shape(4096, 28672), shape(14336, 4096)] };
  const hw = { ...testHardware(), perf: { ...testHardware().perf, gemmKernels: table } };
  const { hw: blind, dropped } = withoutGemmShapesOf(hw, three, ['llama-3.1-8b']);
  assert.deepEqual(dropped, ['4096x28672', '14336x4096']);
  assert.deepEqual(blind.perf.gemmKernels?.shapes.map((s) => `${s.dIn}x${s.dOut}`), ['4096x6144', '4096x4096', '4096x24576', '12288x4096']);
  assert.equal(hw.perf.gemmKernels?.shapes.length, 6, 'the spec given is not changed');
  // Blind to Qwen3-8B: its two shapes Llama does not share go, the shared two stay (Llama was measured on them).
  assert.deepEqual(withoutGemmShapesOf(hw, three, ['qwen3-8b']).dropped, ['4096x24576', '12288x4096']);
  // No table: nothing to take out; an unknown model is an error, not a silent no-op.
  assert.deepEqual(withoutGemmShapesOf(testHardware(), three, ['llama-3.1-8b']).dropped, []);
  assert.throws(() => withoutGemmShapesOf(hw, three, ['llama']), /no model 'llama'/);
  const data = synthesizeSet(plan, models, testHardware(), 0, 'blind');
  const r = validateCalibration(three, hw, data, [], { blindGemmShapesOf: ['llama-3.1-8b'] });
  assert.deepEqual(r.summary.blind_gemm_shapes, { models: ['llama-3.1-8b'], dropped: ['4096x28672', '14336x4096'] });
  assert.equal(validateCalibration(three, hw, data).summary.blind_gemm_shapes, undefined);
});

test("a pair's lanes are broken out by the partner's batch, and a bias beside one kind of partner shows in its group", async () => {
  const { batchLabel } = await import('../../calibrate/validate.js');
  const { formatValidation } = await import('../../calibrate/format-text.js');
  // Golden labels: prefill chunks as new+cached, decodes as count x mean context (the batch holds the contexts' sum).
  assert.equal(batchLabel({ prefills: [{ newTokens: 2048, cachedTokens: 2048 }], decodeCount: 0, decodeContextTokens: 0 }), '2048+2048');
  assert.equal(batchLabel({ prefills: [], decodeCount: 64, decodeContextTokens: 64 * 2048 }), '64x2048');
  assert.equal(batchLabel({ prefills: [{ newTokens: 1024, cachedTokens: 0 }], decodeCount: 16, decodeContextTokens: 16 * 1024 }), '1024+0,16x1024');
  assert.equal(batchLabel({ prefills: [], decodeCount: 0, decodeContextTokens: 0 }), 'empty');

  const data = synthesizeSet(plan, models, testHardware(), 0, 'v-partner');
  const exact = validateCalibration(models, testHardware(), data);
  assert.equal(exact.summary.forward.by_partner_batch, undefined, 'forwards alone have no partner');
  const decodeGroups = exact.summary.concurrent_decode.by_partner_batch;
  assert.ok(decodeGroups && Object.keys(decodeGroups).length >= 2, 'the standard plan pairs decodes with more than one prefill');
  const total = Object.values(decodeGroups).reduce((n, g) => n + g.count, 0);
  assert.equal(total, exact.summary.concurrent_decode.overall.count);
  for (const g of Object.values(decodeGroups)) assert.ok(Math.abs(g.mean_signed_error) < 1e-9);
  // Every decode lane beside one prefill kind measured 10% faster than the model prices it: that group reads +10%, the others 0.
  const [biased] = Object.keys(decodeGroups);
  const records = data.records.map((r) => (r.kind === 'concurrent' && batchLabel(r.prefillBatch) === biased ? { ...r, decodeConcurrentUs: r.decodeConcurrentUs / 1.1 } : r));
  const r = validateCalibration(models, testHardware(), { ...data, records });
  const groups = r.summary.concurrent_decode.by_partner_batch as Record<string, { mean_signed_error: number }>;
  for (const [label, g] of Object.entries(groups)) assert.ok(Math.abs(g.mean_signed_error - (label === biased ? 0.1 : 0)) < 1e-9, `${label}: ${g.mean_signed_error}`);
  assert.match(formatValidation(r), new RegExp(`concurrent decode by partner batch[\\s\\S]*\\n  ${biased.replace(/[+]/g, '\\+')}\\s+\\d+\\s+[\\d.]+%\\s+[\\d.]+%\\s+[\\d.]+%\\s+\\+10\\.0%`));
});
