import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OP_CLASSES, type OpClass } from '../../sim/hardware/hardware-spec.js';
import { curveAt } from '../../sim/latency/curve.js';
import { fitCalibration, recordedFitChoices, rescaleBandwidth, rescaleCompute, unsettledClockForwards } from '../../calibrate/fit.js';
import type { ClockRegimeRecord, ForwardRecord, OpRecord } from '../../calibrate/measurement.js';
import { gemmAloneUs, predictIteration } from '../../sim/latency/roofline.js';
import { generatePlan } from '../../calibrate/plan.js';
import { qwenModels, synthesizeSet, testHardware, TRUE_PERF } from '../util/calibration-fixtures.js';

const models = qwenModels();
const hw = testHardware();
const plan = generatePlan({ models: Object.entries(models).map(([key, spec]) => ({ key, spec })), hardware: hw, repeats: 10, warmup: 2 });

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / b;
}

test('fit recovers the coefficients of noise-free roofline measurements', () => {
  const data = synthesizeSet(plan, models, hw, 0, 'exact');
  const { perf, residuals } = fitCalibration({ hardware: testHardware(), models, data });
  for (const s of [8, 16, 36, 64, 100, 132]) {
    assert.ok(relDiff(curveAt(perf.computeFlopsPerS, s), curveAt(TRUE_PERF.computeFlopsPerS, s)) < 1e-3, `Π(${s})`);
    assert.ok(relDiff(curveAt(perf.bandwidthBytesPerS, s), curveAt(TRUE_PERF.bandwidthBytesPerS, s)) < 1e-3, `W(${s})`);
  }
  assert.ok(relDiff(perf.efficiency.gemm.compute, 0.82) < 0.01, `gemm compute ${perf.efficiency.gemm.compute}`);
  assert.ok(relDiff(perf.efficiency.gemm.memory, 0.88) < 0.01, `gemm memory ${perf.efficiency.gemm.memory}`);
  assert.ok(relDiff(perf.efficiency.attn_prefill.compute, 0.55) < 0.01, `prefill compute ${perf.efficiency.attn_prefill.compute}`);
  assert.ok(relDiff(perf.efficiency.attn_decode.memory, 0.72) < 0.01, `decode memory ${perf.efficiency.attn_decode.memory}`);
  assert.ok(relDiff(perf.efficiency.elementwise.memory, 0.65) < 0.01, `elementwise memory ${perf.efficiency.elementwise.memory}`);
  assert.ok(relDiff(perf.efficiency.lm_head.memory, 0.9) < 0.01, `lm_head memory ${perf.efficiency.lm_head.memory}`);
  assert.ok(relDiff(perf.kernelFloorUs, 3.5) < 0.02, `floor ${perf.kernelFloorUs}`);
  assert.ok(relDiff(perf.contention.memory, 0.6) < 0.02, `γ_memory ${perf.contention.memory}`);
  assert.ok(relDiff(perf.contention.compute, 0.15) < 0.05, `γ_compute ${perf.contention.compute}`);
  assert.ok(residuals.ops.worstApe < 0.005, `op residual ${residuals.ops.worstApe}`);
  assert.ok(residuals.forwardTrain.worstApe < 0.005, `forward residual ${residuals.forwardTrain.worstApe}`);
});

test('fit recovers the coefficients through 3% log-normal measurement noise', () => {
  const data = synthesizeSet(plan, models, hw, 0.03, 'noisy-1');
  const { perf, residuals } = fitCalibration({ hardware: testHardware(), models, data });
  for (const c of ['gemm', 'attn_prefill'] as const) assert.ok(relDiff(perf.efficiency[c].compute, TRUE_PERF.efficiency[c].compute) < 0.05, `${c} compute ${perf.efficiency[c].compute}`);
  for (const c of ['gemm', 'attn_decode', 'elementwise', 'lm_head'] as const) {
    assert.ok(relDiff(perf.efficiency[c].memory, TRUE_PERF.efficiency[c].memory) < 0.05, `${c} memory ${perf.efficiency[c].memory}`);
  }
  assert.ok(Math.abs(perf.contention.memory - 0.6) < 0.1, `γ_memory ${perf.contention.memory}`);
  // σ = 3% noise on each op and on the ceiling its Π(S), W(S) come from: mean absolute error about
  // σ·√2·√(2/π) ≈ 3.4%. The fit should sit at the noise, not above it.
  assert.ok(residuals.ops.mape < 0.04, `op MAPE ${residuals.ops.mape}`);
  assert.ok(residuals.forwardTrain.mape < 0.04, `forward MAPE ${residuals.forwardTrain.mape}`);
});

