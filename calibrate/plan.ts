import type { HardwareSpec, OpClass } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import type { IterationBatch } from '../sim/latency/iteration-batch.js';
import { kernelUs, predictGpuUs, ratesFor } from '../sim/latency/roofline.js';
import { curveAt } from '../sim/latency/curve.js';
import { clusterSms } from '../sim/hardware/partition.js';
import { PLAN_VERSION, uniqueExperiments, type Plan, type PlanBatch, type PlanExperiment, type PlanModel } from './plan-format.js';
import { opWork, type LmHeadShape } from './op-work.js';
import type { OpShape } from './measurement.js';

/**
 * Builds the measurement plan: ceilings on every partition size, single operators at the shapes the
 * models' forwards use, whole forwards (prefill-only, decode-only, mixed) on the partition sizes the
 * simulator uses, and prefill/decode pairs running side by side. Pure and deterministic: the same
 * models and hardware give the same JSON, experiments in a fixed order with ids that name their shape.
 */
export interface PlanOptions {
  /** Models by the key used in ids and records (e.g. 'qwen3-8b'). */
  readonly models: readonly { readonly key: string; readonly spec: ModelSpec }[];
  /** SM count, partition granularity and (for the runtime estimate) the current perf curves. */
  readonly hardware: HardwareSpec;
  readonly repeats: number;
  readonly warmup: number;
}

/** Token counts of the single-GEMM sweep: one decode token up to a full chunked-prefill budget. */
const GEMM_TOKENS = [1, 8, 32, 128, 512, 2048];
const LM_HEAD_ROWS = [1, 16, 64, 256];
const ELEMENTWISE_TOKENS = [16, 512, 4096];
/**
 * Prefill attention chunks as [new, cached]. The first five are the shapes cuda/tests/bench_attn_prefill.py
 * times PyTorch SDPA / FlashAttention on, so the quality report can put our kernel beside them.
 */
const PREFILL_ATTN: readonly (readonly [number, number][])[] = [
  [[2048, 0]],
  [[512, 1024]],
  [
    [300, 0],
    [77, 1000],
    [1000, 45],
  ],
  [[8192, 0]],
  new Array<[number, number]>(8).fill([1024, 0]),
  [[512, 0]],
  [[1024, 3072]],
];
const DECODE_ATTN: readonly [number, number][] = [
  [1, 512],
  [1, 4096],
  [16, 512],
  [16, 4096],
  [64, 512],
  [64, 4096],
  [256, 512],
  [256, 4096],
];
/**
 * Forward batches. KV held by one batch stays ≤ 131,072 tokens (about 21 GB for Qwen3-14B at 164 KB per
 * token), so weights (up to ~30 GB), KV and activations fit an 80 GB H100.
 */
export const FORWARD_BATCHES: readonly PlanBatch[] = [
  { prefills: [{ new: 512, cached: 0 }] },
  { prefills: [{ new: 2048, cached: 0 }] },
  { prefills: [{ new: 1024, cached: 1024 }] },
  { prefills: [{ new: 256, cached: 0 }, { new: 256, cached: 0 }, { new: 256, cached: 0 }, { new: 256, cached: 0 }] },
  { decodes: { count: 8, context: 1024 } },
  { decodes: { count: 32, context: 2048 } },
  { decodes: { count: 64, context: 2048 } },
  { decodes: { count: 128, context: 1024 } },
  { decodes: [512, 1024, 2048, 4096, 8192, 16384] },
  { prefills: [{ new: 512, cached: 0 }], decodes: { count: 32, context: 1024 } },
  { prefills: [{ new: 256, cached: 1024 }], decodes: { count: 64, context: 1024 } },
  { prefills: [{ new: 1024, cached: 0 }], decodes: { count: 16, context: 512 } },
];
const CONCURRENT_PREFILLS: readonly PlanBatch[] = [{ prefills: [{ new: 1024, cached: 0 }] }, { prefills: [{ new: 512, cached: 1024 }] }];
const CONCURRENT_DECODES: readonly PlanBatch[] = [
  { decodes: { count: 32, context: 2048 } },
  { decodes: { count: 64, context: 1024 } },
  { decodes: { count: 128, context: 512 } },
];
/** Look-ahead k: decode replays per prefill, chosen so k decode steps last about one prefill (DuetServe's aim). */
const MAX_LOOKAHEAD = 16;
const CEILING_GEMM_DIM = 8192;
/** 2 GiB: far beyond L2 (50 MB), so the copy streams from HBM. */
const CEILING_BANDWIDTH_BYTES = 2 ** 31;

