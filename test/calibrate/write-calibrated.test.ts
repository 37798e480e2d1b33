import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHardwareYaml } from '../../sim/config/load-hardware.js';
import { packageRoot } from '../../sim/trace/bundled.js';
import { fitCalibration } from '../../calibrate/fit.js';
import { generatePlan } from '../../calibrate/plan.js';
import { withCalibratedSection } from '../../calibrate/write-calibrated.js';
import { qwenModels, synthesizeSet, testHardware } from '../util/calibration-fixtures.js';

// The H200's: its datasheet peaks are above the synthetic curves (the H200 probe's), which the loader checks.
const file = join(packageRoot(), 'configs', 'hardware', 'h200.yaml');
// The seed part of the bundled file (before any calibrated: section the shipped calibration wrote).
const bundled = readFileSync(file, 'utf8');
const original = bundled.includes('\ncalibrated:') ? bundled.slice(0, bundled.indexOf('\ncalibrated:') + 1) : bundled;
const models = qwenModels();
const plan = generatePlan({ models: Object.entries(models).map(([key, spec]) => ({ key, spec })), hardware: testHardware(), repeats: 10, warmup: 2 });
const data = synthesizeSet(plan, models, testHardware(), 0.01, 'yaml');
const fit = fitCalibration({ hardware: testHardware(), models, data });

test('the written calibrated: section loads back as the fitted perf', () => {
  const out = withCalibratedSection(original, file, fit.perf, data, fit.residuals);
  const config = parseHardwareYaml(out, file);
  assert.deepEqual(config.calibrated, fit.perf);
  assert.deepEqual(config.seed, parseHardwareYaml(original, file).seed);
});

test('everything else in the YAML is kept byte for byte, comments included', () => {
  const out = withCalibratedSection(original, file, fit.perf, data, fit.residuals);
  assert.ok(out.startsWith(original));
  assert.match(out.slice(original.length), /^calibrated:\n  # Written by `duetsim calibrate fit --write`/);
  assert.match(out, /sha256 synthetic/);
  assert.match(out, /forward \(train\): MAPE/);
});

test('a section in the middle of the file is replaced in place, what follows it kept', () => {
  const withSection = withCalibratedSection(original, file, fit.perf, data, fit.residuals) + '# trailing note\n';
  const refit = fitCalibration({ hardware: testHardware(), models, data: synthesizeSet(plan, models, testHardware(), 0.01, 'other') });
  const out = withCalibratedSection(withSection, file, refit.perf, data, refit.residuals);
  assert.ok(out.startsWith(original));
  assert.ok(out.endsWith('# trailing note\n'));
  assert.equal(out.split('\ncalibrated:').length, 2);
  assert.deepEqual(parseHardwareYaml(out, file).calibrated, refit.perf);
});

test('writing is reproducible: same data, byte-identical YAML, and rewriting replaces the section', () => {
  const once = withCalibratedSection(original, file, fit.perf, data, fit.residuals);
  const again = withCalibratedSection(original, file, fitCalibration({ hardware: testHardware(), models, data }).perf, data, fit.residuals);
  assert.equal(once, again);
  const twice = withCalibratedSection(once, file, fit.perf, data, fit.residuals);
  assert.equal(twice, once);
  assert.equal(twice.split('\ncalibrated:').length, 2);
});

test('a remainder-ops table is written one class and side a line and loads back as written', () => {
  const remainderOps = {
    source: 'calibrate/data/x/remainder-ops-first.jsonl: NVIDIA H100 (torch, first groups)',
    remainderSmsDrawn: { attn_decode: { first: [{ smCount: 20, value: 8.7 }, { smCount: 28, value: 10.5 }], last: [{ smCount: 20, value: 12 }] }, elementwise: { last: [{ smCount: 36, value: 11.25 }] } },
  };
  const out = withCalibratedSection(original, file, { ...fit.perf, remainderOps }, data, fit.residuals);
  assert.deepEqual(parseHardwareYaml(out, file).calibrated?.remainderOps, remainderOps);
  assert.match(out, /\n      attn_decode:\n        first: \[ \{ smCount: 20, value: 8\.7 \}, \{ smCount: 28, value: 10\.5 \} \]\n        last: \[ \{ smCount: 20, value: 12 \} \]\n      elementwise:\n        last: /);
});

test('a GEMM kernel table is written one shape a line and loads back as written', () => {
  const gemmKernels = {
    source: 'calibrate/data/x/gemm-rows.jsonl: NVIDIA H200 (torch)',
    remainderMaxCtas: 2,
    rows: [1, 64, 128],
    shapes: [
      { dIn: 4096, dOut: 6144, clusteredRows: [1, 64] },
      { dIn: 4096, dOut: 4096, clusteredRows: [] },
    ],
  };
  const out = withCalibratedSection(original, file, { ...fit.perf, gemmKernels }, data, fit.residuals);
  assert.deepEqual(parseHardwareYaml(out, file).calibrated?.gemmKernels, gemmKernels);
  const tiled = { ...gemmKernels, shapes: [{ ...gemmKernels.shapes[0], tiles: [[64, 8], [64, 64], [128, 128]] as [number, number][] }] };
  const withTiles = withCalibratedSection(original, file, { ...fit.perf, gemmKernels: tiled, gemmTilesFromRows: 129 }, data, fit.residuals);
  const back = parseHardwareYaml(withTiles, file).calibrated;
  assert.deepEqual(back?.gemmKernels, tiled);
  assert.equal(back?.gemmTilesFromRows, 129);
  assert.match(withTiles, /clusteredRows: \[ 1, 64 \], tiles: \[ 64x8, 64x64, 128x128 \] \}/);
  assert.match(out, /\n    rows: \[ 1, 64, 128 \]\n    shapes:\n      - \{ dIn: 4096, dOut: 6144, clusteredRows: \[ 1, 64 \] \}\n      - \{ dIn: 4096, dOut: 4096, clusteredRows: \[\] \}\n/);
});
