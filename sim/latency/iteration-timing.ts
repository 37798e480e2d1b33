import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { IterationBatch } from './iteration-batch.js';
import { launchedForwardUs, partnerOf, predictForward, predictTotalUs, type PartnerLoad } from './roofline.js';

/**
 * How long one scheduling step takes, in the two shapes the engine runs. Pure; shared by the engine
 * (to advance the clock), the DuetServe optimiser (to choose a split) and `duetsim predict`.
 */

/** Aggregated: one forward on `smCount` SMs replayed as a CUDA graph, plus scheduling and sampling. */
export function aggregatedStepUs(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, smCount: number, tpDegree: number): number {
  return predictTotalUs(model, hw, batch, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree });
}

/** The two lanes of a split window: what the optimiser weighs (the engine also needs the token times, SplitTiming). */
export interface SplitLanes {
  /** GPU time of the prefill forward on its partition, contention included. */
  readonly prefillGpuUs: number;
  /** Sum of the k decode steps' times. */
  readonly decodeLaneUs: number;
  /** The longest of the k decode steps: the gap between tokens the window gives a decoding request (0 without decodes). */
  readonly longestDecodeStepUs: number;
}

export interface SplitTiming extends SplitLanes {
  /** Scheduling at the start of the window, then both partitions, then sampling at the sync. */
  readonly windowUs: number;
  /** Offsets from the window start at which each of the k decode steps ends (its token's time). */
  readonly decodeTokenOffsetsUs: readonly number[];
  /** Offset from the window start at which the prefill's tokens are sampled (-1 without a prefill). */
  readonly prefillTokenOffsetUs: number;
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
  return splitPricer(model, hw, prefill, decode, prefillSms, decodeSms, tpDegree).timing(k);
}

/** One split priced for any look-ahead k (see splitPricer). */
export interface SplitPricer {
  /** The window of k decode steps beside the prefill: what splitTiming returns. */
  readonly timing: (k: number) => SplitTiming;
  /** `timing(k)` without the token times (no per-step array: the optimiser asks for many k). */
  readonly lanes: (k: number) => SplitLanes;
  /** The longest of the first k decode steps (0 without decodes); needs no prefill price. */
  readonly longestDecodeStepUs: (k: number) => number;
  /** A floor under `timing(k).prefillGpuUs` for every k: the prefill priced alone or beside the decodes, whichever is shorter. */
  readonly prefillFloorUs: () => number;
}

/**
 * The price of one split for any look-ahead k: what `splitTiming` returns, as a function of k. This is the one
 * pricing of a split; the engine runs the window it prices and the DuetServe optimiser chooses (S_p, S_d, k)
 * by it, so the policy never plans a window the engine would time differently. Decode step i's time does not
 * depend on k (its context and whether the prefill still runs beside it are fixed by the steps before it), so
 * the steps are priced once, as far as the largest k asked for: pricing every k of a split costs one forward
 * per step, plus three for the prefill (its partner load, and its time alone and beside the decodes).
 */