/**
 * Partition sizes green contexts can make: SMs come in groups of `granularitySms`, the last group taking
 * the remainder (Hopper, 132 SMs: 15 groups of 8 and one of 12, hardware-notes/README.md). A partition is
 * the first i groups; its complement (the partner of a split) holds the rest, remainder included.
 */
export function partitionSizes(hw: HardwareSpec): number[] {
  const g = hw.partition.granularitySms;
  const groups = Math.floor(hw.smCount / g);
  const sizes: number[] = [];
  for (let i = 1; i < groups; i++) if (i * g >= hw.partition.minSms) sizes.push(i * g);
  sizes.push(hw.smCount);
  return sizes;
}

/** Prefill partition sizes for splits: about a quarter, half and three quarters of the GPU. */
export function splitPrefillSizes(hw: HardwareSpec): number[] {
  const g = hw.partition.granularitySms;
  return [0.25, 0.5, 0.75].map((f) => Math.max(hw.partition.minSms, Math.floor((f * hw.smCount) / g) * g));
}

export function toPlanModel(m: ModelSpec): PlanModel {
  return {
    numLayers: m.numLayers,
    hiddenSize: m.hiddenSize,
    numQHeads: m.numQHeads,
    numKvHeads: m.numKvHeads,
    headDim: m.headDim,
    ffnSize: m.ffnSize,
    vocabSize: m.vocabSize,
    qkNorm: m.qkNorm,
  };
}

export function batchLabel(b: PlanBatch): string {
  const parts: string[] = [];
  if (b.prefills) parts.push('p' + b.prefills.map((c) => `${c.new}+${c.cached}`).join('_'));
  if (b.decodes) parts.push(Array.isArray(b.decodes) ? `d${(b.decodes as readonly number[]).join('_')}` : `d${(b.decodes as { count: number }).count}x${(b.decodes as { context: number }).context}`);
  return parts.join('-');
}

export function toIterationBatch(b: PlanBatch): IterationBatch {
  const prefills = (b.prefills ?? []).map((c) => ({ newTokens: c.new, cachedTokens: c.cached }));
  let decodeCount = 0;
  let decodeContextTokens = 0;
  if (Array.isArray(b.decodes)) {
    for (const c of b.decodes as readonly number[]) {
      decodeCount++;
      decodeContextTokens += c;
    }
  } else if (b.decodes) {
    const d = b.decodes as { count: number; context: number };
    decodeCount = d.count;
    decodeContextTokens = d.count * d.context;
  }
  return { prefills, decodeCount, decodeContextTokens };
}

/** A layer's four linear projections as [dIn, dOut]: fused qkv, attention output, fused gate/up, down (not the LM head). */
export function linearShapes(m: ModelSpec): [number, number][] {
  const d = m.hiddenSize;
  const dh = m.headDim;
  return [
    [d, (m.numQHeads + 2 * m.numKvHeads) * dh],
    [m.numQHeads * dh, d],
    [d, 2 * m.ffnSize],
    [m.ffnSize, d],
  ];
}

export function opShapes(m: ModelSpec): OpShape[] {
  const d = m.hiddenSize;
  const dh = m.headDim;
  const hq = m.numQHeads;
  const hkv = m.numKvHeads;
  const shapes: OpShape[] = [];
  for (const n of GEMM_TOKENS) for (const [dIn, dOut] of linearShapes(m)) shapes.push({ op: 'gemm', n, dIn, dOut });
  for (const n of LM_HEAD_ROWS) shapes.push({ op: 'gemm', n, dIn: d, dOut: m.vocabSize });
  for (const chunks of PREFILL_ATTN) {
    shapes.push({ op: 'attn_prefill', hq, hkv, dh, chunks: chunks.map(([q, c]) => ({ newTokens: q, cachedTokens: c })) });
  }
  for (const [count, ctx] of DECODE_ATTN) shapes.push({ op: 'attn_decode', hq, hkv, dh, contexts: new Array<number>(count).fill(ctx) });
  const qkDim = (hq + hkv) * dh;
  for (const n of ELEMENTWISE_TOKENS) {
    shapes.push({ op: 'elementwise', which: 'add_rmsnorm', n, dim: d });
    shapes.push({ op: 'elementwise', which: 'rope', n, dim: qkDim });
    if (m.qkNorm) shapes.push({ op: 'elementwise', which: 'qk_norm', n, dim: qkDim });
    shapes.push({ op: 'elementwise', which: 'silu_mul', n, dim: m.ffnSize });
  }
  return shapes;
}

