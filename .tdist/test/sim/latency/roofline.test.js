import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchedForwardUs, predictIteration, predictTotalUs } from '../../../sim/latency/roofline.js';
import { TINY_MODEL, tinyHardware, perf } from '../../util/fixtures.js';
const whole = { smCount: 100, partnerSmCount: 0, launch: 'graph', tpDegree: 1 };
test('one decode token over 3 cached tokens costs the hand-computed 7.16 µs', () => {
    // Rates: 100 FLOP/µs and 100 B/µs on 100 SMs. Per layer (n = 1, d = 4, dh = 2, hq = 2, hkv = 1, ffn = 8, s = 2):
    // qkv 4→8: F 64, B 88 → 0.88; o 4→4: F 32, B 48 → 0.48; gate_up 4→16: F 128, B 168 → 1.68; down 8→4: F 64, B 88 → 0.88;
    // decode attention c = 3: F 48, B 48 → 0.48; add+norm 32 B ×2 → 0.64; rope 24 B → 0.24; silu·mul 48 B → 0.48.
    // Embedding 16 B → 0.16, final norm 16 B → 0.16, LM head 4→10: F 80, B 108 → 1.08.
    const p = predictIteration(TINY_MODEL, tinyHardware(), { prefills: [], decodeCount: 1, decodeContextTokens: 3 }, whole);
    assert.ok(Math.abs(p.gpuUs - 7.16) < 1e-9, `gpuUs ${p.gpuUs}`);
    const gemm = p.breakdown.find((b) => b.op === 'gemm');
    assert.equal(gemm.flops, 288);
    assert.equal(gemm.bytes, 88 + 48 + 168 + 88);
    assert.equal(p.kernels, 4 + 1 + 4 + 3);
    assert.equal(p.overheadUs, 0);
});
test('prefill attention counts the causal half of the q×q block plus the cached prefix', () => {
    const p = predictIteration(TINY_MODEL, tinyHardware(), { prefills: [{ newTokens: 4, cachedTokens: 2 }], decodeCount: 0, decodeContextTokens: 0 }, whole);
    const attn = p.breakdown.find((b) => b.op === 'attn_prefill');
    // 4·hq·dh·(q·c + q²/2) = 4·2·2·(8 + 8) = 256
    assert.equal(attn.flops, 256);
    // (2·hq·q·dh + 2·hkv·(q+c)·dh + 2·hkv·q·dh)·s = (32 + 24 + 16)·2 = 144
    assert.equal(attn.bytes, 144);
});
test('halving the SMs doubles a compute-bound kernel time on a linear curve', () => {
    const batch = { prefills: [{ newTokens: 4096, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
    const full = predictIteration(TINY_MODEL, tinyHardware(), batch, whole);
    const half = predictIteration(TINY_MODEL, tinyHardware(), batch, { ...whole, smCount: 50 });
    assert.ok(Math.abs(half.gpuUs / full.gpuUs - 2) < 1e-9);
});
test('a partner partition stretches time by the contention terms', () => {
    const hw = tinyHardware({ perf: perf({ contention: { memory: 0.5, compute: 0.5 } }) });
    const batch = { prefills: [], decodeCount: 8, decodeContextTokens: 800 };
    const alone = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60 });
    const beside = predictIteration(TINY_MODEL, hw, batch, { ...whole, smCount: 60, partnerSmCount: 40 });
    // 1 + 0.5 · 40/100 = 1.2
    assert.ok(Math.abs(beside.gpuUs / alone.gpuUs - 1.2) < 1e-9);
});
test('the kernel floor bounds every kernel from below', () => {
    const hw = tinyHardware({ perf: perf({ kernelFloorUs: 5 }) });
    const p = predictIteration(TINY_MODEL, hw, { prefills: [], decodeCount: 1, decodeContextTokens: 3 }, whole);
    assert.equal(p.gpuUs, 5 * p.kernels);
});
test('overheads are kept apart from GPU time; eager launch is bounded by host dispatch', () => {
    const hw = tinyHardware({ overheads: { schedulingUs: 10, graphLaunchUs: 3, eagerLaunchUsPerKernel: 5, samplingUs: 7 } });
    const batch = { prefills: [], decodeCount: 1, decodeContextTokens: 3 };
    const g = predictIteration(TINY_MODEL, hw, batch, whole);
    assert.ok(Math.abs(g.overheadUs - 20) < 1e-9);
    const e = predictIteration(TINY_MODEL, hw, batch, { ...whole, launch: 'eager' });
    // 12 kernels × 5 µs = 60 µs of dispatch, more than 7.16 µs of GPU work.
    assert.ok(Math.abs(e.totalUs - (60 + 17)) < 1e-9);
    assert.equal(predictTotalUs(TINY_MODEL, hw, batch, whole), g.totalUs);
});
test('an empty batch costs nothing', () => {
    const p = predictIteration(TINY_MODEL, tinyHardware(), { prefills: [], decodeCount: 0, decodeContextTokens: 0 }, whole);
    assert.equal(p.totalUs, 0);
});
test('the launch rule: a graph adds its launch to the GPU time; eager launches overlap it, so the longer of the two counts', () => {
    const hw = tinyHardware({ overheads: { schedulingUs: 100, graphLaunchUs: 10, eagerLaunchUsPerKernel: 4, samplingUs: 40 } });
    assert.equal(launchedForwardUs(hw, 500, 50, 'graph'), 510);
    assert.equal(launchedForwardUs(hw, 500, 50, 'eager'), 500); // 50 launches take 200 µs, hidden under 500 µs of GPU work
    assert.equal(launchedForwardUs(hw, 100, 50, 'eager'), 200); // the host is the bottleneck
});
