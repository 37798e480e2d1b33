import type { CurvePoint, OpClass } from '../sim/hardware/hardware-spec.js';
import { median } from './error-stats.js';
import { OP_CLASSES } from '../sim/hardware/hardware-spec.js';
import { curveAt } from '../sim/latency/curve.js';
import type { MeasurementSet, OpRecord } from './measurement.js';
import { opWork, type LmHeadShape } from './op-work.js';
import { fitCurve } from './fit-curves.js';
import type { TorchRef } from './parse-torch-ref.js';

/**
 * How good our kernels are, from the same measurements the fit uses: each operator's achieved TFLOP/s
 * and GB/s against the ceilings measured at the same SM count (cuBLAS GEMM for Π(S), a streaming copy
 * for W(S)), and, where PyTorch baselines were timed on the same prefill attention shapes, our kernel's
 * time beside theirs. A kernel far below both ceilings is where the latency model's efficiency hides a
 * slow kernel rather than a hardware limit.
 */
export interface KernelQualityRow {
  readonly id: string;
  readonly op_class: OpClass;
  readonly sm_count: number;
  readonly median_us: number;
  readonly tflops_per_s: number;
  readonly gbytes_per_s: number;
  /** Achieved over the ceiling at this SM count. */
  readonly compute_fraction: number;
  readonly memory_fraction: number;
  /** Which ceiling the kernel is closer to: the one that limits it. */
  readonly bound: 'compute' | 'memory';
  /** The runner's fp64-reference check; null when the record has none. */
  readonly check_passed: boolean | null;
}

export interface TorchComparison {
  readonly shape: string;
  readonly baseline: string;
  readonly ours_id: string | null;
  readonly ours_us: number | null;
  readonly torch_us: number | null;
  /** torch_us / ours_us: above 1 means ours is faster. */
  readonly speedup: number | null;
  readonly note: string;
}

export interface KernelQualityReport {
  readonly schema: 'duetsim.kernel-quality/1';
  readonly gpu: string;
  readonly kernels: readonly KernelQualityRow[];
  /** Per class: median of each kernel's fraction of its binding ceiling, and the count. */
  readonly by_class: Readonly<Partial<Record<OpClass, { count: number; median_bound_fraction: number; failed_checks: number }>>>;
  readonly torch: readonly TorchComparison[];
}

function chunkKey(chunks: readonly { newTokens: number; cachedTokens: number }[]): string {
  return chunks.map((c) => `${c.newTokens}+${c.cachedTokens}`).join(',');
}

export function kernelQuality(data: MeasurementSet, lmHeads: readonly LmHeadShape[], torch: TorchRef | null): KernelQualityReport {
  const smCount = data.meta.smCount;
  const gemmCeil = data.records.filter((r) => r.kind === 'ceiling_gemm');
  const bwCeil = data.records.filter((r) => r.kind === 'ceiling_bandwidth');
  const compute: CurvePoint[] = fitCurve(gemmCeil, smCount, 'ceiling_gemm');
  const bandwidth: CurvePoint[] = fitCurve(bwCeil, smCount, 'ceiling_bandwidth');
  const ops = data.records.filter((r): r is OpRecord => r.kind === 'op' && r.medianUs > 0);
  const kernels = ops.map((r): KernelQualityRow => {
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
  const byClass: Partial<Record<OpClass, { count: number; median_bound_fraction: number; failed_checks: number }>> = {};
  for (const c of OP_CLASSES) {
    const rows = kernels.filter((k) => k.op_class === c);
    if (rows.length === 0) continue;
    byClass[c] = {
      count: rows.length,
      median_bound_fraction: median(rows.map((k) => Math.max(k.compute_fraction, k.memory_fraction))),
      failed_checks: rows.filter((k) => k.check_passed === false).length,
    };
  }
  return { schema: 'duetsim.kernel-quality/1', gpu: data.meta.gpu, kernels, by_class: byClass, torch: torch ? compareWithTorch(ops, torch, smCount) : [] };
}

/** PyTorch ran on the whole GPU: compare with our attention on the whole GPU, same heads and sequences. */
function compareWithTorch(ops: readonly OpRecord[], torch: TorchRef, smCount: number): TorchComparison[] {
  const ours = new Map<string, OpRecord>();
  for (const r of ops) {
    if (r.smCount !== smCount) continue;
    if (r.shape.op === 'attn_prefill') ours.set(`attn_prefill/${r.shape.hq}/${r.shape.hkv}/${chunkKey(r.shape.chunks)}`, r);
    if (r.shape.op === 'attn_decode') ours.set(`attn_decode/${r.shape.hq}/${r.shape.hkv}/${r.shape.contexts.join(',')}`, r);
  }
  return torch.rows.map((t) => {
    const seqs = t.op === 'attn_prefill' ? chunkKey(t.chunks) : t.chunks.map((c) => c.newTokens + c.cachedTokens).join(',');
    const mine = ours.get(`${t.op}/${t.hq}/${t.hkv}/${seqs}`) ?? null;
    const speedup = mine && t.medianUs !== null ? t.medianUs / mine.medianUs : null;
    const note = t.error ?? (mine ? '' : `no whole-GPU ${t.op} record of this shape in the data`);
    return { shape: t.shape, baseline: t.baseline, ours_id: mine ? mine.id : null, ours_us: mine ? mine.medianUs : null, torch_us: t.medianUs, speedup, note };
  });
}
