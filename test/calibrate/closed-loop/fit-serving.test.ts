import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitServingCorrection, withServingSection } from '../../../calibrate/closed-loop/fit-serving.js';
import { parseExecResult, type StepMeasurement } from '../../../calibrate/closed-loop/exec-result.js';
import { loadHardware, parseHardwareYaml, withServingCorrection } from '../../../sim/config/load-hardware.js';
import { loadModel } from '../../../sim/config/load-model.js';
import { predictGpuUs, WHOLE_GPU } from '../../../sim/latency/roofline.js';
import { splitTiming } from '../../../sim/latency/iteration-timing.js';
import type { HardwareSpec } from '../../../sim/hardware/hardware-spec.js';
import { packageRoot } from '../../../sim/trace/bundled.js';
import { emittedSchedule, execResultJsonl } from '../../util/closed-loop-fixtures.js';
import { expectInputError } from '../../util/expect-input-error.js';

const TRUE = { computeScale: 0.8, memoryScale: 1.06, contentionCompute: 0.9, contentionMemory: 0.7, provenance: 'test' };

/** What a GPU that behaves like the model with TRUE applied would measure for every step of `policy`'s schedule. */
function synthetic(policy: 'chunked' | 'duetserve') {
  const model = loadModel('qwen3-8b');
  const hw = loadHardware('h100-sxm');
  const truth: HardwareSpec = { ...hw, perf: withServingCorrection(hw.perf, TRUE) };
  const schedule = emittedSchedule(policy);
  const steps: StepMeasurement[] = schedule.steps.map((s) => {
    const chunks = s.prefills.map((p) => ({ newTokens: p.newTokens, cachedTokens: p.cachedTokens }));
    const ctx = s.decodes.reduce((a, d) => a + d.contextTokens, 0);
    if (s.mode === 'aggregated') return { mode: 'aggregated', gpuUs: predictGpuUs(model, truth, { prefills: chunks, decodeCount: s.decodes.length, decodeContextTokens: ctx }, WHOLE_GPU(truth)) };
    const t = splitTiming(model, truth, { prefills: chunks, decodeCount: 0, decodeContextTokens: 0 }, { prefills: [], decodeCount: s.decodes.length, decodeContextTokens: ctx }, s.prefillSms, s.decodeSms, s.lookaheadK, 1);
    // Only the lane ends enter the fit; the earlier decode steps are spread evenly.
    const ends = s.decodes.length ? Array.from({ length: s.lookaheadK }, (_, j) => (t.decodeLaneUs * (j + 1)) / s.lookaheadK) : [];
    return { mode: 'split', prefillEndUs: s.prefills.length ? t.prefillGpuUs : null, decodeEndUs: ends, smidsOk: true };
  });
  return { model, hw, run: { schedule, measured: parseExecResult(execResultJsonl(schedule, steps), 'm.jsonl', schedule) } };
}

test('fit-serving recovers a known correction from measurements that follow it exactly', () => {
  const a = synthetic('duetserve');
  const b = synthetic('chunked');
  assert.ok(a.run.schedule.steps.some((s) => s.mode === 'split'), 'the fixture must have split windows');
  const fit = fitServingCorrection(a.model, a.hw, [a.run, b.run]);
  assert.ok(Math.abs(fit.correction.computeScale - TRUE.computeScale) < 0.02, `compute ${fit.correction.computeScale}`);
  assert.ok(Math.abs(fit.correction.memoryScale - TRUE.memoryScale) < 0.02, `memory ${fit.correction.memoryScale}`);
  assert.ok(fit.after.aggregated.mape < 0.005, `aggregated MAPE after ${fit.after.aggregated.mape}`);
  assert.ok(fit.before.aggregated.mape > 0.03, 'the uncorrected model must be visibly off, or the test proves nothing');
});

test('the servingCorrection: section is written, replaced in place and read back', () => {
  const file = join(packageRoot(), 'configs', 'hardware', 'h100-sxm.yaml');
  const text = readFileSync(file, 'utf8');
  const once = withServingSection(text, TRUE);
  const twice = withServingSection(once, { ...TRUE, computeScale: 0.9 });
  assert.equal(twice.match(/^servingCorrection:/gm)?.length, 1, 'replaced, not appended twice');
  const config = parseHardwareYaml(twice, 'x.yaml');
  assert.equal(config.servingCorrection?.computeScale, 0.9);
  assert.equal(config.servingCorrection?.contentionMemory, 0.7);
  // Everything before the section is untouched.
  assert.ok(twice.startsWith(text.trimEnd().slice(0, 200)));
});

test('a serving correction outside [0.25, 4] or without a calibrated section is refused with its location', () => {
  const file = join(packageRoot(), 'configs', 'hardware', 'h100-sxm.yaml');
  const text = readFileSync(file, 'utf8');
  expectInputError(() => parseHardwareYaml(withServingSection(text, { ...TRUE, computeScale: 9 }), 'x.yaml'), [{ file: 'x.yaml', field: 'servingCorrection.computeScale' }]);
  const seedOnly = text.slice(0, text.indexOf('\ncalibrated:') + 1);
  expectInputError(() => parseHardwareYaml(withServingSection(seedOnly, TRUE), 'y.yaml'), [{ file: 'y.yaml', field: 'servingCorrection' }]);
});

test('a serving correction applies by default and can be left out (calibration regime)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-serving-'));
  const file = join(dir, 'gpu.yaml');
  writeFileSync(file, withServingSection(readFileSync(join(packageRoot(), 'configs', 'hardware', 'h100-sxm.yaml'), 'utf8'), TRUE));
  const corrected = loadHardware(file);
  const calibrated = loadHardware(file, { useServingCorrection: false });
  const config = parseHardwareYaml(readFileSync(file, 'utf8'), file);
  assert.deepEqual(calibrated.perf, config.calibrated);
  const c = config.servingCorrection!;
  assert.equal(corrected.perf.computeFlopsPerS[0].value, config.calibrated!.computeFlopsPerS[0].value / c.computeScale);
  assert.equal(corrected.perf.contention.memory, c.contentionMemory);
  assert.match(corrected.perf.provenance, /serving correction: /);
});

test('the shipped h200.yaml carries the reference calibration, with no closed-loop correction stacked on it', () => {
  // The correction of 2026-11-27 was fitted for the own-kernel calibration it corrected; the reference
  // (production-kernel) calibration has its own clock regimes and shared-resource contention.
  const config = parseHardwareYaml(readFileSync(join(packageRoot(), 'configs', 'hardware', 'h200.yaml'), 'utf8'), 'h200.yaml');
  assert.equal(config.servingCorrection, null);
  assert.ok(config.calibrated?.clockRegime, 'clock regimes');
  assert.ok(config.calibrated?.contention.shared, 'shared-resource contention');
  assert.match(config.calibrated!.provenance, /h200-2026-12-07-reference-settled/);
});
