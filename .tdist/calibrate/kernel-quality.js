import { median } from './error-stats.js';
import { OP_CLASSES } from '../sim/hardware/hardware-spec.js';
import { curveAt } from '../sim/latency/curve.js';
import { opWork } from './op-work.js';
import { fitCurve } from './fit-curves.js';
function chunkKey(chunks) {
    return chunks.map((c) => `${c.newTokens}+${c.cachedTokens}`).join(',');
}
export function kernelQuality(data, lmHeads, torch) {
    const smCount = data.meta.smCount;
    const gemmCeil = data.records.filter((r) => r.kind === 'ceiling_gemm');
    const bwCeil = data.records.filter((r) => r.kind === 'ceiling_bandwidth');
    const compute = fitCurve(gemmCeil, smCount, 'ceiling_gemm');
    const bandwidth = fitCurve(bwCeil, smCount, 'ceiling_bandwidth');
    const ops = data.records.filter((r) => r.kind === 'op' && r.medianUs > 0);
    const kernels = ops.map((r) => {
        const w = opWork(r.shape, lmHeads);
        const flopsPerS = (w.flops / r.medianUs) * 1e6;
        const bytesPerS = (w.bytes / r.medianUs) * 1e6;
        const computeFraction = flopsPerS / curveAt(compute, r.smCount);
        const memoryFraction = bytesPerS / curveAt(bandwidth, r.smCount);
        return {
            id: r.id,
            op_class: w.opClass,
            sm_count: r.smCount,
            median_us: r.medianUs,
            tflops_per_s: flopsPerS / 1e12,
            gbytes_per_s: bytesPerS / 1e9,
            compute_fraction: computeFraction,
            memory_fraction: memoryFraction,
            bound: computeFraction >= memoryFraction ? 'compute' : 'memory',
            check_passed: r.check ? r.check.passed : null,
        };
    });
    const byClass = {};
    for (const c of OP_CLASSES) {
        const rows = kernels.filter((k) => k.op_class === c);
        if (rows.length === 0)
            continue;
        byClass[c] = {
            count: rows.length,
            median_bound_fraction: median(rows.map((k) => Math.max(k.compute_fraction, k.memory_fraction))),
            failed_checks: rows.filter((k) => k.check_passed === false).length,
        };
    }
    return { schema: 'duetsim.kernel-quality/1', gpu: data.meta.gpu, kernels, by_class: byClass, torch: torch ? compareWithTorch(ops, torch, smCount) : [] };
}
/** PyTorch ran on the whole GPU: compare with our attention on the whole GPU, same heads and sequences. */
function compareWithTorch(ops, torch, smCount) {
    const ours = new Map();
    for (const r of ops) {
        if (r.smCount !== smCount)
            continue;
        if (r.shape.op === 'attn_prefill')
            ours.set(`attn_prefill/${r.shape.hq}/${r.shape.hkv}/${chunkKey(r.shape.chunks)}`, r);
        if (r.shape.op === 'attn_decode')
            ours.set(`attn_decode/${r.shape.hq}/${r.shape.hkv}/${r.shape.contexts.join(',')}`, r);
    }
    return torch.rows.map((t) => {
        const seqs = t.op === 'attn_prefill' ? chunkKey(t.chunks) : t.chunks.map((c) => c.newTokens + c.cachedTokens).join(',');
        const mine = ours.get(`${t.op}/${t.hq}/${t.hkv}/${seqs}`) ?? null;
        const speedup = mine && t.medianUs !== null ? t.medianUs / mine.medianUs : null;
        const note = t.error ?? (mine ? '' : `no whole-GPU ${t.op} record of this shape in the data`);
        return { shape: t.shape, baseline: t.baseline, ours_id: mine ? mine.id : null, ours_us: mine ? mine.medianUs : null, torch_us: t.medianUs, speedup, note };
    });
}