test('fit is deterministic: same data, identical coefficients', () => {
  const data = synthesizeSet(plan, models, hw, 0.02, 'det');
  const a = fitCalibration({ hardware: testHardware(), models, data });
  const b = fitCalibration({ hardware: testHardware(), models, data });
  assert.deepEqual(a.perf, b.perf);
  for (const c of OP_CLASSES) assert.ok(Number.isFinite(a.perf.efficiency[c].compute) && Number.isFinite(a.perf.efficiency[c].memory));
});

test('fit never sees held-out forward points', () => {
  const data = synthesizeSet(plan, models, hw, 0, 'split');
  const { forward } = fitCalibration({ hardware: testHardware(), models, data });
  const train = new Set(forward.train.map((r) => r.id));
  for (const r of forward.heldOut) assert.ok(!train.has(r.id));
  assert.ok(forward.heldOut.length > 0.3 * (forward.train.length + forward.heldOut.length));
});

test('without forwards or pairs the fit still runs: operators only, no contention', () => {
  const data = synthesizeSet(plan, models, hw, 0, 'ops-only');
  const opsOnly = { ...data, records: data.records.filter((r) => r.kind !== 'forward' && r.kind !== 'concurrent') };
  const { perf, residuals, forwardWeight } = fitCalibration({ hardware: testHardware(), models, data: opsOnly });
  assert.deepEqual(perf.contention, { memory: 0, compute: 0 });
  assert.equal(residuals.forwardTrain.count, 0);
  assert.equal(forwardWeight, 1);
  assert.ok(relDiff(perf.efficiency.gemm.compute, 0.82) < 0.01);
});

test('a data set without the whole-GPU ceiling is refused, naming the missing point', () => {
  const data = synthesizeSet(plan, models, hw, 0, 'no-whole');
  const cut = { ...data, records: data.records.filter((r) => !(r.kind === 'ceiling_bandwidth' && r.smCount === 132)) };
  assert.throws(() => fitCalibration({ hardware: testHardware(), models, data: cut }), /no ceiling_bandwidth record on the whole GPU \(132 SMs\)/);
});

test('stage 3b: the median lets one odd forward stop moving Π(S) for its partition; the geometric mean does not', () => {
  // Three forwards on 64 SMs measured at 1, 1 and 1.5 × their prediction (a shape cuBLAS serves with an odd kernel).
  const records = [1, 1, 1.5].map((ratio, i) => ({ id: `f${i}`, smCount: 64, medianUs: 100 * ratio }) as unknown as ForwardRecord);
  const curve = [
    { smCount: 32, value: 1e14 },
    { smCount: 64, value: 2e14 },
  ];
  const median = rescaleCompute(curve, records, () => 100, 'median');
  assert.deepEqual(median, curve);
  const mean = rescaleCompute(curve, records, () => 100, 'mean');
  assert.ok(Math.abs(mean[1].value - 2e14 / Math.cbrt(1.5)) < 1e11, `${mean[1].value}`);
});

