import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSlowdown, parseGemmProbe, remapSmAxis, seedFromProbe } from '../../calibrate/gemm-probe-seed.js';
import { expectInputError } from '../util/expect-input-error.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../sim/trace/bundled.js';
import { loadHardware } from '../../sim/config/load-hardware.js';
/**
 * A probe in the shared file's format for a 16-SM GPU, with slowdowns planted exactly: decode beside a
 * prefill on half the chip runs 1 + 0.6·0.5 = 1.3x its solo time on 8 SMs, prefill 1 + 0.4·0.5 = 1.2x.
 * Solo times on 8 SMs: 1e8 bytes / 500 GB/s = 0.2 ms and 1e11 FLOPs / 50 TFLOP/s = 2 ms.
 */
const PROBE = [
    'SMs=16 resource smCount=16',
    'FULL GPU alone: prefill 1.000 ms (100 TFLOP/s)  decode 0.100 ms (1000 GB/s)',
    'k_sms prefill_ms prefill_TFLOPs decode_ms decode_GBs',
    '8 2.000 50 0.200 500',
    '12 1.500 70 0.100 1100',
    'SPLIT prefill=8 decode=8: decode 0.26 ms under prefill; prefill 2.4 ms under decode',
    'done',
].join('\n');
test('fitSlowdown recovers a planted slope through the origin', () => {
    const samples = [0.25, 0.5, 0.75].map((s) => ({ runSms: 8, partnerShare: s, aloneMs: 2, besideMs: 2 * (1 + 0.7 * s) }));
    assert.ok(Math.abs(fitSlowdown(samples) - 0.7) < 1e-12);
    assert.equal(fitSlowdown([]), 0);
});
test('seedFromProbe builds monotone curves ending at the whole GPU and recovers the planted contention', () => {
    const seed = seedFromProbe(parseGemmProbe(PROBE, 'probe.txt'));
    assert.deepEqual(seed.computeFlopsPerS, [
        { smCount: 8, value: 50e12 },
        { smCount: 12, value: 70e12 },
        { smCount: 16, value: 100e12 },
    ]);
    // 1100 GB/s at 12 SMs then 1000 on the whole GPU: pooled to 1050.
    assert.deepEqual(seed.bandwidthBytesPerS.map((p) => p.value / 1e9), [500, 1050, 1050]);
    assert.ok(Math.abs(seed.decodeSamples[0].aloneMs - 0.2) < 1e-12);
    assert.ok(Math.abs(seed.contention.memory - 0.6) < 1e-9, String(seed.contention.memory));
    assert.ok(Math.abs(seed.contention.compute - 0.4) < 1e-9, String(seed.contention.compute));
});
test('a file without the probe lines is a located input error', () => {
    expectInputError(() => parseGemmProbe('hello\n', 'notes.txt'), [{ code: 'bad-probe', file: 'notes.txt' }]);
});
test('remapSmAxis keeps each point at its share of the chip, on the target granularity', () => {
    const moved = remapSmAxis([
        { smCount: 8, value: 1 },
        { smCount: 16, value: 2 },
        { smCount: 132, value: 3 },
    ], 132, 108, 2);
    assert.deepEqual(moved, [
        { smCount: 6, value: 1 },
        { smCount: 14, value: 2 },
        { smCount: 108, value: 3 },
    ]);
});
test('the bundled seeds are what the committed H200 probe gives (4 significant digits, contention to 3 decimals)', () => {
    const file = join(packageRoot(), 'configs', 'hardware', 'probes', 'h200-gemm-partition-probe.txt');
    const probe = parseGemmProbe(readFileSync(file, 'utf8'), file);
    const seed = seedFromProbe(probe);
    const rounded = (points, scale = 1) => points.map((p) => ({ smCount: p.smCount, value: Number((p.value * scale).toPrecision(4)) }));
    const h200 = loadHardware('h200', { useCalibration: false }).perf;
    assert.deepEqual(h200.computeFlopsPerS, rounded(seed.computeFlopsPerS));
    assert.deepEqual(h200.bandwidthBytesPerS, rounded(seed.bandwidthBytesPerS));
    assert.deepEqual(h200.contention, { memory: Number(seed.contention.memory.toFixed(3)), compute: Number(seed.contention.compute.toFixed(3)) });
    const h100 = loadHardware('h100-sxm', { useCalibration: false }).perf;
    assert.deepEqual(h100.computeFlopsPerS, rounded(seed.computeFlopsPerS));
    assert.deepEqual(h100.bandwidthBytesPerS, rounded(seed.bandwidthBytesPerS, 3.35 / 4.8));
    const a100 = loadHardware('a100-80g', { useCalibration: false }).perf;
    assert.deepEqual(a100.bandwidthBytesPerS, rounded(remapSmAxis(seed.bandwidthBytesPerS, probe.smCount, 108, 2), 2.039 / 4.8));
});
