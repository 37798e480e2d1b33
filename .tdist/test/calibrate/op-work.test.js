import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictIteration } from '../../sim/latency/roofline.js';
import { opWork } from '../../calibrate/op-work.js';
import { opPoints } from '../../calibrate/fit-efficiency.js';
import { qwenModels, testHardware } from '../util/calibration-fixtures.js';
test('operator FLOPs and bytes add up to what the roofline charges a whole forward', () => {
    const m = qwenModels()['qwen3-14b'];
    const chunks = [
        { newTokens: 300, cachedTokens: 0 },
        { newTokens: 77, cachedTokens: 1000 },
    ];
    const contexts = [512, 1024, 4096];
    const n = 377 + contexts.length;
    const { hiddenSize: d, headDim: dh, numQHeads: hq, numKvHeads: hkv, ffnSize: ffn } = m;
    const layer = [
        { op: 'gemm', n, dIn: d, dOut: (hq + 2 * hkv) * dh },
        { op: 'gemm', n, dIn: hq * dh, dOut: d },
        { op: 'gemm', n, dIn: d, dOut: 2 * ffn },
        { op: 'gemm', n, dIn: ffn, dOut: d },
        { op: 'attn_prefill', hq, hkv, dh, chunks },
        { op: 'attn_decode', hq, hkv, dh, contexts },
        { op: 'elementwise', which: 'add_rmsnorm', n, dim: d },
        { op: 'elementwise', which: 'add_rmsnorm', n, dim: d },
        { op: 'elementwise', which: 'rope', n, dim: (hq + hkv) * dh },
        { op: 'elementwise', which: 'qk_norm', n, dim: (hq + hkv) * dh },
        { op: 'elementwise', which: 'silu_mul', n, dim: ffn },
    ];
    const numSeqs = chunks.length + contexts.length;
    const lmHeads = [{ hiddenSize: d, vocabSize: m.vocabSize }];
    const expected = new Map();
    const add = (c, flops, bytes) => {
        const e = expected.get(c) ?? { flops: 0, bytes: 0 };
        expected.set(c, { flops: e.flops + flops, bytes: e.bytes + bytes });
    };
    for (const s of layer) {
        const w = opWork(s, lmHeads);
        add(w.opClass, w.flops * m.numLayers, w.bytes * m.numLayers);
    }
    const head = opWork({ op: 'gemm', n: numSeqs, dIn: d, dOut: m.vocabSize }, lmHeads);
    assert.equal(head.opClass, 'lm_head');
    add(head.opClass, head.flops, head.bytes);
    // Embedding gather and final norm: elementwise kernels outside the layers, not calibrated on their own.
    add('elementwise', 0, 2 * n * d * 2 + 2 * numSeqs * d * 2);
    const batch = { prefills: chunks, decodeCount: contexts.length, decodeContextTokens: contexts.reduce((a, b) => a + b, 0) };
    const p = predictIteration(m, testHardware(), batch, { smCount: 132, partnerSmCount: 0, launch: 'graph', tpDegree: 1 });
    for (const b of p.breakdown) {
        const e = expected.get(b.op);
        assert.ok(e, b.op);
        assert.ok(Math.abs(b.flops - e.flops) <= 1e-9 * Math.max(1, e.flops), `${b.op} flops ${b.flops} vs ${e.flops}`);
        assert.ok(Math.abs(b.bytes - e.bytes) <= 1e-9 * e.bytes, `${b.op} bytes ${b.bytes} vs ${e.bytes}`);
    }
    assert.equal(p.breakdown.length, expected.size);
});
test('prefill attention: cachedPrefixFlops is the part of the FLOPs in chunks over a cached prefix', () => {
    const w = opWork({
        op: 'attn_prefill',
        hq: 4,
        hkv: 2,
        dh: 8,
        chunks: [
            { newTokens: 10, cachedTokens: 0 },
            { newTokens: 6, cachedTokens: 20 },
        ],
    }, []);
    // 4·hq·dh·(q·c + q²/2) per chunk: 128·50 plain, 128·138 over the prefix.
    assert.equal(w.flops, 128 * (50 + 138));
    assert.equal(w.cachedPrefixFlops, 128 * 138);
});
test('opPoints: a prefill attention operator carries the wave padding the roofline prices, its cached part apart', () => {
    // 32 heads, 64-row blocks on 96 SMs: 256 and 64 queries are (4 + 1)·32 = 160 blocks, two waves (192 slots): 1.2×.
    const chunks = [
        { newTokens: 256, cachedTokens: 1024 },
        { newTokens: 64, cachedTokens: 0 },
    ];
    const record = { kind: 'op', id: 'ap', source: { file: 'f', line: 1 }, smCount: 96, medianUs: 10, p10Us: 10, p90Us: 10, shape: { op: 'attn_prefill', hq: 32, hkv: 8, dh: 128, chunks }, check: null };
    const curve = [{ smCount: 132, value: 1e15 }];
    const [p] = opPoints([record], curve, curve, [], null, { attnWaveBlend: 1, attnRowTile: 64 });
    const fCached = 4 * 32 * 128 * (256 * 1024 + (256 * 256) / 2);
    const fPlain = (4 * 32 * 128 * (64 * 64)) / 2;
    const close = (a, b) => assert.ok(Math.abs(a - b) <= 1e-12 * b, `${a} vs ${b}`);
    close(p.padFlops, 0.2 * (fCached + fPlain));
    close(p.cachedPrefixFlops, 1.2 * fCached);
    assert.equal(p.flops, fCached + fPlain);
    // Without the term, only the counted cached FLOPs.
    const [q] = opPoints([record], curve, curve, [], null, {});
    assert.equal(q.padFlops, 0);
    assert.equal(q.cachedPrefixFlops, fCached);
});
