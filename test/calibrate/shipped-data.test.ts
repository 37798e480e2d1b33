import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../sim/trace/bundled.js';
import { parseHardwareYaml } from '../../sim/config/load-hardware.js';
import { readConfig } from '../../sim/config/config-files.js';
import { loadData } from '../../calibrate/load-data.js';
import { fitCalibration } from '../../calibrate/fit.js';
import { validateCalibration } from '../../calibrate/validate.js';

/**
 * Fit and validate on the real measurements shipped in calibrate/data/, and hold the held-out errors to
 * the figures reported in BENCHMARKS.md ("Calibration accuracy"): a change to the fitter or the latency
 * model that makes predictions worse on real data fails here. Keyed by data folder; each entry names the
 * hardware YAML the data is for, the plan (when not plan.json in the folder) and the reported MAPE
 * (fractions), rounded up to the printed precision.
 */
const REPORTED: Readonly<Record<string, { hardware: string; plan?: string; forwardMape: number; concurrentDecodeMape: number }>> = {};

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
  const reported = REPORTED[folder];
  if (!reported) {
    test.todo(`calibrate/data/${folder}: record its held-out figures in BENCHMARKS.md and REPORTED`);
    continue;
  }
  test(`calibrate/data/${folder}: held-out errors stay within the reported figures`, () => {
    const loaded = loadData(root, [join('calibrate', 'data', folder)], reported.plan);
    const source = readConfig('hardware', reported.hardware, root);
    const hardware = parseHardwareYaml(source.text, source.file).seed;
    const fit = fitCalibration({ hardware, models: loaded.models, data: loaded.data });
    const r = validateCalibration(loaded.models, { ...hardware, perf: fit.perf }, loaded.data);
    assert.ok(r.summary.forward.overall.count > 0, 'no held-out forwards');
    assert.ok(r.summary.forward.overall.mape <= reported.forwardMape, `forward MAPE ${r.summary.forward.overall.mape}`);
    if (r.summary.concurrent_decode.overall.count > 0) {
      assert.ok(r.summary.concurrent_decode.overall.mape <= reported.concurrentDecodeMape, `concurrent decode MAPE ${r.summary.concurrent_decode.overall.mape}`);
    }
  });
}
