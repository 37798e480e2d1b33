import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSaturatingBandwidth, memoryBoundRates, saturatingAt, tabulate } from '../../calibrate/fit-bandwidth.js';
const src = { file: 'f.jsonl', line: 1 };
const ceiling = (smCount, bytesPerS) => ({
    kind: 'ceiling_bandwidth',
    id: `bw-${smCount}`,
    source: src,
    smCount,
    bytes: 2e9,
    medianUs: (2e9 / bytesPerS) * 1e6,
    p10Us: 0,
    p90Us: 0,
    reps: 8,
});
/** A GEMV-shaped op (one row through a 4096×24576 weight) that achieved `bytesPerS` on `smCount` SMs. */
const gemv = (smCount, bytesPerS) => {
    const bytes = (4096 + 4096 * 24576 + 24576) * 2;
    return { kind: 'op', id: `g-${smCount}`, source: src, smCount, shape: { op: 'gemm', n: 1, dIn: 4096, dOut: 24576 }, check: null, medianUs: (bytes / bytesPerS) * 1e6, p10Us: 0, p90Us: 0, reps: 8 };
};
test('the saturating form is linear at few SMs and flat at many', () => {
    const c = { perSmBytesPerS: 1e11, maxBytesPerS: 4e12, knee: 4 };
    assert.ok(Math.abs(saturatingAt(c, 1) / 1e11 - 1) < 1e-4);
    assert.ok(Math.abs(saturatingAt(c, 1000) / 4e12 - 1) < 1e-3);
    for (let s = 1; s < 132; s++)
        assert.ok(saturatingAt(c, s + 1) > saturatingAt(c, s), 'monotone');
});
test('the curve bounds every achieved rate from above, ignoring a poor copy kernel on small partitions', () => {
    // Copy kernel: 0.42 TB/s on 16 SMs (poor); weight streaming reached 2.6 TB/s on 24 and 4.0 on 72 and 132.
    const ceilings = [ceiling(16, 0.42e12), ceiling(64, 1.5e12), ceiling(132, 2.76e12)];
    const ops = [gemv(24, 2.6e12), gemv(72, 4.0e12), gemv(132, 4.01e12)];
    const c = fitSaturatingBandwidth(ceilings, ops, [], 132);
    for (const [s, v] of [
        [24, 2.6e12],
        [72, 4.0e12],
        [132, 4.01e12],
        [16, 0.42e12],
    ]) {
        assert.ok(saturatingAt(c, s) >= v * 0.97, `B(${s}) = ${saturatingAt(c, s)} under the achieved ${v}`);
    }
    // …and hugs the envelope where it was measured (within 10%).
    assert.ok(saturatingAt(c, 132) < 4.01e12 * 1.1);
    assert.ok(saturatingAt(c, 24) < 2.6e12 * 1.1);
    const pts = tabulate(c, [132, 16, 64, 16]);
    assert.deepEqual(pts.map((p) => p.smCount), [16, 64, 132]);
});
test('only memory-bound operators count as bandwidth evidence', () => {
    const big = { ...gemv(24, 1e12), shape: { op: 'gemm', n: 2048, dIn: 4096, dOut: 24576 } };
    assert.equal(memoryBoundRates([gemv(24, 1e12), big], []).length, 1);
});
test('no bandwidth evidence on the whole GPU is refused', () => {
    assert.throws(() => fitSaturatingBandwidth([ceiling(64, 1e12)], [], [], 132), /whole GPU/);
});