test('stage 3c: W(S) rescaled by 1 over the typical measured/predicted, never falling as SMs are added', () => {
  const w = [
    { smCount: 32, value: 2e12 },
    { smCount: 48, value: 2.6e12 },
    { smCount: 64, value: 3e12 },
    { smCount: 96, value: 3.1e12 },
  ];
  // 32 SMs streamed 10% slower than predicted; 64 SMs 25% faster, 96 SMs 10% slower: 3e12·1.25 > 3.1e12·0.9, so
  // 64 and 96 pool to one bandwidth. 48 SMs, not measured, takes the factor interpolated between 32 and 64.
  const at = (sm: number, ratio: number) => ({ id: `d${sm}`, smCount: sm, medianUs: 100 * ratio }) as unknown as ForwardRecord;
  const scale = rescaleBandwidth(w, [at(32, 1.1), at(64, 0.8), at(96, 1.1)], () => 100, 'median');
  assert.deepEqual(
    scale.map((p) => p.smCount),
    [32, 48, 64, 96],
  );
  assert.ok(Math.abs(scale[0].value - 1 / 1.1) < 1e-3, `32: ${scale[0].value}`);
  assert.ok(Math.abs(scale[1].value - (1 / 1.1 + 1.25) / 2) < 1e-3, `48: ${scale[1].value}`);
  const pooled = (3e12 / 0.8 + 3.1e12 / 1.1) / 2;
  assert.ok(Math.abs(scale[2].value * 3e12 - pooled) / pooled < 1e-3, `64: ${scale[2].value}`);
  assert.ok(Math.abs(scale[3].value * 3.1e12 - pooled) / pooled < 1e-3, `96: ${scale[3].value}`);
  assert.deepEqual(rescaleBandwidth(w, [], () => 100, 'mean'), []);
});

test('a physics fit refitted with the choices its section records is that fit, bit for bit', () => {
  // What test/calibrate/shipped-data/ relies on to check a shipped YAML with one fit instead of the dozen the
  // candidate search costs (npm run verify:fits runs the search). The search makes exactly these calls
  // (fitCalibration with numeric tiles and waves), so a choice read back from the perf it produced refits it.
  const one = { 'qwen3-8b': models['qwen3-8b'] };
  const small = generatePlan({ models: [{ key: 'qwen3-8b', spec: one['qwen3-8b'] }], hardware: hw, repeats: 3, warmup: 1 });
  const data = synthesizeSet(small, one, hw, 0.03, 'noisy-choices');
  const choice = { gemmRowTile: 64, gemmSmallRowTile: 0, gemmWave: [0.5, 256], attnWave: [1, 128], classTails: [], gemmTilesFromRows: 0, gemmTimes: false } as const;
  const fitted = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', ...choice });
  // A clock-blind fit records that it was (clockAware: false): the synthetic forwards carry no clocks.
  assert.deepEqual(recordedFitChoices(fitted.perf), { ...choice, clockAware: false });
  const refit = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', ...recordedFitChoices(fitted.perf) });
  assert.deepEqual(refit.perf, fitted.perf);
  assert.deepEqual(refit.residuals, fitted.residuals);
  // A section without the terms (no tile, no waves) reads back as "none", which the fit takes as the search's zero candidates.
  const { gemmRowTile: _a, gemmWaveBlend: _b, gemmColTile: _c, attnWaveBlend: _d, attnRowTile: _e, ...bare } = fitted.perf;
  assert.deepEqual(recordedFitChoices(bare), { clockAware: false, gemmRowTile: 0, gemmSmallRowTile: 0, gemmWave: [0, 0], attnWave: [0, 0], classTails: [], gemmTilesFromRows: 0, gemmTimes: false });
});

