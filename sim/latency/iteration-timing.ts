import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec, PartitionSide } from '../hardware/hardware-spec.js';
import type { IterationBatch } from './iteration-batch.js';
import type { OverheadSpec } from '../hardware/hardware-spec.js';
import { launchedForwardUs, partnerOf, predictForward, type PartnerLoad } from './roofline.js';

/**
 * How long one scheduling step takes, in the two shapes the engine runs. Pure; shared by the engine
 * (to advance the clock), the DuetServe optimiser (to choose a split) and `duetsim predict`.
 */

/**
 * The serving clock of a simulated step is its own window: the simulator runs the decode steps between prefills
 * itself, so a step alone is priced by its own mix (ClockPowerSpec), with no decode steps assumed after it
 * (`duetsim predict`'s default assumes the calibration's); a lane beside a partner at its calibration pairs' clock.
 */
const OWN_WINDOW = { servingDecodeSteps: 0 } as const;

/** Aggregated: one forward on `smCount` SMs replayed as a CUDA graph, plus scheduling and sampling. */
export function aggregatedStepUs(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, smCount: number, tpDegree: number): number {
  return aggregatedTiming(hw.overheads, aggregatedGpuUs(model, hw, batch, smCount, tpDegree)).durationUs;
}

/** The GPU part of an aggregated step: the forward replayed as one CUDA graph, its launch included. */
export function aggregatedGpuUs(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, smCount: number, tpDegree: number): number {
  const [gpuUs, kernels] = predictForward(model, hw, batch, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree, ...OWN_WINDOW });
  return launchedForwardUs(hw, gpuUs, kernels, 'graph');
}

/**
 * What the GPU did in one step, whoever timed it: the latency model (the simulator) or the GPU itself (a
 * live run, calibrate/live/; the closed loop's executed steps). Offsets are from the moment the GPU work
 * starts, µs. The engine turns lanes into token times with `stepTimingFromLanes`, the one rule both share,
 * so a live run whose GPU reports exactly the model's lanes reproduces the simulation bit for bit.
 */
export type StepLanes =
  | { readonly mode: 'aggregated'; readonly gpuUs: number }
  | {
      readonly mode: 'split';
      /** When the eager prefill forward ends on its partition; null without a prefill. */
      readonly prefillEndUs: number | null;
      /** When each of the k back-to-back decode steps ends on the decode partition; [] without decodes. */
      readonly decodeEndsUs: readonly number[];
    };

/** A step's length and token times, as offsets from its start (when the host begins scheduling it), µs. */
export interface StepTiming {
  readonly durationUs: number;
  /** When the step's prefill tokens are sampled (-1 when it has no prefill). */
  readonly prefillTokenOffsetUs: number;
  /** When each decode step's tokens land (one when aggregated, k when split; [] without decodes). */
  readonly decodeTokenOffsetsUs: readonly number[];
  /** Split windows with a prefill: when the prefill partition's forward ends, before sampling; -1 otherwise. */
  readonly prefillDoneOffsetUs: number;
}

/**
 * Lanes to token times: host scheduling, then the GPU work, then sampling at the sync. `hostUs` replaces
 * the modelled scheduling cost where a live run measured its own. Split windows' look-ahead decode tokens
 * are sampled on the GPU inside their graphs; the prefill's token is sampled by the host after its forward.
 */
export function stepTimingFromLanes(o: OverheadSpec, lanes: StepLanes, hostUs: number = o.schedulingUs): StepTiming {
  if (lanes.mode === 'aggregated') return aggregatedTiming(o, lanes.gpuUs, hostUs);
  const offsets: number[] = [];
  for (const e of lanes.decodeEndsUs) offsets.push(hostUs + e);
  const lastDecodeUs = lanes.decodeEndsUs.length === 0 ? 0 : lanes.decodeEndsUs[lanes.decodeEndsUs.length - 1];
  const prefillUs = lanes.prefillEndUs ?? 0;
  return {
    durationUs: hostUs + Math.max(lastDecodeUs, prefillUs) + o.samplingUs,
    decodeTokenOffsetsUs: offsets,
    prefillTokenOffsetUs: lanes.prefillEndUs === null ? -1 : hostUs + lanes.prefillEndUs + o.samplingUs,
    prefillDoneOffsetUs: lanes.prefillEndUs === null ? -1 : hostUs + lanes.prefillEndUs,
  };
}