export function opExperiment(shape: OpShape, sms: number): PlanExperiment {
  switch (shape.op) {
    case 'gemm':
      return { id: `gemm-n${shape.n}-${shape.dIn}x${shape.dOut}-s${sms}`, kind: 'op', op: 'gemm', sms, n: shape.n, d_in: shape.dIn, d_out: shape.dOut };
    case 'attn_prefill': {
      const chunks = shape.chunks.map((c) => ({ new: c.newTokens, cached: c.cachedTokens }));
      return { id: `ap-${shape.hq}q${shape.hkv}kv-${batchLabel({ prefills: chunks })}-s${sms}`, kind: 'op', op: 'attn_prefill', sms, hq: shape.hq, hkv: shape.hkv, dh: shape.dh, chunks };
    }
    case 'attn_decode': {
      const label = `${shape.contexts.length}x${shape.contexts[0]}`;
      return { id: `ad-${shape.hq}q${shape.hkv}kv-${label}-s${sms}`, kind: 'op', op: 'attn_decode', sms, hq: shape.hq, hkv: shape.hkv, dh: shape.dh, contexts: shape.contexts };
    }
    case 'elementwise':
      return { id: `ew-${shape.which}-n${shape.n}-d${shape.dim}-s${sms}`, kind: 'op', op: 'elementwise', which: shape.which, sms, n: shape.n, dim: shape.dim };
  }
}

function forwardUs(m: ModelSpec, hw: HardwareSpec, b: PlanBatch, smCount: number, partnerSmCount: number): number {
  return predictGpuUs(m, hw, toIterationBatch(b), { smCount, partnerSmCount, launch: 'graph', tpDegree: 1 });
}

export function generatePlan(opts: PlanOptions): Plan {
  const hw = opts.hardware;
  const N = hw.smCount;
  const sizes = partitionSizes(hw);
  const prefillSplits = splitPrefillSizes(hw);
  const decodeSplits = prefillSplits.map((p) => N - p);
  const sorted = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
  const ceilingSms = sorted([...sizes, ...decodeSplits]);
  // Forwards on the partition sizes splits use, and the whole GPU.
  const forwardSms = sorted([...prefillSplits, ...decodeSplits, N]);
  const opSms = sorted([2 * hw.partition.granularitySms, decodeSplits[2], prefillSplits[1], decodeSplits[0], N].filter((s) => s >= hw.partition.minSms));

  const { experiments, add } = uniqueExperiments();
  for (const sms of ceilingSms) add({ id: `ceil-gemm-s${sms}`, kind: 'ceiling_gemm', sms, m: CEILING_GEMM_DIM, n: CEILING_GEMM_DIM, k: CEILING_GEMM_DIM });
  for (const sms of ceilingSms) add({ id: `ceil-bw-s${sms}`, kind: 'ceiling_bandwidth', sms, bytes: CEILING_BANDWIDTH_BYTES });
  for (const { spec } of opts.models) for (const sms of opSms) for (const shape of opShapes(spec)) add(opExperiment(shape, sms));
  for (const { key } of opts.models) {
    for (const sms of forwardSms) for (const batch of FORWARD_BATCHES) add({ id: `fw-${key}-s${sms}-${batchLabel(batch)}`, kind: 'forward', model: key, sms, batch });
  }
  for (const { key, spec } of opts.models) {
    prefillSplits.forEach((ps, i) => {
      const ds = decodeSplits[i];
      for (const pb of CONCURRENT_PREFILLS) {
        for (const db of CONCURRENT_DECODES) {
          const ratio = forwardUs(spec, hw, pb, ps, ds) / forwardUs(spec, hw, db, ds, ps);
          const k = Math.min(MAX_LOOKAHEAD, Math.max(1, Math.round(ratio)));
          add({
            id: `cc-${key}-p${ps}-${batchLabel(pb)}-d${ds}-${batchLabel(db)}-k${k}`,
            kind: 'concurrent',
            model: key,
            prefill: { sms: ps, batch: pb },
            decode: { sms: ds, batch: db, k },
          });
        }
      }
    });
  }
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  return { version: PLAN_VERSION, models, repeats: opts.repeats, warmup: opts.warmup, experiments };
}

