import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadHardware } from '../../../sim/config/load-hardware.js';
import { loadData } from '../../../calibrate/load-data.js';
import { fitCalibration, type FitResult } from '../../../calibrate/fit.js';
import { validateCalibration } from '../../../calibrate/validate.js';
import { checkGemmKernelTable, checkRemainderOpsRecord, checkShippedFolder, folderFitInput, root, timeRatio } from '../../util/shipped-data.js';

/** The production-kernel (reference) calibration h200.yaml ships: test/util/shipped-data.ts says what is checked. */
let physics: FitResult | null = null;

test('calibrate/data/h200-2026-12-07-reference-settled: the fit h200.yaml ships, byte for byte, trained on 124 SMs and with the remainder-ops record', () => {
  const fit = checkShippedFolder('h200-2026-12-07-reference-settled');
  // Both sides of the remainder-ops record: on the H200 decode attention draws nearly the whole remainder on either side.
  const ops = fit.perf.remainderOps?.remainderSmsDrawn;
  assert.deepEqual(ops?.attn_decode?.first?.map((p) => [p.smCount, p.value]), [[20, 11.77], [28, 10.9], [36, 11.96]]);
  assert.deepEqual(ops?.attn_decode?.last?.map((p) => [p.smCount, p.value]), [[20, 11.91], [28, 10.92], [36, 10.75]]);
  // Held out here: 2.6% (the previous fit, which never saw 124 SMs nor the last side, 2.9% on the same points), every SM count within 5%.
  const loaded = loadData(root, [join('calibrate', 'data', 'h200-2026-12-07-reference-settled')], undefined);
  const r = validateCalibration(loaded.models, { ...loadHardware('h200', { cwd: root }), perf: fit.perf }, loaded.data, loaded.plan.unseenModels ?? []).summary;
  assert.equal(r.pass.forward_every_sm_count, true);
  assert.ok(r.forward.by_sm_count['124'].mape <= 0.019, `124 SMs ${r.forward.by_sm_count['124'].mape}`);
});

test('calibrate/data/h200-2026-12-04-reference: the first run, refitted with the choices h200.yaml recorded when it was fitted from it', () => {
  physics = checkShippedFolder('h200-2026-12-04-reference');
});

test('reference data: the physics form predicts production kernels far better than the ceiling form', () => {
  // The issue-11 finding, kept as a regression check: fitted to the same production-kernel data, the
  // ceiling form (copy-kernel W(S), free decode compute efficiency, contention by SM share) is 22.8% off
  // on held-out forwards and 46.5% on decode-only ones; the physics form 4.0% and 3.5%.
  const { loaded, input } = folderFitInput('h200-2026-12-04-reference');
  const unseen = input.unseenModels ?? [];
  const summary = (fit: FitResult) => validateCalibration(loaded.models, { ...input.hardware, perf: fit.perf }, loaded.data, unseen).summary;
  const p = summary(physics ?? fitCalibration(input));
  const c = summary(fitCalibration(folderFitInput('h200-2026-12-04-reference', { form: 'ceiling' }).input));
  assert.ok(p.forward.overall.mape * 3 < c.forward.overall.mape, `physics ${p.forward.overall.mape} vs ceiling ${c.forward.overall.mape}`);
  assert.ok(p.concurrent_decode.overall.mape * 2 < c.concurrent_decode.overall.mape);
  assert.deepEqual(unseen, ['llama-3.1-8b']);
  // The unseen model's forwards are all held out.
  assert.equal(p.regimes.unseen_model?.overall.count, p.forward.by_model['llama-3.1-8b']?.count);
});