function aggregatedTiming(o: OverheadSpec, gpuUs: number, hostUs: number = o.schedulingUs): StepTiming {
  const durationUs = hostUs + gpuUs + o.samplingUs;
  return { durationUs, prefillTokenOffsetUs: durationUs, decodeTokenOffsetsUs: [durationUs], prefillDoneOffsetUs: -1 };
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
  /** When each of the k decode steps ends on its partition, from the start of the GPU work (the lanes the window's times come from). */
  readonly decodeEndsUs: readonly number[];
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
  // The lanes take the sides the runners give a pair (PartitionSide): the prefill the first groups, the decode the last.
  const prefillPartner = hasPrefill && hasDecode ? partnerOf(model, hw, prefill, prefillSms, tpDegree, undefined, 'first') : { partnerSmCount: 0 };
  // The decodes' load as the prefill's partner, computed once: its compute-bound share is also the first decode
  // step's own (the same batch on the same SMs), as the prefill's load carries the prefill's, so neither lane
  // prices a forward alone again for SharedContention.exposure.
  const exposesOwnShare = hw.perf.contention.shared?.exposure === 'compute-bound-share';
  let decodeLoad: ReturnType<typeof partnerOf> | null = null;
  const decodePartner = (): ReturnType<typeof partnerOf> => (decodeLoad ??= partnerOf(model, hw, decode, decodeSms, tpDegree, undefined, 'last'));
  const prefillPrices = (): { readonly aloneUs: number; readonly contendedUs: number } => {
    if (prefillTimes === null) {
      let aloneUs = 0;
      let contendedUs = 0;
      if (hasPrefill) {
        aloneUs = eagerForwardUs(model, hw, prefill, prefillSms, { partnerSmCount: 0, partitionSide: 'first' }, tpDegree);
        contendedUs = hasDecode
          ? eagerForwardUs(model, hw, prefill, prefillSms, { ...decodePartner(), ownComputeBoundShare: prefillPartner.partnerLoad?.computeBoundShare, partitionSide: 'first' }, tpDegree)
          : aloneUs;
      }
      prefillTimes = { aloneUs, contendedUs };
    }
    return prefillTimes;
  };
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
      const own = ends.length === 0 && partner.partnerLoad && exposesOwnShare && decode.prefills.length === 0 ? decodePartner().partnerLoad?.computeBoundShare : undefined;
      const [gpuUs, kernels] = predictForward(model, hw, step, { smCount: decodeSms, ...partner, ownComputeBoundShare: own, launch: 'graph', tpDegree, partitionSide: 'last', ...OWN_WINDOW });
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
    const decodeEndsUs = ends.slice(0, steps);
    const t = stepTimingFromLanes(o, { mode: 'split', prefillEndUs: hasPrefill ? l.prefillGpuUs : null, decodeEndsUs });
    return {
      windowUs: t.durationUs,
      decodeTokenOffsetsUs: t.decodeTokenOffsetsUs,
      prefillTokenOffsetUs: t.prefillTokenOffsetUs,
      decodeEndsUs,
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
  partner: { partnerSmCount: number; partnerLoad?: PartnerLoad; ownComputeBoundShare?: number; partitionSide: PartitionSide },
  tpDegree: number,
): number {
  const [gpuUs, kernels] = predictForward(model, hw, batch, { smCount, ...partner, launch: 'eager', tpDegree, ...OWN_WINDOW });
  return launchedForwardUs(hw, gpuUs, kernels, 'eager');
}
