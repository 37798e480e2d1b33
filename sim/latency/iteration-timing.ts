import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { IterationBatch } from './iteration-batch.js';
import { partnerOf, predictForward, predictGpuUs, predictTotalUs, type PartnerLoad } from './roofline.js';

/**
 * How long one scheduling step takes, in the two shapes the engine runs. Pure; shared by the engine
 * (to advance the clock), the DuetServe optimiser (to choose a split) and `duetsim predict`.
 */

/** Aggregated: one forward on `smCount` SMs replayed as a CUDA graph, plus scheduling and sampling. */
export function aggregatedStepUs(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, smCount: number, tpDegree: number): number {
  return predictTotalUs(model, hw, batch, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree });
}

export interface SplitTiming {
  /** Scheduling at the start of the window, then both partitions, then sampling at the sync. */
  readonly windowUs: number;
  /** Offsets from the window start at which each of the k decode steps ends (its token's time). */
  readonly decodeTokenOffsetsUs: readonly number[];
  /** Offset from the window start at which the prefill's tokens are sampled (-1 without a prefill). */
  readonly prefillTokenOffsetUs: number;
  /** GPU time of the prefill forward on its partition, contention included. */
  readonly prefillGpuUs: number;
  /** Sum of the k decode steps' times. */
  readonly decodeLaneUs: number;
}

/**
 * Split window: `prefill` runs eagerly on `prefillSms`, while `k` decode steps of `decode` run back to
 * back on `decodeSms` as pre-captured CUDA graphs with no host sync between them (contexts grow by one
 * token a step). Each side is stretched by the contention term only while the other runs.
 * Sampling of the look-ahead decode steps happens on the GPU inside their graphs; the host samples the
 * prefill's tokens and reschedules at the sync.
 */
export function splitTiming(
  model: ModelSpec,
  hw: HardwareSpec,
  prefill: IterationBatch,
  decode: IterationBatch,
  prefillSms: number,
  decodeSms: number,
  k: number,
  tpDegree: number,
): SplitTiming {
  const o = hw.overheads;
  const hasPrefill = prefill.prefills.length > 0;
  const hasDecode = decode.decodeCount > 0;
  let prefillAloneUs = 0;
  let prefillContendedUs = 0;
  if (hasPrefill) {
    prefillAloneUs = eagerForwardUs(model, hw, prefill, prefillSms, { partnerSmCount: 0 }, tpDegree);
    prefillContendedUs = hasDecode ? eagerForwardUs(model, hw, prefill, prefillSms, partnerOf(model, hw, decode, decodeSms, tpDegree), tpDegree) : prefillAloneUs;
  }
  const prefillPartner = hasPrefill ? partnerOf(model, hw, prefill, prefillSms, tpDegree) : { partnerSmCount: 0 };
  const offsets: number[] = [];
  let t = 0;
  let ctx = decode.decodeContextTokens;
  if (hasDecode) {
    for (let i = 0; i < k; i++) {
      const partner = hasPrefill && t < prefillContendedUs ? prefillPartner : { partnerSmCount: 0 };
      const step = { prefills: [], decodeCount: decode.decodeCount, decodeContextTokens: ctx };
      t += predictGpuUs(model, hw, step, { smCount: decodeSms, ...partner, launch: 'graph', tpDegree }) + o.graphLaunchUs;
      offsets.push(o.schedulingUs + t);
      ctx += decode.decodeCount;
    }
  }
  const decodeLaneUs = t;
  // Prefill runs contended while the decode lane runs, then alone: finish the remaining share of its work
  // at the uncontended rate.
  let prefillUs = prefillContendedUs;
  if (hasPrefill && hasDecode && decodeLaneUs < prefillContendedUs) {
    const doneShare = decodeLaneUs / prefillContendedUs;
    prefillUs = decodeLaneUs + (1 - doneShare) * prefillAloneUs;
  }
  const busyUs = Math.max(decodeLaneUs, prefillUs);
  return {
    windowUs: o.schedulingUs + busyUs + o.samplingUs,
    decodeTokenOffsetsUs: offsets,
    prefillTokenOffsetUs: hasPrefill ? o.schedulingUs + prefillUs + o.samplingUs : -1,
    prefillGpuUs: prefillUs,
    decodeLaneUs,
  };
}

/** An eagerly dispatched forward: the longer of GPU time and host launch time (they overlap). */
function eagerForwardUs(
  model: ModelSpec,
  hw: HardwareSpec,
  batch: IterationBatch,
  smCount: number,
  partner: { partnerSmCount: number; partnerLoad?: PartnerLoad },
  tpDegree: number,
): number {
  const [gpuUs, kernels] = predictForward(model, hw, batch, { smCount, ...partner, launch: 'eager', tpDegree });
  return Math.max(gpuUs, kernels * hw.overheads.eagerLaunchUsPerKernel);
}