// BENCHMARKS.md: the validation-only folder (DuetServe's loaded splits, never fitted) against the shipped h200.yaml.
test('calibrate/data/h200-2026-12-04-reference-validation: the shipped h200 calibration on pairs it never saw', () => {
  const loaded = loadData(root, [join('calibrate', 'data', 'h200-2026-12-04-reference-validation')], undefined);
  const hw = loadHardware('h200', { cwd: root });
  const r = validateCalibration(loaded.models, hw, loaded.data, loaded.plan.unseenModels ?? []);
  // Every record is held out (all models unseen by construction).
  assert.equal(r.summary.train_points.concurrent, 0);
  const g = r.summary.regimes;
  // Eleventh round (the contention form chosen by cross-validation, with the own-capacity bandwidth exposure):
  // decode lane 5.4% (4.1% before); since Llama-3.1-8B's GEMMs take their nearest shapes' recorded tiles (fourteenth
  // round): 5.43% / 2.41%, the clock regimes 1.24% / 1.99%. Since the fit of the settled run of 2026-12-07 (trained on
  // another H200, three days later, with the last side and the remainder-ops record): decode lane 3.86%, prefill lane
  // 2.88%, the clock regimes 1.82% / 4.24% — serving 2.2 points worse, still within the 5% target. Since the partner's
  // power is read as its tensor rate (the same run refitted, ninth session of 2026-12-07): lanes 2.75% / 2.58%, and beside
  // the two partners decode 2.9% / 2.6%, signed −0.8% / −2.1% (+0.5% / −4.5% before).
  assert.ok((g.decode_lane_beside_prefill?.overall.count ?? 0) >= 60 && g.decode_lane_beside_prefill!.overall.mape <= 0.028, `decode lane ${g.decode_lane_beside_prefill!.overall.mape}`);
  assert.ok(g.prefill_lane_beside_decode!.overall.mape <= 0.026, `prefill lane ${g.prefill_lane_beside_decode!.overall.mape}`);
  // The two partners priced alike to within 2 points of signed error (4.9 points apart with the busy-SMs reading).
  const byPartner = r.summary.concurrent_decode.by_partner_batch;
  const signed = (k: string) => byPartner?.[k]?.mean_signed_error ?? Number.NaN;
  assert.ok(Math.abs(signed('2048+2048') - signed('4096+0')) <= 0.02, `signed ${signed('2048+2048')} vs ${signed('4096+0')}`);
  assert.ok(g.clock_back_to_back!.overall.mape <= 0.019 && g.clock_serving!.overall.mape <= 0.043, `clocks ${g.clock_back_to_back!.overall.mape} ${g.clock_serving!.overall.mape}`);
  // The modelled clocks 2.25% / 2.57% from NVML's (2.1% / 2.8% before).
  const c = r.summary.clock_prediction;
  assert.ok(c?.back_to_back && c.back_to_back.mape <= 0.023 && c.serving && c.serving.mape <= 0.026);
});

// BENCHMARKS.md: forwards alone on the partitions holding the GPC remainder (20, 28, 36, 116, 124 SMs), never fitted.
test('calibrate/data/h200-2026-12-05-remainder-validation: forwards on remainder partitions, with and without the GEMM kernel table', () => {
  const loaded = loadData(root, [join('calibrate', 'data', 'h200-2026-12-05-remainder-validation')], undefined);
  const hw = loadHardware('h200', { cwd: root });
  assert.ok(hw.perf.gemmKernels, 'h200.yaml records the GEMM kernel table');
  const judge = (perf: typeof hw.perf) => validateCalibration(loaded.models, { ...hw, perf }, loaded.data, loaded.plan.unseenModels ?? []).summary;
  const r = judge(hw.perf);
  assert.equal(r.train_points.forward, 0);
  // 2.85% since the settled fit of 2026-12-07 with both sides' tables and the remainder-ops record (3.04% before it; 4.1%
  // before cuBLAS's recorded times per shape and token count); decode-only 3.5% (4.0%).
  assert.ok(r.forward.overall.count >= 180 && r.forward.overall.mape <= 0.029, `forward MAPE ${r.forward.overall.mape}`);
  assert.ok(r.regimes.decode_only!.overall.mape <= 0.036, `decode-only MAPE ${r.regimes.decode_only!.overall.mape}`);
  // The target at every SM count, 20 SMs included: 2.4% (p90 8.6%), where the previous fit read 3.8% (p90 12.4%). The
  // refit did it, not the remainder-ops record: without it 2.45% (p90 8.9%), since on the H200 decode attention draws
  // nearly the whole remainder, as the model priced it before the record.
  assert.equal(r.pass.forward_every_sm_count, true);
  assert.ok(r.forward.by_sm_count['20'].mape <= 0.025 && r.forward.by_sm_count['20'].p90_ape <= 0.087, JSON.stringify(r.forward.by_sm_count['20']));
  // The same calibration priced without the kernel table (every GEMM on every SM, the fitted tile: 9.4% overall,
  // decode-only 12.7%): the table is what brings these partitions within reach of the targets.
  const { gemmKernels: _dropped, ...without } = hw.perf;
  const bare = judge(without);
  assert.ok(bare.forward.overall.mape > 1.5 * r.forward.overall.mape, `without the table ${bare.forward.overall.mape} vs ${r.forward.overall.mape}`);
  assert.ok(bare.regimes.decode_only!.overall.mape > 2.5 * r.regimes.decode_only!.overall.mape, `decode-only without ${bare.regimes.decode_only!.overall.mape}`);
});