test('per-class kernel tails: fitted for the classes chosen, recorded as tailUs, and refitted bit for bit from what they record', () => {
  const one = { 'qwen3-8b': models['qwen3-8b'] };
  const small = generatePlan({ models: [{ key: 'qwen3-8b', spec: one['qwen3-8b'] }], hardware: hw, repeats: 3, warmup: 1 });
  const data = synthesizeSet(small, one, hw, 0.03, 'noisy-tails');
  for (const classTails of [['attn_decode'], OP_CLASSES] as readonly (readonly OpClass[])[]) {
    const choice = { gemmRowTile: 64, gemmSmallRowTile: 0, gemmWave: [0.5, 256], attnWave: [1, 128], classTails, gemmTilesFromRows: 0, gemmTimes: false } as const;
    const fitted = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', ...choice });
    for (const c of OP_CLASSES) {
      const t = fitted.perf.efficiency[c].tailUs;
      if (classTails.includes(c)) assert.ok(t !== undefined && t >= 0.1 && t <= 100, `${c}: tailUs ${t}`);
      else assert.equal(t, undefined, `${c} keeps the shared tail`);
    }
    assert.deepEqual(recordedFitChoices(fitted.perf), { ...choice, clockAware: false, classTails: [...classTails] });
    const refit = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', ...recordedFitChoices(fitted.perf) });
    assert.deepEqual(refit.perf, fitted.perf);
  }
});

test('per-class kernel tails are found where the truth has them: a slow decode call, quick elementwise ones', () => {
  // Measurements made by a tail-rule truth whose decode attention call costs 8 µs and elementwise kernels 1 µs
  // (others the shared 3.5 µs): the per-class fit puts them in the right slots and fits better than one tail.
  const e = TRUE_PERF.efficiency;
  const truth = {
    ...TRUE_PERF,
    kernelRule: 'tail' as const,
    efficiency: { ...e, attn_decode: { ...e.attn_decode, tailUs: 8 }, elementwise: { ...e.elementwise, tailUs: 1 } },
  };
  const one = { 'qwen3-8b': models['qwen3-8b'] };
  const small = generatePlan({ models: [{ key: 'qwen3-8b', spec: one['qwen3-8b'] }], hardware: hw, repeats: 3, warmup: 1 });
  const data = synthesizeSet(small, one, testHardware(truth), 0, 'exact-tails');
  const choice = { gemmRowTile: 0, gemmSmallRowTile: 0, gemmWave: [0, 0], attnWave: [0, 0] } as const;
  const perClass = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', ...choice, classTails: OP_CLASSES });
  const shared = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', ...choice, classTails: [] });
  const t = perClass.perf.efficiency;
  assert.ok((t.attn_decode.tailUs as number) > 4 * (t.elementwise.tailUs as number), `decode ${t.attn_decode.tailUs} µs, elementwise ${t.elementwise.tailUs} µs`);
  assert.ok(Math.abs((t.attn_decode.tailUs as number) - 8) < 2, `decode tail ${t.attn_decode.tailUs} µs (truth 8)`);
  assert.ok(OP_CLASSES.every((c) => shared.perf.efficiency[c].tailUs === undefined));
  assert.ok(perClass.residuals.ops.mape < shared.residuals.ops.mape, `ops ${perClass.residuals.ops.mape} vs ${shared.residuals.ops.mape}`);
});

test('recorded tiles: a kernel table with tiles is carried into the fit, and gemmTilesFromRows with it, then refitted bit for bit', () => {
  const one = { 'qwen3-8b': models['qwen3-8b'] };
  const m = one['qwen3-8b'];
  const small = generatePlan({ models: [{ key: 'qwen3-8b', spec: m }], hardware: hw, repeats: 3, warmup: 1 });
  const data = synthesizeSet(small, one, hw, 0.03, 'noisy-recorded-tiles');
  const d = m.hiddenSize;
  const qkv = (m.numQHeads + 2 * m.numKvHeads) * m.headDim;
  const shapes = [[d, qkv], [m.numQHeads * m.headDim, d], [d, 2 * m.ffnSize], [m.ffnSize, d]].map(([dIn, dOut]) => ({
    dIn,
    dOut,
    clusteredRows: [],
    tiles: [[64, 8], [128, 128], [256, 128]] as [number, number][],
  }));
  const gemmKernels = { source: 'test', remainderMaxCtas: 2, rows: [1, 256, 2048], shapes };
  const choice = { gemmRowTile: 64, gemmSmallRowTile: 0, gemmWave: [0.5, 256], attnWave: [1, 128], classTails: [], gemmTilesFromRows: 129, gemmTimes: false } as const;
  const fitted = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', gemmKernels, ...choice });
  assert.equal(fitted.perf.gemmTilesFromRows, 129);
  assert.deepEqual(fitted.perf.gemmKernels, gemmKernels);
  assert.deepEqual(recordedFitChoices(fitted.perf), { ...choice, clockAware: false, gemmKernels });
  const refit = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', ...recordedFitChoices(fitted.perf) });
  assert.deepEqual(refit.perf, fitted.perf);
  // Without row tiles there is no fitted tile for the recorded ones to stand in for: the term is not set.
  const untiled = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', gemmKernels, ...choice, gemmRowTile: 0 });
  assert.equal(untiled.perf.gemmTilesFromRows, undefined);
});

