import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../sim/trace/bundled.js';
import { loadHardware, parseHardwareYaml } from '../../sim/config/load-hardware.js';
import { readConfig } from '../../sim/config/config-files.js';
import { loadData } from '../../calibrate/load-data.js';
import { fitCalibration, type FitForm } from '../../calibrate/fit.js';
import { validateCalibration } from '../../calibrate/validate.js';
import { withCalibratedSection } from '../../calibrate/write-calibrated.js';

/**
 * Fit and validate on the real measurements shipped in calibrate/data/, and hold the held-out errors to
 * the figures reported in BENCHMARKS.md ("Calibration accuracy"): a change to the fitter or the latency
 * model that makes predictions worse on real data fails here. Keyed by data folder; each entry names the
 * hardware YAML the data is for, the plan (when not plan.json in the folder) and the reported MAPE
 * (fractions), rounded up to the next 0.1% above the measured value.
 */
interface Reported {
  readonly hardware: string;
  /** Measurement files in the folder, when not all of them belong together (e.g. a repeat run). */
  readonly files?: readonly string[];
  readonly plan?: string;
  readonly forwardMape: number;
  readonly concurrentDecodeMape: number;
  /** Reference (production-kernel) data: held-out MAPE per regime (validate.ts REGIMES). */
  readonly regimes?: Readonly<Record<string, number>>;
  /** The shipped YAML whose `calibrated:` section this folder's fit writes, byte for byte. */
  readonly writes?: string;
  /** Model form the shipped YAML was fitted with, when not the data's default (calibrate fit --form). */
  readonly form?: FitForm;
}

const REPORTED: Readonly<Record<string, Reported>> = {
  // BENCHMARKS.md "Production-kernel (reference) calibration": physics form, llama-3.1-8b never fitted.
  'h200-2026-12-04-reference': {
    hardware: 'h200',
    writes: 'h200',
    forwardMape: 0.04,
    concurrentDecodeMape: 0.065,
    regimes: {
      decode_only: 0.035,
      prefill_only: 0.026,
      mixed: 0.063,
      decode_lane_beside_prefill: 0.065,
      prefill_lane_beside_decode: 0.029,
      clock_back_to_back: 0.02,
      clock_serving: 0.023,
      unseen_model: 0.034,
    },
  },
  // BENCHMARKS.md "Calibration accuracy": held-out forward MAPE 4.2%, concurrent decode 4.2%.
  'h100-sxm-2026-11-27': {
    hardware: 'h100-sxm',
    files: ['h100-calibration.jsonl'],
    plan: 'calibrate/plans/calibration-hopper.json',
    forwardMape: 0.042,
    concurrentDecodeMape: 0.042,
  },
  // BENCHMARKS.md: held-out forward MAPE 4.5%, concurrent decode 4.2% (our kernels of 2026-11-27, the closed loop's calibration).
  'h200-2026-11-27-current-kernels': {
    hardware: 'h200-own-kernels-2026-11-27',
    writes: 'h200-own-kernels-2026-11-27',
    forwardMape: 0.046,
    concurrentDecodeMape: 0.043,
  },
  // BENCHMARKS.md "Kernel quality": the shipped own-kernel calibration, our executor with its measured kernel
  // choice (prefill attention on cuDNN above 16,384 key-query pairs, our kernels elsewhere), physics form
  // (chosen by training error: forward 2.3% vs 4.8%, concurrent decode 3.6% vs 7.8% for the ceiling form; GEMM waves
  // of 128-column tiles at blend 0.5 by training error since the third issue-11 round, prefill attention waves of
  // 128-row blocks at blend 1 since the fourth: training forward 2.26%).
  'h200-2026-12-04-own-kernels-cudnn': {
    hardware: 'h200-own-kernels',
    writes: 'h200-own-kernels',
    form: 'physics',
    forwardMape: 0.023,
    concurrentDecodeMape: 0.048,
    regimes: { decode_only: 0.028, prefill_only: 0.013, mixed: 0.024, decode_lane_beside_prefill: 0.048, prefill_lane_beside_decode: 0.071 },
  },
  // Our kernels only (prefill attention on our mma.sync kernel), same day: fitted and validated, no longer the
  // shipped YAML's data (training error physics 2.9% after the second issue-11 round, lower with the third
  // round's GEMM wave term and the fourth's attention wave term, 2.81%, each kept by training error): held out
  // 3.0% / 4.9% (3.1% / 4.9% before the attention waves, 2.8% / 4.5% before the GEMM waves).
  'h200-2026-12-04-own-kernels': {
    hardware: 'h200-own-kernels',
    form: 'physics',
    forwardMape: 0.03,
    concurrentDecodeMape: 0.049,
    regimes: { decode_only: 0.037, prefill_only: 0.015, mixed: 0.031, decode_lane_beside_prefill: 0.049, prefill_lane_beside_decode: 0.061 },
  },
  // BENCHMARKS.md: held-out forward MAPE 4.7%, concurrent decode 4.1% (kernels of fad5ec7).
  'h200-2026-11-27': {
    hardware: 'h200',
    plan: 'calibrate/plans/calibration-hopper.json',
    forwardMape: 0.048,
    concurrentDecodeMape: 0.042,
  },
};

