import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitPricer, splitTiming, stepTimingFromLanes } from '../../../sim/latency/iteration-timing.js';
import { QWEN3_8B_LIKE as MODEL, hopperLike } from '../../util/fixtures.js';

const hw = hopperLike();
const prefill = { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
const decode = { prefills: [], decodeCount: 64, decodeContextTokens: 64 * 1024 };

test('a pricer asked for k in any order gives what splitTiming gives for each k alone', () => {
  const price = splitPricer(MODEL, hw, prefill, decode, 96, 36, 1);
  for (const k of [5, 1, 8, 3]) assert.deepEqual(price.timing(k), splitTiming(MODEL, hw, prefill, decode, 96, 36, k, 1));
  for (const k of [2, 7]) {
    const t = splitTiming(MODEL, hw, prefill, decode, 96, 36, k, 1);
    assert.equal(price.longestDecodeStepUs(k), t.longestDecodeStepUs);
    assert.deepEqual(price.lanes(k), { prefillGpuUs: t.prefillGpuUs, decodeLaneUs: t.decodeLaneUs, longestDecodeStepUs: t.longestDecodeStepUs });
  }
});

test('decode steps grow with their context, and run faster once the prefill beside them has ended', () => {
  const t = splitTiming(MODEL, hw, prefill, decode, 96, 36, 64, 1);
  const steps = t.decodeTokenOffsetsUs.map((end, i) => end - (i === 0 ? hw.overheads.schedulingUs : t.decodeTokenOffsetsUs[i - 1]));
  const firstAlone = steps.findIndex((_, i) => t.decodeTokenOffsetsUs[i] - steps[i] - hw.overheads.schedulingUs >= t.prefillGpuUs);
  assert.ok(firstAlone > 0, 'the lane outlasts the prefill');
  assert.ok(steps[firstAlone] < steps[firstAlone - 1], 'the first step without the prefill beside it is faster');
  for (let i = firstAlone + 1; i < steps.length; i++) assert.ok(steps[i] >= steps[i - 1] - 1e-6, `step ${i} is no faster than the one before`);
  // Steps here are differences of running sums: equal to the priced steps up to rounding.
  assert.ok(Math.abs(t.longestDecodeStepUs - Math.max(...steps)) < 1e-6);
  assert.equal(t.windowUs, hw.overheads.schedulingUs + Math.max(t.decodeLaneUs, t.prefillGpuUs) + hw.overheads.samplingUs);
});

test('stepTimingFromLanes: host scheduling, then the GPU lanes, then sampling (golden)', () => {
  const o = { schedulingUs: 100, graphLaunchUs: 10, eagerLaunchUsPerKernel: 4, samplingUs: 40 };
  assert.deepEqual(stepTimingFromLanes(o, { mode: 'aggregated', gpuUs: 5000 }), { durationUs: 5140, prefillTokenOffsetUs: 5140, decodeTokenOffsetsUs: [5140], prefillDoneOffsetUs: -1 });
  // Split: decode tokens sampled on the GPU at each step's end; the prefill's by the host after its forward.
  assert.deepEqual(stepTimingFromLanes(o, { mode: 'split', prefillEndUs: 7000, decodeEndsUs: [3000, 6000, 9000] }), {
    durationUs: 100 + 9000 + 40,
    decodeTokenOffsetsUs: [3100, 6100, 9100],
    prefillTokenOffsetUs: 7140,
    prefillDoneOffsetUs: 7100,
  });
  // The prefill lane ends last: it sets the window.
  assert.equal(stepTimingFromLanes(o, { mode: 'split', prefillEndUs: 12000, decodeEndsUs: [3000] }).durationUs, 12140);
  assert.deepEqual(stepTimingFromLanes(o, { mode: 'split', prefillEndUs: null, decodeEndsUs: [3000] }), { durationUs: 3140, decodeTokenOffsetsUs: [3100], prefillTokenOffsetUs: -1, prefillDoneOffsetUs: -1 });
  // A measured host time replaces the modelled scheduling cost.
  assert.equal(stepTimingFromLanes(o, { mode: 'aggregated', gpuUs: 5000 }, 250).durationUs, 5290);
});

test("a split prices its decode lane on the last groups and its prefill on the first, the runners' pair layout", () => {
  // 112 + 20 SMs: the decode lane holds the GPC remainder, so only the last side's remainderSmsDrawn reaches it.
  const table = { source: 't', remainderMaxCtas: 2, rows: [1, 4096], shapes: [{ dIn: 4096, dOut: 6144, clusteredRows: [] }] };
  const on = (drawn?: object) => ({ ...hw, perf: { ...hw.perf, gemmKernels: { ...table, ...(drawn ? { remainderSmsDrawn: drawn } : {}) } } });
  const lanes = (h: typeof hw) => splitPricer(MODEL, h, prefill, decode, 112, 20, 1).lanes(4);
  const plain = lanes(on());
  assert.deepEqual(lanes(on({ first: [{ smCount: 20, value: 2 }] })), plain);
  const last = lanes(on({ last: [{ smCount: 20, value: 2 }] }));
  assert.ok(last.decodeLaneUs > plain.decodeLaneUs * 1.05, `${last.decodeLaneUs} vs ${plain.decodeLaneUs}`);
});