/** GPU time of one repeat of each experiment, by the latency model with the hardware's current perf. */
export interface PlanEstimate {
  readonly experiments: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** Σ (repeats + warmup) × predicted µs per repeat, in seconds. Excludes setup (allocation, weight fill, graph capture). */
  readonly gpuSeconds: number;
}

export function estimatePlan(plan: Plan, models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec): PlanEstimate {
  const byKind: Record<string, number> = {};
  const lmHeads: LmHeadShape[] = Object.values(models).map((m) => ({ hiddenSize: m.hiddenSize, vocabSize: m.vocabSize }));
  // A plan may measure the GPC remainder alone (the gemm-rows plan does, to see cuBLAS's clustered kernels fail
  // there), which the latency model refuses to price with a kernel table: such experiments are estimated as if
  // every GEMM ran there, without the table.
  const { gemmKernels: _table, ...unclustered } = hw.perf;
  const bare: HardwareSpec = { ...hw, perf: unclustered };
  const aloneOnRemainder = (e: PlanExperiment): boolean =>
    (e.kind === 'concurrent' ? [e.prefill.sms, e.decode.sms] : [e.sms]).some((s) => s < hw.smCount && clusterSms(hw, s) === 0);
  let us = 0;
  for (const e of plan.experiments) {
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    us += e.kind === 'clock_regime' ? 2 * e.seconds * 1e6 : (plan.repeats + plan.warmup) * experimentUs(e, models, aloneOnRemainder(e) ? bare : hw, lmHeads);
  }
  return { experiments: plan.experiments.length, byKind, gpuSeconds: us / 1e6 };
}

function experimentUs(e: PlanExperiment, models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, lmHeads: readonly LmHeadShape[]): number {
  const opKernelUs = (opClass: OpClass, flops: number, bytes: number, sms: number): number =>
    kernelUs(hw, ratesFor(hw, { smCount: sms, partnerSmCount: 0, launch: 'graph', tpDegree: 1 }), opClass, flops, bytes, 1, null);
  switch (e.kind) {
    case 'ceiling_gemm':
      return (2 * e.m * e.n * e.k * 1e6) / curveAt(hw.perf.computeFlopsPerS, e.sms);
    case 'ceiling_bandwidth':
      return (e.bytes * 1e6) / curveAt(hw.perf.bandwidthBytesPerS, e.sms);
    case 'op': {
      const w = opWork(opShapeOf(e), lmHeads);
      return opKernelUs(w.opClass, w.flops, w.bytes, e.sms);
    }
    case 'forward':
      return forwardUs(models[e.model], hw, e.batch, e.sms, 0);
    case 'concurrent': {
      const m = models[e.model];
      // Each side alone, then together (the longer of k decodes and one prefill).
      const decode = e.decode.k * forwardUs(m, hw, e.decode.batch, e.decode.sms, 0);
      const prefill = forwardUs(m, hw, e.prefill.batch, e.prefill.sms, 0);
      return decode + prefill + Math.max(decode, prefill);
    }
    case 'clock_regime':
      // Priced in estimatePlan: both regimes run for `seconds` each, whatever the repeats.
      return 0;
  }
}

/** The operator shape of a plan's op experiment (wire names to the fitter's). */
export function opShapeOf(e: Extract<PlanExperiment, { kind: 'op' }>): OpShape {
  switch (e.op) {
    case 'gemm':
      return { op: 'gemm', n: e.n, dIn: e.d_in, dOut: e.d_out };
    case 'attn_prefill':
      return { op: 'attn_prefill', hq: e.hq, hkv: e.hkv, dh: e.dh, chunks: e.chunks.map((c) => ({ newTokens: c.new, cachedTokens: c.cached })) };
    case 'attn_decode':
      return { op: 'attn_decode', hq: e.hq, hkv: e.hkv, dh: e.dh, contexts: e.contexts };
    case 'elementwise':
      return { op: 'elementwise', which: e.which as 'add_rmsnorm', n: e.n, dim: e.dim };
  }
}