// The never-fitted model on the H200's remainder partitions (2026-12-07): its own gemm-rows runs against its config alone.
// Blind to its two unshared shapes, Llama's 20-SM forwards are 6.7% off (its decodes 12.9%, +8.4% signed; the H100's 9.7%),
// seen 2.7%.
test("h200.yaml: Llama-3.1-8B's forwards on 20 SMs with its GEMM shapes recorded, and from its config alone", () => {
  const loaded = loadData(root, [join('calibrate', 'data', 'h200-2026-12-05-remainder-validation')], undefined);
  const hw = loadHardware('h200', { cwd: root });
  const at20 = (blind: string[]) => {
    const v = validateCalibration(loaded.models, hw, loaded.data, loaded.plan.unseenModels ?? [], { blindGemmShapesOf: blind });
    const apes = v.points.filter((p) => p.kind === 'forward' && p.model === 'llama-3.1-8b' && p.sm_count === 20).map((p) => p.ape);
    return { llama: apes.reduce((a, b) => a + b, 0) / apes.length, all: v.summary.forward.by_sm_count['20'], summary: v.summary };
  };
  const seen = at20([]);
  const blind = at20(['llama-3.1-8b']);
  assert.deepEqual(blind.summary.blind_gemm_shapes?.dropped, ['4096x28672', '14336x4096']);
  assert.ok(seen.llama <= 0.03 && blind.llama >= 0.06, `Llama at 20 SMs: seen ${seen.llama}, blind ${blind.llama}`);
  // Every model at 20 SMs: seen 2.4% (p90 8.6%), within the targets; blind 3.8% with p90 10.7%, just over.
  assert.ok(seen.all.mape <= 0.025 && seen.all.p90_ape <= 0.087, JSON.stringify(seen.all));
  assert.ok(blind.all.mape <= 0.039 && blind.all.p90_ape > 0.1, JSON.stringify(blind.all));
});

test("calibrate/data/h200-2026-12-05-gemm-rows + h200-2026-12-07-gemm-rows-llama: h200.yaml's GEMM kernel table is the one their kernel names give", () => {
  checkGemmKernelTable(['h200-2026-12-05-gemm-rows', 'h200-2026-12-07-gemm-rows-llama'], 'h200');
});

// The H200's tables of 2026-12-07 (READMEs there; device_tables.sh): cuBLAS's kernels on the last groups and Llama-3.1-8B's
// own shapes on both sides, on another H200 two days after the first-side Qwen run.
test("calibrate/data/h200-2026-12-07-gemm-rows-last + h200-2026-12-07-gemm-rows-llama-last: the same kernels on the last groups, whole groups alike", () => {
  checkGemmKernelTable(['h200-2026-12-07-gemm-rows-last', 'h200-2026-12-07-gemm-rows-llama-last'], 'h200', 'another run');
  const first = 'h200-2026-12-05-gemm-rows/h200-gemm-rows.jsonl';
  const last = 'h200-2026-12-07-gemm-rows-last/h200-gemm-rows-last.jsonl.gz';
  // Whole-group partitions run alike on either side (first/last 0.998-1.002 by median at 8-96 SMs).
  for (const sms of [8, 16, 24, 32, 48, 64, 96]) {
    const r = timeRatio(first, last, (id, s) => s === sms && id.startsWith('gemm-'));
    assert.ok(Math.abs(r - 1) < 0.01, `${sms} SMs: first/last ${r}`);
  }
  // Llama's run repeats the Qwen run's two shared shapes: 694 GEMMs at 0.996 (first side) and 0.993 (last) of its time.
  for (const [a, b] of [
    [first, 'h200-2026-12-07-gemm-rows-llama/h200-gemm-rows-llama.jsonl.gz'],
    [last, 'h200-2026-12-07-gemm-rows-llama-last/h200-gemm-rows-llama-last.jsonl.gz'],
  ] as const) {
    const r = timeRatio(b, a, (id) => id.startsWith('gemm-'));
    assert.ok(Math.abs(r - 1) < 0.01, `${b}: ${r}`);
  }
  // The last side's remainder SMs drawn by narrow GEMMs, as h200.yaml records them (11.3 / 10.7 / 8.0 at 20 / 28 / 36 SMs).
  const drawn = loadHardware('h200', { cwd: root }).perf.gemmKernels?.remainderSmsDrawn;
  assert.deepEqual(drawn?.last?.map((p) => p.smCount), [20, 28, 36]);
  for (const p of drawn!.last!) assert.ok(p.value >= 7.5 && p.value <= 12, `last ${p.smCount}: ${p.value}`);
});

// The remainder-ops plan on both sides of an H200 (2026-12-07): h200.yaml's remainderOps is the two runs' derivation. Unlike
// the H100's first groups (7.9-8.5 of 12), decode attention draws nearly the whole remainder on either side here.
test("calibrate/data/h200-2026-12-07-remainder-ops-first and -last: h200.yaml's remainderOps is the two runs' derivation", () => {
  const { first, last, drawn } = checkRemainderOpsRecord('h200', 'h200-2026-12-07-remainder-ops-first', 'h200-2026-12-07-remainder-ops-last');
  for (const d of [first, last]) {
    for (const v of drawn(d, 'attn_decode')) assert.ok(v > 10.5, `${d.side} attn_decode ${v}`);
    for (const v of drawn(d, 'elementwise')) assert.ok(v > 11.5, `${d.side} elementwise ${v}`);
  }
});
