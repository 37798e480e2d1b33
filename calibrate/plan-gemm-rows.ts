import type { HardwareSpec } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import { PLAN_VERSION, uniqueExperiments, type Plan, type PlanExperiment, type PlanModel } from './plan-format.js';
import { linearShapes, opExperiment, toPlanModel } from './plan.js';
import { kernelQualityLadder } from './plan-kernel-quality.js';

/**
 * The GEMM row sweep (issue 11, fifth round): every linear layer of the models at the token counts serving
 * batches have — decode sizes, mixed batches between tiles (320, 544, 1040, 1088 rows: the mixed forwards the
 * model predicts worst), chunked-prefill sizes — on the partition ladder and on the decode partitions DuetServe
 * picks under load that hold the GPU's remainder SM group (remainderSizes), beside the GEMM ceiling. The
 * standard and reference plans measure six row counts (1–2048); what cuBLAS does between them (row tile,
 * split-K or stream-K, a kernel change at some size) is what the physics form's tile and wave terms guess.
 * The reference runner records the kernels each call launched (`--kernel-names`), so a tile rule can be read
 * from cuBLAS's own choice instead of inferred. Pure and deterministic, like generatePlan.
 */
export interface GemmRowsPlanOptions {
  readonly models: readonly { readonly key: string; readonly spec: ModelSpec }[];
  readonly hardware: HardwareSpec;
  readonly repeats: number;
  readonly warmup: number;
}

/** Token counts: decode batches, the mixed batches of the reference forwards and their neighbours, chunk sizes. */
export const GEMM_ROW_SWEEP: readonly number[] = [
  1, 8, 16, 32, 48, 64, 96, 128, 160, 192, 256, 288, 320, 384, 448, 512, 544, 576, 640, 768, 896, 1024, 1040, 1088, 1280, 1536, 2048, 3072, 4096,
];

const CEILING_GEMM_DIM = 8192;

/**
 * Partition sizes below 40 SMs that are not whole 8-SM groups: the complements of a prefill partition of whole
 * groups (H200: 132 − 120…96 = 12, 20, 28, 36), so they hold the SMs left over when the GPU is cut into groups
 * (cuda/reference/torch_runner.py gives them the 12-SM remainder group). They are the decode side of the splits
 * DuetServe picks under load. Decode forwards of 64 × 2048 ran 11–39% slower there than the model predicts alone,
 * and within 6% on 8 and 16 SMs (h200-2026-12-04 reference and validation pairs); the ladder has none of them.
 */
export function remainderSizes(hw: HardwareSpec): number[] {
  const g = hw.partition.granularitySms;
  const sizes: number[] = [];
  for (let k = Math.floor(hw.smCount / g); k >= 1; k--) {
    const s = hw.smCount - k * g;
    if (s >= 40) break;
    if (s % g !== 0 && s >= hw.partition.minSms) sizes.push(s);
  }
  return sizes;
}

export function generateGemmRowsPlan(opts: GemmRowsPlanOptions): Plan {
  const ladder = [...new Set([...kernelQualityLadder(opts.hardware), ...remainderSizes(opts.hardware)])].sort((a, b) => a - b);
  const { experiments, add } = uniqueExperiments();
  for (const sms of ladder) add({ id: `ceil-gemm-s${sms}`, kind: 'ceiling_gemm', sms, m: CEILING_GEMM_DIM, n: CEILING_GEMM_DIM, k: CEILING_GEMM_DIM });
  for (const { spec } of opts.models) {
    // The four projections of a layer (the LM head is measured by the reference plan).
    const linears = linearShapes(spec);
    for (const sms of ladder) for (const n of GEMM_ROW_SWEEP) for (const [dIn, dOut] of linears) add(opExperiment({ op: 'gemm', n, dIn, dOut }, sms));
  }
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  return { version: PLAN_VERSION, models, repeats: opts.repeats, warmup: opts.warmup, experiments };
}
