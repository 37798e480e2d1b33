import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePlan } from '../../calibrate/plan.js';
import { validateCalibration } from '../../calibrate/validate.js';
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