test("recorded GEMM times: a shape cuBLAS serves slowly at one count is found from the GEMM timings, applied, and refitted bit for bit", () => {
  // The truth prices Qwen3-8B's down projection at 1,040 tokens 1.4x the roofline (an odd kernel, as measured on
  // the H100); the forwards are made by that truth, the GEMM timings too. The fit records the factor and its
  // training forwards get closer than without it.
  const one = { 'qwen3-8b': models['qwen3-8b'] };
  const m = one['qwen3-8b'];
  const d = m.hiddenSize;
  const qkv = (m.numQHeads + 2 * m.numKvHeads) * m.headDim;
  const dims = [[d, qkv], [m.numQHeads * m.headDim, d], [d, 2 * m.ffnSize], [m.ffnSize, d]];
  const rows = [1, 256, 1024, 1040, 2048];
  const gemmKernels = { source: 'test', remainderMaxCtas: 2, rows, shapes: dims.map(([dIn, dOut]) => ({ dIn, dOut, clusteredRows: [] })) };
  const planted = (dIn: number, n: number) => (dIn === m.ffnSize && n === 1040 ? 1.4 : 1);
  const truthTable = { ...gemmKernels, shapes: gemmKernels.shapes.map((sh) => ({ ...sh, timeScale: rows.map((n) => planted(sh.dIn, n)) })) };
  const truth = testHardware({ ...TRUE_PERF, gemmKernels: truthTable });
  const plan = generatePlan({ models: [{ key: 'qwen3-8b', spec: m }], hardware: hw, repeats: 3, warmup: 1 });
  const data = synthesizeSet(plan, one, truth, 0, 'exact-gemm-times');
  const plainTruth = testHardware({ ...TRUE_PERF, gemmKernels });
  const gemmRecords: OpRecord[] = [];
  for (const [dIn, dOut] of dims)
    for (const n of rows)
      for (const sms of [16, 64, 132]) {
        const us = planted(dIn, n) * gemmAloneUs(plainTruth, n, dIn, dOut, 2, sms);
        gemmRecords.push({ kind: 'op', id: `g-${dIn}-${n}-${sms}`, source: { file: 'g', line: 1 }, smCount: sms, medianUs: us, p10Us: us, p90Us: us, shape: { op: 'gemm', n, dIn, dOut }, check: null } as OpRecord);
      }
  // The truth's GEMM form (rows as counted): the model's own 1,040/1,024 ratio is the truth's, so the factor comes back as planted.
  const choice = { gemmRowTile: 0, gemmSmallRowTile: 0, gemmWave: [0, 0], attnWave: [0, 0], classTails: [], gemmTilesFromRows: 0 } as const;
  const without = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', gemmKernels, gemmRecords, ...choice, gemmTimes: false });
  const fitted = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', gemmKernels, gemmRecords, ...choice, gemmTimes: true });
  assert.equal(without.perf.gemmKernels?.shapes.some((sh) => sh.timeScale), false);
  const down = fitted.perf.gemmKernels!.shapes.find((sh) => sh.dIn === m.ffnSize)!;
  const at = (sh: typeof down, n: number) => sh.timeScale![rows.indexOf(n)];
  // 1.4 over its neighbour; below GEMM_TIMES_FROM_ROWS the roofline's own time.
  assert.ok(Math.abs(at(down, 1040) / at(down, 1024) - 1.4) < 0.01, `${at(down, 1040)} / ${at(down, 1024)}`);
  assert.equal(at(down, 1), 1);
  for (const sh of fitted.perf.gemmKernels!.shapes) if (sh !== down) assert.ok(Math.abs(at(sh, 1040) / at(sh, 1024) - 1) < 0.01);
  assert.ok(fitted.residuals.forwardTrain.mape < without.residuals.forwardTrain.mape, `${fitted.residuals.forwardTrain.mape} vs ${without.residuals.forwardTrain.mape}`);
  // Refitted from the section alone (no GEMM timings): the recorded factors are used as they are.
  const recorded = recordedFitChoices(fitted.perf);
  assert.equal(recorded.gemmTimes, true);
  const refit = fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', ...recorded });
  assert.deepEqual(refit.perf, fitted.perf);
  // Asked for without timings or factors: refused.
  assert.throws(() => fitCalibration({ hardware: testHardware(), models: one, data, form: 'physics', gemmKernels, ...choice, gemmTimes: true }), /no GEMM timings/);
});