export function splitPricer(
  model: ModelSpec,
  hw: HardwareSpec,
  prefill: IterationBatch,
  decode: IterationBatch,
  prefillSms: number,
  decodeSms: number,
  tpDegree: number,
): SplitPricer {
  const o = hw.overheads;
  const hasPrefill = prefill.prefills.length > 0;
  const hasDecode = decode.decodeCount > 0;
  // The prefill's two prices (alone, and beside the decodes) are computed when first needed: the optimiser
  // drops most splits on their first decode step (longer than τ), which needs neither.
  let prefillTimes: { readonly aloneUs: number; readonly contendedUs: number } | null = null;
  const prefillPrices = (): { readonly aloneUs: number; readonly contendedUs: number } => {
    if (prefillTimes === null) {
      let aloneUs = 0;
      let contendedUs = 0;
      if (hasPrefill) {
        aloneUs = eagerForwardUs(model, hw, prefill, prefillSms, { partnerSmCount: 0 }, tpDegree);
        contendedUs = hasDecode ? eagerForwardUs(model, hw, prefill, prefillSms, partnerOf(model, hw, decode, decodeSms, tpDegree), tpDegree) : aloneUs;
      }
      prefillTimes = { aloneUs, contendedUs };
    }
    return prefillTimes;
  };
  const prefillPartner = hasPrefill && hasDecode ? partnerOf(model, hw, prefill, prefillSms, tpDegree) : { partnerSmCount: 0 };
  // Ends of the decode steps priced so far (GPU time from the window start), and the longest step up to each.
  const ends: number[] = [];
  const longest: number[] = [];
  let ctx = decode.decodeContextTokens;
  const priceSteps = (k: number): void => {
    while (ends.length < k) {
      const t = ends.length === 0 ? 0 : ends[ends.length - 1];
      // The first step always starts beside the prefill (an eager forward takes a positive time).
      const partner = hasPrefill && (t === 0 || t < prefillPrices().contendedUs) ? prefillPartner : { partnerSmCount: 0 };
      const step = { prefills: [], decodeCount: decode.decodeCount, decodeContextTokens: ctx };
      const [gpuUs, kernels] = predictForward(model, hw, step, { smCount: decodeSms, ...partner, launch: 'graph', tpDegree });
      const stepUs = launchedForwardUs(hw, gpuUs, kernels, 'graph');
      ends.push(t + stepUs);
      longest.push(Math.max(stepUs, longest.length === 0 ? 0 : longest[longest.length - 1]));
      ctx += decode.decodeCount;
    }
  };
  const longestDecodeStepUs = (k: number): number => {
    if (!hasDecode) return 0;
    priceSteps(k);
    return longest[k - 1];
  };
  const lanes = (k: number): SplitLanes => {
    const steps = hasDecode ? k : 0;
    priceSteps(steps);
    const decodeLaneUs = steps === 0 ? 0 : ends[steps - 1];
    // Prefill runs contended while the decode lane runs, then alone: finish the remaining share of its work
    // at the uncontended rate.
    const { aloneUs, contendedUs } = prefillPrices();
    let prefillUs = contendedUs;
    if (hasPrefill && hasDecode && decodeLaneUs < contendedUs) {
      const doneShare = decodeLaneUs / contendedUs;
      prefillUs = decodeLaneUs + (1 - doneShare) * aloneUs;
    }
    return { prefillGpuUs: prefillUs, decodeLaneUs, longestDecodeStepUs: steps === 0 ? 0 : longest[steps - 1] };
  };
  const timing = (k: number): SplitTiming => {
    const l = lanes(k);
    const steps = hasDecode ? k : 0;
    const offsets: number[] = [];
    for (let i = 0; i < steps; i++) offsets.push(o.schedulingUs + ends[i]);
    const busyUs = Math.max(l.decodeLaneUs, l.prefillGpuUs);
    return {
      windowUs: o.schedulingUs + busyUs + o.samplingUs,
      decodeTokenOffsetsUs: offsets,
      prefillTokenOffsetUs: hasPrefill ? o.schedulingUs + l.prefillGpuUs + o.samplingUs : -1,
      ...l,
    };
  };
  const prefillFloorUs = (): number => {
    const { aloneUs, contendedUs } = prefillPrices();
    return Math.min(aloneUs, contendedUs);
  };
  return { timing, lanes, longestDecodeStepUs, prefillFloorUs };
}

/** An eagerly dispatched forward (launchedForwardUs's eager rule). */
function eagerForwardUs(
  model: ModelSpec,
  hw: HardwareSpec,
  batch: IterationBatch,
  smCount: number,
  partner: { partnerSmCount: number; partnerLoad?: PartnerLoad },
  tpDegree: number,
): number {
  const [gpuUs, kernels] = predictForward(model, hw, batch, { smCount, ...partner, launch: 'eager', tpDegree });
  return launchedForwardUs(hw, gpuUs, kernels, 'eager');
}
