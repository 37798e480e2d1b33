import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { predict } from '../../../../sim/cli/commands/predict.js';
import { runCommand } from '../../../util/run-command.js';
import { loadHardware } from '../../../../sim/config/load-hardware.js';
import { loadModel } from '../../../../sim/config/load-model.js';
import { predictIteration } from '../../../../sim/latency/roofline.js';

const run = (...argv: string[]) => runCommand(predict, ['predict', ...argv], tmpdir());
const json = async (...argv: string[]) => {
  const r = await run(...argv, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

test('predict --json says which clock regime it priced; under the H100\'s power model, each forward\'s clocks and scale', async () => {
  assert.ok(loadHardware('h100-sxm').perf.clockRegime?.power, 'h100-sxm ships a power model');
  const mixed = ['--hw', 'h100-sxm', '--model', 'qwen3-8b', '--prefill', '2048', '--decode', '64x2048'];
  const serving = await json(...mixed);
  const lane = serving.clock_regime.lanes.forward;
  assert.equal(serving.clock_regime.regime, 'serving');
  assert.equal(serving.clock_regime.power_model.decode_steps, 4, "the calibration's median step count");
  assert.ok(lane.serving_mhz > lane.back_to_back_mhz, `${lane.serving_mhz} vs ${lane.back_to_back_mhz}`);
  assert.ok(lane.serving_mhz <= 1980 && lane.back_to_back_mhz >= 1300);
  const b2b = await json(...mixed, '--clock-regime', 'back-to-back');
  assert.ok(b2b.gpu_ms > serving.gpu_ms, 'back to back runs slower than between decode steps');
  // More decode steps between prefills: a higher clock, a shorter forward; none: back to back.
  const sixteen = await json(...mixed, '--decode-steps', '16');
  assert.ok(sixteen.gpu_ms < serving.gpu_ms && sixteen.clock_regime.lanes.forward.serving_mhz > lane.serving_mhz);
  assert.equal((await json(...mixed, '--decode-steps', '0')).gpu_ms, b2b.gpu_ms);
  // The JSON's time is the roofline's own.
  const hw = loadHardware('h100-sxm');
  const batch = { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 64, decodeContextTokens: 64 * 2048 };
  const us = predictIteration(loadModel('qwen3-8b'), hw, batch, { smCount: hw.smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1 }).gpuUs;
  assert.equal(serving.gpu_ms, Math.round(us) / 1000);
  // A forward with nothing to interleave says so: no steps applied, serving is back to back.
  const prefillOnly = await json('--hw', 'h100-sxm', '--model', 'qwen3-8b', '--prefill', '2048');
  assert.equal(prefillOnly.clock_regime.power_model.decode_steps, 0);
  assert.equal(prefillOnly.clock_regime.lanes.forward.serving_mhz, prefillOnly.clock_regime.lanes.forward.back_to_back_mhz);
  // Below the cap every regime prices at the maximum clock: 64 SMs.
  const small = await json('--hw', 'h100-sxm', '--model', 'qwen3-8b', '--prefill', '2048', '--sms', '64', '--clock-regime', 'back-to-back');
  assert.equal(small.clock_regime.lanes.forward.back_to_back_mhz, 1980);
  assert.equal(small.clock_regime.lanes.forward.compute_scale, 1);
  // A split: both lanes and the aggregated forward, each with its clocks.
  const split = await json('--hw', 'h100-sxm', '--model', 'qwen3-8b', '--prefill', '2048', '--decode', '64x2048', '--split', '--prefill-sms', '112', '--decode-sms', '20');
  assert.deepEqual(Object.keys(split.clock_regime.lanes).sort(), ['aggregated', 'decode', 'prefill']);
  assert.ok(split.prefill.gpu_ms > 0 && split.decode.gpu_ms > 0);
  // Each lane beside its partner runs at the clock its calibration pairs ran at: no power-model clock, no scale.
  assert.equal(split.clock_regime.lanes.prefill, null);
  assert.equal(split.clock_regime.lanes.decode, null);
  assert.ok(split.clock_regime.lanes.aggregated.serving_mhz > 0);
  const calibration = await json('--hw', 'h100-sxm', '--model', 'qwen3-8b', '--prefill', '2048', '--decode', '64x2048', '--split', '--prefill-sms', '112', '--decode-sms', '20', '--clock-regime', 'calibration');
  assert.equal(split.prefill.gpu_ms, calibration.prefill.gpu_ms);
  assert.equal(split.decode.gpu_ms, calibration.decode.gpu_ms);
});

test('predict --decode-steps is refused where nothing uses it, naming the flag', async () => {
  const b2b = await run('--hw', 'h100-sxm', '--prefill', '2048', '--decode', '8x512', '--clock-regime', 'back-to-back', '--decode-steps', '4');
  assert.equal(b2b.code, 2);
  assert.match(String(b2b.error?.message), /--decode-steps.*the back-to-back regime interleaves nothing/);
  const seed = await run('--hw', 'a100-80g', '--prefill', '2048', '--decode', '8x512', '--decode-steps', '4');
  assert.equal(seed.code, 2);
  assert.match(String(seed.error?.message), /--decode-steps.*no power model/);
  const bad = await run('--hw', 'h100-sxm', '--prefill', '2048', '--decode-steps', '-1');
  assert.notEqual(bad.code, 0);
  // A forward of prefills only, or decodes only, interleaves nothing.
  for (const batch of [['--prefill', '2048'], ['--decode', '64x1024']]) {
    const alone = await run('--hw', 'h100-sxm', ...batch, '--decode-steps', '10');
    assert.equal(alone.code, 2, batch.join(' '));
    assert.match(String(alone.error?.message), /--decode-steps.*nothing to interleave/);
  }
});

test('predict --partition-side: on a partition holding the GPC remainder the side is priced and reported; --split puts the decode last', async () => {
  const decodes = ['--hw', 'h100-sxm', '--model', 'qwen3-8b', '--decode', '64x2048'];
  assert.ok(loadHardware('h100-sxm').perf.gemmKernels?.remainderSmsDrawn?.first, 'h100-sxm records both sides');
  // 20 SMs = one group + the remainder: its narrow GEMMs draw fewer remainder SMs from the first groups.
  const first = await json(...decodes, '--sms', '20');
  const last = await json(...decodes, '--sms', '20', '--partition-side', 'last');
  assert.equal(first.partition_side, 'first');
  assert.equal(last.partition_side, 'last');
  assert.ok(first.gpu_ms > last.gpu_ms * 1.05, `${first.gpu_ms} vs ${last.gpu_ms}`);
  assert.deepEqual(await json(...decodes, '--sms', '20', '--partition-side', 'first'), first);
  // A partition of whole groups is the same on either side.
  assert.equal((await json(...decodes, '--sms', '16', '--partition-side', 'last')).gpu_ms, (await json(...decodes, '--sms', '16')).gpu_ms);
  assert.match((await run(...decodes, '--sms', '20')).stdout, /20 SMs, the first groups \+ the GPC remainder/);
  // --split: the prefill on the first groups, the decode on the last.
  const split = await json('--hw', 'h100-sxm', '--model', 'qwen3-8b', '--prefill', '2048', '--decode', '64x2048', '--split', '--prefill-sms', '112', '--decode-sms', '20');
  assert.equal(split.prefill.partition_side, 'first');
  assert.equal(split.decode.partition_side, 'last');
  const text = (await run('--hw', 'h100-sxm', '--prefill', '2048', '--decode', '64x2048', '--split', '--prefill-sms', '112', '--decode-sms', '20')).stdout;
  assert.match(text, /prefill partition: 112 SMs, beside/);
  assert.match(text, /decode partition: 20 SMs, the last groups \+ the GPC remainder, beside/);
  // Refused, naming the flag: an unknown side, and a side with --split.
  const bad = await run(...decodes, '--sms', '20', '--partition-side', 'middle');
  assert.equal(bad.code, 2);
  assert.match(String(bad.error?.message), /--partition-side.*'middle' is not a side: first, last/);
  const both = await run('--hw', 'h100-sxm', '--prefill', '2048', '--decode', '64x2048', '--split', '--prefill-sms', '112', '--decode-sms', '20', '--partition-side', 'last');
  assert.equal(both.code, 2);
  assert.match(String(both.error?.message), /--partition-side.*--split puts the prefill on the first groups/);
  // The whole GPU has no side.
  for (const sms of [[], ['--sms', '132']]) {
    const whole = await run(...decodes, ...sms, '--partition-side', 'last');
    assert.equal(whole.code, 2);
    assert.match(String(whole.error?.message), /--partition-side.*all 132 SMs has no side/);
  }
});