test('a clock-aware fit prices each training forward at its own clock: it recovers what clock-blind fitting blurs, its α is the one the clock records measure, and both are recorded', () => {
  // Truth: the fixture's roofline at the maximum clock, each forward's compute-bound time × (1980 ÷ its clock)^0.5; on
  // 96 SMs and up half the forwards ran at 1,500 MHz (a burst the cap caught), the rest at the maximum.
  const one = { 'qwen3-8b': models['qwen3-8b'] };
  const small = generatePlan({ models: [{ key: 'qwen3-8b', spec: one['qwen3-8b'] }], hardware: hw, repeats: 3, warmup: 1 });
  const base = synthesizeSet(small, one, hw, 0, 'clock-aware');
  const alpha = 0.5;
  const truthUs = (batch: ForwardRecord['batch'], smCount: number, mhz: number): number =>
    predictIteration(one['qwen3-8b'], hw, batch, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration', computeClockScale: (1980 / mhz) ** alpha }).gpuUs;
  // Forwards on two partitions, operators on three and no pairs: what the clock needs, at a fraction of the plan's fitting time.
  const kept = base.records.filter((r) => r.kind !== 'concurrent' && (r.kind !== 'forward' || [64, 132].includes(r.smCount)) && (r.kind !== 'op' || [16, 64, 132].includes(r.smCount)));
  const records = kept.map((r, i) => {
    if (r.kind !== 'forward') return r;
    const mhz = r.smCount >= 96 && i % 2 === 0 ? 1500 : 1980;
    const us = truthUs(r.batch, r.smCount, mhz);
    return { ...r, medianUs: us, p10Us: us, p90Us: us, clock: { smClockMhz: mhz, powerW: 600 } };
  });
  // Clock records at two SM counts (the power model needs two): the same prefill settled back to back and between steps.
  const prefill = { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
  const clockRecords: ClockRegimeRecord[] = [96, 132].map((smCount) => {
    const [b2b, serving] = smCount === 132 ? [1500, 1800] : [1850, 1980];
    return {
      kind: 'clock_regime', id: `clk-${smCount}`, source: { file: 'synthetic.jsonl', line: 1 }, model: 'qwen3-8b', smCount, batch: prefill,
      interleaveBatch: { prefills: [], decodeCount: 64, decodeContextTokens: 64 * 2048 }, lookahead: 4,
      backToBackUs: truthUs(prefill, smCount, b2b), servingUs: truthUs(prefill, smCount, serving), decodeServingUs: 1, decodeAloneUs: 1,
      backToBackClock: { smClockMhz: b2b, powerW: 700 }, servingClock: { smClockMhz: serving, powerW: 650 }, smidsOk: true,
    };
  });
  const data = { ...base, meta: { ...base.meta, smClockMaxMhz: 1980 }, records: [...records, ...clockRecords] };
  const choice = { form: 'physics' as const, gemmRowTile: 0, gemmSmallRowTile: 0, gemmWave: [0, 0] as const, attnWave: [0, 0] as const, classTails: [], gemmTilesFromRows: 0, gemmTimes: false };
  const fit = (clockSensitivity: number) => fitCalibration({ hardware: testHardware(), models: one, data, ...choice, clockSensitivity });
  const aware = fit(alpha);
  const blind = fitCalibration({ hardware: testHardware(), models: one, data, ...choice, clockAware: false });
  const power = aware.perf.clockRegime?.power;
  assert.ok(power?.trainingClockMhz, 'clock-aware by default: every training forward carries a clock');
  assert.equal(power.clockSensitivity, alpha);
  assert.equal(curveAt(power.trainingClockMhz, 64), 1980);
  assert.ok(power.trainingClockMhz.some((p) => p.smCount >= 96 && p.value < 1980), 'the training medians where the cap caught half the forwards');
  assert.equal(blind.perf.clockRegime?.power?.trainingClockMhz, undefined);
  assert.ok(aware.residuals.forwardTrain.mape < 0.6 * blind.residuals.forwardTrain.mape, `aware ${aware.residuals.forwardTrain.mape} vs blind ${blind.residuals.forwardTrain.mape}`);
  // The criterion that picks α (the auto search's last stage): the clock records at their clocks come out closest at the truth.
  const clockMape = (r: typeof aware) => r.residuals.clockTrain?.mape as number;
  const linear = fit(1);
  assert.ok(clockMape(aware) < clockMape(linear), `α 0.5 ${clockMape(aware)}, 1 ${clockMape(linear)}`);
  // Recorded, so that a refit with the recorded choices (the shipped-data checks) is this fit: clock-aware at this α.
  const { form: _form, ...recorded } = choice;
  assert.deepEqual(recordedFitChoices(aware.perf), { ...recorded, clockAware: true, clockSensitivity: alpha, gemmWave: [0, 0], attnWave: [0, 0] });
  // Asked for where a forward has no clock: refused, naming why.
  const clockless = { ...data, records: data.records.map((r) => (r.kind === 'forward' ? { ...r, clock: undefined } : r)) };
  assert.throws(() => fitCalibration({ hardware: testHardware(), models: one, data: clockless, ...choice, clockAware: true }), /some training forwards carry no clock/);
});

test('unsettledClockForwards: clocked training forwards without settle_s, on the SM counts where the training clock sits below the maximum', () => {
  const power = { maxClockMhz: 1980, allComputeBoundMhz: 1400, fixedPowerShare: 0.5, memoryBoundPowerRatio: 0.5, referenceComputeShare: 0.9, servingDecodeSteps: 4 };
  const clockRegime = { backToBackComputeScale: 1.1, servingComputeScale: 1, power: { ...power, trainingClockMhz: [{ smCount: 16, value: 1980 }, { smCount: 132, value: 1800 }], clockSensitivity: 0.5 } };
  const perf = { ...TRUE_PERF, clockRegime };
  const fw = (id: string, smCount: number, extra: object) => ({ kind: 'forward', id, smCount, ...extra }) as unknown as ForwardRecord;
  const clock = { smClockMhz: 1950, powerW: 600 };
  const records = [
    fw('short-132', 132, { clock }),
    fw('settled-132', 132, { clock, settleS: 1 }),
    fw('uncapped-16', 16, { clock }),
    fw('clockless-132', 132, {}),
  ];
  assert.deepEqual(unsettledClockForwards(perf, records).map((r) => r.id), ['short-132']);
  // A fit that is not clock-aware says nothing.
  assert.deepEqual(unsettledClockForwards({ ...perf, clockRegime: { ...clockRegime, power } }, records), []);
  assert.deepEqual(unsettledClockForwards(TRUE_PERF, records), []);
});