const root = packageRoot();
const dataRoot = join(root, 'calibrate', 'data');
const folders = existsSync(dataRoot)
  ? readdirSync(dataRoot, { withFileTypes: true })
      .filter((d) => d.isDirectory() && readdirSync(join(dataRoot, d.name)).some((f) => f.endsWith('.jsonl')))
      .map((d) => d.name)
      .sort()
  : [];

if (folders.length === 0) test.todo('fit + validate on shipped GPU measurements (none under calibrate/data/ yet)');

for (const folder of folders) {
  // A validation-only folder is never fitted: its own test below judges the shipped calibration on it.
  if (folder.endsWith('-validation')) continue;
  const reported = REPORTED[folder];
  if (!reported) {
    test.todo(`calibrate/data/${folder}: record its held-out figures in BENCHMARKS.md and REPORTED`);
    continue;
  }
  test(`calibrate/data/${folder}: held-out errors stay within the reported figures`, () => {
    const folderPath = join('calibrate', 'data', folder);
    const loaded = loadData(root, reported.files ? reported.files.map((f) => join(folderPath, f)) : [folderPath], reported.plan);
    const source = readConfig('hardware', reported.hardware, root);
    const hardware = parseHardwareYaml(source.text, source.file).seed;
    const unseen = loaded.plan.unseenModels ?? [];
    const fit = fitCalibration({ hardware, models: loaded.models, data: loaded.data, unseenModels: unseen, ...(reported.form ? { form: reported.form } : {}) });
    const r = validateCalibration(loaded.models, { ...hardware, perf: fit.perf }, loaded.data, unseen);
    assert.ok(r.summary.forward.overall.count > 0, 'no held-out forwards');
    assert.ok(r.summary.forward.overall.mape <= reported.forwardMape, `forward MAPE ${r.summary.forward.overall.mape}`);
    if (r.summary.concurrent_decode.overall.count > 0) {
      assert.ok(r.summary.concurrent_decode.overall.mape <= reported.concurrentDecodeMape, `concurrent decode MAPE ${r.summary.concurrent_decode.overall.mape}`);
    }
    if (reported.writes) {
      // `calibrate fit --write` on this data reproduces the shipped section exactly: the YAML is the data's.
      const shipped = readConfig('hardware', reported.writes, root);
      assert.equal(withCalibratedSection(shipped.text, shipped.file, fit.perf, loaded.data, fit.residuals), shipped.text, `${reported.writes}.yaml is not what the fit writes`);
    }
    for (const [regime, mape] of Object.entries(reported.regimes ?? {})) {
      const got = r.summary.regimes[regime as keyof typeof r.summary.regimes];
      assert.ok(got && got.overall.count > 0, `no held-out points in regime ${regime}`);
      assert.ok(got.overall.mape <= mape, `${regime} MAPE ${got.overall.mape} > reported ${mape}`);
    }
  });
}

// BENCHMARKS.md: the validation-only folder (DuetServe's loaded splits, never fitted) against the shipped h200.yaml.
test('calibrate/data/h200-2026-12-04-reference-validation: the shipped h200 calibration on pairs it never saw', () => {
  const loaded = loadData(root, [join('calibrate', 'data', 'h200-2026-12-04-reference-validation')], undefined);
  const hw = loadHardware('h200', { cwd: root });
  const r = validateCalibration(loaded.models, hw, loaded.data, loaded.plan.unseenModels ?? []);
  // Every record is held out (all models unseen by construction).
  assert.equal(r.summary.train_points.concurrent, 0);
  const g = r.summary.regimes;
  assert.ok((g.decode_lane_beside_prefill?.overall.count ?? 0) >= 60 && g.decode_lane_beside_prefill!.overall.mape <= 0.085);
  assert.ok(g.prefill_lane_beside_decode!.overall.mape <= 0.066);
  assert.ok(g.clock_back_to_back!.overall.mape <= 0.022 && g.clock_serving!.overall.mape <= 0.018);
});

test('reference data: the physics form predicts production kernels far better than the ceiling form', () => {
  // The issue-11 finding, kept as a regression check: fitted to the same production-kernel data, the
  // ceiling form (copy-kernel W(S), free decode compute efficiency, contention by SM share) is 22.8% off
  // on held-out forwards and 46.5% on decode-only ones; the physics form 3.9% and 3.5%.
  const folderPath = join('calibrate', 'data', 'h200-2026-12-04-reference');
  const loaded = loadData(root, [folderPath], undefined);
  const source = readConfig('hardware', 'h200', root);
  const hardware = parseHardwareYaml(source.text, source.file).seed;
  const unseen = loaded.plan.unseenModels ?? [];
  const mape = (form: 'physics' | 'ceiling') => {
    const fit = fitCalibration({ hardware, models: loaded.models, data: loaded.data, unseenModels: unseen, form });
    return validateCalibration(loaded.models, { ...hardware, perf: fit.perf }, loaded.data, unseen).summary;
  };
  const physics = mape('physics');
  const ceiling = mape('ceiling');
  assert.ok(physics.forward.overall.mape * 3 < ceiling.forward.overall.mape, `physics ${physics.forward.overall.mape} vs ceiling ${ceiling.forward.overall.mape}`);
  assert.ok(physics.concurrent_decode.overall.mape * 2 < ceiling.concurrent_decode.overall.mape);
  assert.deepEqual(unseen, ['llama-3.1-8b']);
  // The unseen model's forwards are all held out.
  assert.equal(physics.regimes.unseen_model?.overall.count, physics.forward.by_model['llama-3.1-8b']?.count);
});
