import type { HardwareSpec } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import { PLAN_VERSION, type Plan, type PlanExperiment, type PlanModel } from './plan-format.js';
import { opExperiment, opShapes, partitionSizes, toPlanModel } from './plan.js';

/**
 * The kernel-quality plan (issue 11, part 1): the operators whose speed is our own kernels' business —
 * decode and prefill attention, the fused elementwise ops — beside the copy-bandwidth ceiling, on the
 * partition sizes a split uses. Run once with our kernels (duet_runner) and once with the production
 * kernels (torch_runner.py), then `calibrate compare-kernels` puts each shape and partition side by side
 * with the fraction of the copy bandwidth each reaches. GEMMs are left out: both backends run cuBLAS.
 *  - decode attention and the copy ceiling on every partition from one group to the whole GPU (the
 *    target is stated "at every partition from 8 SMs to the whole GPU");
 *  - prefill attention and elementwise ops on a ladder of sizes (1, 2, 3, 4, 6, 8, 12 groups and the GPU).
 * Pure and deterministic, like generatePlan.
 */
export interface KernelQualityPlanOptions {
  readonly models: readonly { readonly key: string; readonly spec: ModelSpec }[];
  readonly hardware: HardwareSpec;
  readonly repeats: number;
  readonly warmup: number;
}

const CEILING_BANDWIDTH_BYTES = 2 ** 31;
const LADDER_GROUPS = [1, 2, 3, 4, 6, 8, 12];

export function kernelQualityLadder(hw: HardwareSpec): number[] {
  const all = partitionSizes(hw);
  const g = hw.partition.granularitySms;
  const sizes = new Set(LADDER_GROUPS.map((k) => k * g).filter((s) => all.includes(s)));
  sizes.add(hw.smCount);
  return [...sizes].sort((a, b) => a - b);
}

export function generateKernelQualityPlan(opts: KernelQualityPlanOptions): Plan {
  const hw = opts.hardware;
  const every = partitionSizes(hw);
  const ladder = kernelQualityLadder(hw);
  const experiments: PlanExperiment[] = [];
  for (const sms of every) experiments.push({ id: `ceil-bw-s${sms}`, kind: 'ceiling_bandwidth', sms, bytes: CEILING_BANDWIDTH_BYTES });
  for (const { spec } of opts.models) {
    const shapes = opShapes(spec).filter((s) => s.op !== 'gemm');
    for (const sms of every) for (const s of shapes) if (s.op === 'attn_decode') experiments.push(opExperiment(s, sms));
    for (const sms of ladder) for (const s of shapes) if (s.op !== 'attn_decode') experiments.push(opExperiment(s, sms));
  }
  // Two models with the same head counts share shapes (and ids): keep the first.
  const seen = new Set<string>();
  const unique = experiments.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  return { version: PLAN_VERSION, models, repeats: opts.repeats, warmup: opts.warmup, experiments: unique };
}
