import type { ModelSpec } from '../model/model-spec.js';
import type { ClockPowerSpec, ClockRegime, ClockRegimeSpec, CurvePoint, HardwareSpec, OpClass, OpEfficiency, PartitionSide } from '../hardware/hardware-spec.js';
import { CLOCK_REGIMES, OP_CLASSES, REMAINDER_OP_CLASSES } from '../hardware/hardware-spec.js';
import type { IterationBatch } from './iteration-batch.js';
import { curveAtFast, flatCurveAt, saturating } from './curve.js';
import { gemmClusterShare, gemmRecordedTile, gemmTimeScale, NARROW_GEMM_ROWS, remainderSmsDrawnAt } from './gemm-kernels.js';
import { clusterSms } from '../hardware/partition.js';
import type { GemmKernelTable } from '../hardware/hardware-spec.js';

/**
 * The attention-aware roofline: a pure function of (model, hardware, batch, SM count, partner).
 * No clock, no RNG, no I/O. The simulator, `duetsim predict`, the DuetServe optimiser and the
 * calibration validator all call `predictIteration` (or `predictGpuUs`, the same arithmetic without the
 * breakdown objects).
 *
 * Each kernel costs max(F / (Π(S)·eff_c), B / (W(S)·eff_m), kernelFloor), where F and B are its FLOPs and
 * bytes, Π(S) and W(S) the achieved compute and bandwidth on S SMs and eff_* the operator class's
 * efficiency. A partner partition running beside this one stretches compute and memory time by the
 * contention terms (hardware-notes: shared HBM and L2).
 */
export interface PredictOptions {
  /** SMs this forward runs on (whole GPU = hw.smCount). */
  readonly smCount: number;
  /** SMs of a partition running concurrently beside this one, or 0 when alone. */
  readonly partnerSmCount: number;
  /** 'graph': forward replayed as one CUDA graph; 'eager': every kernel launched from the host. */
  readonly launch: 'graph' | 'eager';
  /** Tensor-parallel degree: weights, heads and KV split N ways, two all-reduces per layer. */
  readonly tpDegree: number;
  /**
   * What the partner partition does (partnerLoadOf), for the shared-resource contention form. Absent with a
   * partner: the partner is taken as fully loaded on its SMs (compute share S/N, bandwidth W(S)/W(N)).
   */
  readonly partnerLoad?: PartnerLoad;
  /**
   * This partition's own compute-bound share of its time when alone, in [0, 1], for a spec whose shared
   * contention scales the power term by it (SharedContention.exposure 'compute-bound-share'). Computed (one
   * forward alone) when absent and needed; a caller that already has it may pass it.
   */
  readonly ownComputeBoundShare?: number;
  /**
   * Which clock the compute-bound time is priced at (ClockRegimeSpec): 'serving' (default: decode steps
   * interleave with prefills), 'back-to-back' (one compute-bound shape repeated, power-capped) or
   * 'calibration' (as the calibration forwards were timed; what fit and validate compare against).
   */
  readonly clockRegime?: ClockRegime;
  /**
   * The compute-time scale of the clock, given outright (replaces clockRegime's): the forward at the calibration clock
   * with its compute-bound time × this scale (validate passes a measured record's window; a power model prices both
   * regimes this way).
   */
  readonly computeClockScale?: number;
  /** The serving regime under a power model: decode steps interleaved with this forward (default ClockPowerSpec.servingDecodeSteps). */
  readonly servingDecodeSteps?: number;
  /**
   * Which end of the GPU's SM groups the partition takes (PartitionSide; default 'first', where the runners put a
   * single partition and a pair's prefill; a pair's decode takes 'last'). Priced only on a partition holding the
   * GPC remainder, through the narrow GEMMs' remainderSmsDrawn and the other classes' (PerfSpec.remainderOps).
   */
  readonly partitionSide?: PartitionSide;
}

/** A partition's demand on the resources it shares with its partner (ContentionSpec.shared). */
export interface PartnerLoad {
  /** Tensor-core activity: SM share × the share of its time spent compute-bound, in [0, 1]. */
  readonly computeShare: number;
  /** HBM traffic over W(all SMs): bytes moved ÷ time ÷ whole-GPU bandwidth. */
  readonly bandwidthShare: number;
  /** SMs kept busy: the partner's SM share while it runs (0 for a partner with nothing to run), in [0, 1]. */
  readonly smShare: number;
  /**
   * Tensor rate: the FLOPs it runs ÷ its time ÷ Π(all SMs), in [0, 1] — how hard it drives the tensor cores, which is
   * what sets the power draw and so the shared clock (SharedContention.powerShare 'tensor-rate').
   */
  readonly tensorShare: number;
  /**
   * The share of its own time spent compute-bound (partnerLoadOf sets it): what a caller pricing this same batch
   * beside a partner passes as PredictOptions.ownComputeBoundShare, saving the forward that would compute it.
   */
  readonly computeBoundShare?: number;
}

export const WHOLE_GPU = (hw: HardwareSpec): PredictOptions => ({
  smCount: hw.smCount,
  partnerSmCount: 0,
  launch: 'graph',
  tpDegree: 1,
});

export interface OpCost {
  readonly op: OpClass | 'allreduce';
  readonly flops: number;
  readonly bytes: number;
  readonly kernels: number;
  /** Sum over this class's kernels of each one's time. */
  readonly us: number;
  /** Share of this class's time spent in kernels whose compute term was the larger. */
  readonly computeBoundShare: number;
}

export interface IterationPrediction {
  /** GPU time of the forward: all layers, final norm and LM head. */
  readonly gpuUs: number;
  /** Host-side time not hidden under the GPU: scheduling, sampling, launch. */
  readonly overheadUs: number;
  readonly totalUs: number;
  readonly kernels: number;
  readonly breakdown: readonly OpCost[];
}

const CLASS_INDEX: Record<OpClass, number> = Object.fromEntries(OP_CLASSES.map((c, i) => [c, i])) as Record<OpClass, number>;
const ALLREDUCE = OP_CLASSES.length;
const SLOTS = OP_CLASSES.length + 1;

/** Accumulator for the breakdown: flops, bytes, kernels, us, computeUs per class. */
class Acc {
  readonly v = new Float64Array(SLOTS * 5);
  add(slot: number, flops: number, bytes: number, kernels: number, us: number, computeBoundUs: number): void {
    const o = slot * 5;
    this.v[o] += flops;
    this.v[o + 1] += bytes;
    this.v[o + 2] += kernels;
    this.v[o + 3] += us;
    this.v[o + 4] += computeBoundUs;
  }
  /** Σ compute-bound µs over every slot. */
  computeBoundUs(): number {
    let us = 0;
    for (let slot = 0; slot < SLOTS; slot++) us += this.v[slot * 5 + 4];
    return us;
  }
}

interface Rates {
  computeFlopsPerUs: number;
  bandwidthBytesPerUs: number;
  computeStretch: number;
  memoryStretch: number;
  floorUs: number;
  /** 1 when kernelFloorUs is added to every kernel ('tail'), 0 when it is a floor. */
  tail: number;
  /**
   * Per class, memory-bound bytes/µs including efficiency: bandwidthModel specs always; otherwise only on a partition
   * holding the remainder whose side PerfSpec.remainderOps has points for (withRemainderDraws); null otherwise.
   */
  classBytesPerUs: Float64Array | null;
  /** PerfSpec.ridgeExponent, or 0 for the plain max. */
  ridge: number;
  /** SMs of the partition (GEMM wave quantisation). */
  smCount: number;
  /**
   * On a partition holding the GPC remainder, with a GemmKernelTable: the table and the rates of the
   * partition's whole groups, where the library's clustered GEMMs run (linearUs). Null otherwise.
   */
  clusters: { readonly table: GemmKernelTable; readonly groups: Rates } | null;
  /**
   * On a partition holding the GPC remainder whose side has GemmKernelTable.remainderSmsDrawn: the rates a narrow GEMM
   * (≤ NARROW_GEMM_ROWS tokens) streams at, those of its whole groups plus the remainder SMs it draws (linearUs). Null
   * otherwise (such a GEMM streams at the partition's own rates).
   */
  narrow: Rates | null;
}

/**
 * Rates for (hw, SMs, partner SMs), memoised per parsed spec: every priced forward needs them and the
 * answer depends only on those (frozen) inputs, so the memo cannot change a result.
 */
const ratesMemo = new WeakMap<HardwareSpec, Map<number, Rates>>();
const REGIME_INDEX: Record<ClockRegime, number> = { calibration: 0, 'back-to-back': 1, serving: 2 };

function ratesFor(hw: HardwareSpec, opts: PredictOptions): Rates {
  // A partner load (and the partition's own compute-bound share) is continuous and comes from another
  // prediction: not memoised (two curve lookups).
  if (opts.partnerSmCount > 0 && (opts.partnerLoad || opts.ownComputeBoundShare !== undefined)) return computeRates(hw, opts);
  let byKey = ratesMemo.get(hw);
  if (!byKey) ratesMemo.set(hw, (byKey = new Map()));
  // One slot per (side, regime): the last side's regimes after the first side's.
  const slot = (opts.partitionSide === 'last' ? CLOCK_REGIMES.length : 0) + REGIME_INDEX[opts.clockRegime ?? 'serving'];
  const key = (slot * 4096 + opts.smCount) * 65536 + opts.partnerSmCount;
  let r = byKey.get(key);
  if (!r) byKey.set(key, (r = computeRates(hw, opts)));
  return r;
}

/** Compute-time scale of a clock regime on `smCount` SMs (1 when the spec has no clock-regime data). */
export function clockScale(hw: HardwareSpec, regime: ClockRegime | undefined, smCount: number): number {
  const c = hw.perf.clockRegime;
  // Under a power model a forward alone is scaled in `forward`; what reaches here is a lane beside a partner, priced at
  // its pairs' own clock (needsPowerClock).
  if (!c || c.power) return 1;
  switch (regime ?? 'serving') {
    case 'calibration':
      return 1;
    case 'back-to-back':
      return c.backToBackComputeScale;
    case 'serving':
      return servingScaleAt(c, smCount, hw.smCount);
  }
}

/** The clock (MHz) the power cap allows for a demand of `weight` SM-equivalents (ClockPowerSpec) on a GPU of `allSms` SMs. */
export function powerClockMhz(p: ClockPowerSpec, allSms: number, weight: number): number {
  return Math.min(p.maxClockMhz, (p.allComputeBoundMhz * (1 + p.fixedPowerShare)) / (weight / allSms + p.fixedPowerShare));
}

/**
 * The power demand of `sms` SMs spending a share `computeBound` of their time compute-bound, in whole-GPU
 * SM-equivalents (ClockPowerSpec): tensor work at the partition's rate Π(S) against the whole GPU's, and memory-bound
 * time at memoryBoundPowerRatio of that per unit of the partition's bandwidth W(S) against the whole GPU's. By rate,
 * not SM count: on the H100 the whole GPU's GEMMs run 18% more FLOP/s than on 124 SMs (Π), and only the whole GPU
 * meets the cap with a 2,048-token prefill (1,500 against 1,770–1,830 MHz on 80–124 SMs back to back).
 */
export function powerDemand(hw: HardwareSpec, p: ClockPowerSpec, sms: number, computeBound: number): number {
  if (sms <= 0) return 0;
  const [compute, memory] = rateShares(hw, sms);
  return hw.smCount * (computeBound * compute + p.memoryBoundPowerRatio * (1 - computeBound) * memory);
}

/** Π(S)/Π(N) and W(S)/W(N), memoised per parsed spec and SM count (every priced step asks). */
const shareMemo = new WeakMap<HardwareSpec, Map<number, readonly [number, number]>>();

function rateShares(hw: HardwareSpec, sms: number): readonly [number, number] {
  let bySms = shareMemo.get(hw);
  if (!bySms) shareMemo.set(hw, (bySms = new Map()));
  let v = bySms.get(sms);
  if (!v) {
    const n = hw.smCount;
    v = [curveAtFast(hw.perf.computeFlopsPerS, sms) / curveAtFast(hw.perf.computeFlopsPerS, n), curveAtFast(hw.perf.bandwidthBytesPerS, sms) / curveAtFast(hw.perf.bandwidthBytesPerS, n)];
    bySms.set(sms, v);
  }
  return v;
}

/** The clocks a power model gives a forward's windows, and the compute-time scales that follow (servingClockOf). */
export interface ServingClock {
  /**
   * The clock the calibration's compute-bound time is priced at on these busy SMs: the maximum clock after a clock-aware
   * fit (ClockPowerSpec.trainingClockMhz), else backToBackComputeScale × the clock of the reference demand (the clock
   * records' prefills back to back), at most the maximum clock.
   */
  readonly calibrationMhz: number;
  /** The forward repeated back to back on every busy SM. */
  readonly backToBackMhz: number;
  /** The forward's window: its decode steps in time, its partner in space. */
  readonly servingMhz: number;
  /** calibrationMhz ÷ backToBackMhz. */
  readonly backToBackScale: number;
  /** calibrationMhz ÷ servingMhz. */
  readonly servingScale: number;
}

/**
 * A forward's clocks under a power model: the forward (GPU µs `forwardUs`, compute-bound share `forwardShare`) on
 * `ownSms` SMs, followed by `steps` decode steps (each `stepUs`, share `stepShare`), beside a partner partition of
 * `partnerSms` SMs running continuously at compute-bound share `partnerShare`. The calibration's compute-bound time
 * is at the maximum clock after a clock-aware fit; otherwise it
 * ran backToBackComputeScale × faster than at the reference demand, never above the maximum clock (below the cap,
 * calibration and every regime run at the maximum: scale 1); a window demanding less than another clocks higher,
 * and compute-bound time scales by the clocks' ratio. Null without a power model.
 */
export function servingClockOf(hw: HardwareSpec, ownSms: number, forwardUs: number, forwardShare: number, stepUs: number, stepShare: number, steps: number, partnerSms = 0, partnerShare = 1): ServingClock | null {
  const c = hw.perf.clockRegime;
  if (!c?.power) return null;
  const p = c.power;
  const busy = ownSms + partnerSms;
  const own = powerDemand(hw, p, ownSms, forwardShare);
  const stepsUs = steps * Math.max(0, stepUs);
  const mixed = forwardUs + stepsUs > 0 ? (forwardUs * own + stepsUs * powerDemand(hw, p, ownSms, stepShare)) / (forwardUs + stepsUs) : own;
  // A clock-aware fit put the curves at the maximum clock; otherwise they hold the training forwards' mix of clocks,
  // which the fit placed at backToBackComputeScale × the reference demand's clock.
  const calibrationMhz = p.trainingClockMhz
    ? p.maxClockMhz
    : Math.min(p.maxClockMhz, c.backToBackComputeScale * powerClockMhz(p, hw.smCount, powerDemand(hw, p, busy, p.referenceComputeShare)));
  const backToBackMhz = powerClockMhz(p, hw.smCount, powerDemand(hw, p, busy, forwardShare));
  const servingMhz = powerClockMhz(p, hw.smCount, mixed + powerDemand(hw, p, partnerSms, partnerShare));
  const alpha = p.trainingClockMhz ? (p.clockSensitivity ?? 1) : 1;
  return { calibrationMhz, backToBackMhz, servingMhz, backToBackScale: clockRatio(calibrationMhz / backToBackMhz, alpha), servingScale: clockRatio(calibrationMhz / servingMhz, alpha) };
}

/** A ratio of clocks as a compute-time scale: ratio^α (ClockPowerSpec.clockSensitivity), the ratio itself at α = 1. */
export function clockRatio(ratio: number, alpha: number): number {
  return alpha === 1 ? ratio : Math.pow(ratio, alpha);
}

/**
 * A batch's clocks under a power model, as `forward` prices them (null without one, or beside a partner: a pair runs at
 * its calibration pairs' clock, needsPowerClock): the batch's own compute-bound share from its forward at the
 * calibration clock; the serving window is the batch followed by the steps of its own decodes alone
 * (opts.servingDecodeSteps, else the spec's).
 */
export function servingClockFor(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, opts: PredictOptions): ServingClock | null {
  if (!hw.perf.clockRegime?.power || opts.partnerSmCount > 0) return null;
  const out = { us: 0 };
  const [gpuUs] = forward(model, hw, batch, calibrationOf(opts), null, out);
  return windowClock(model, hw, batch, opts, gpuUs, out.us);
}

/** `opts` at the calibration clock, with no scale given: the forward a power model's scale applies to. */
function calibrationOf(o: PredictOptions): PredictOptions {
  // Spelled out, not spread: this runs for every priced step, and a spread with a deleted key costs the engine a shape.
  return {
    smCount: o.smCount,
    partnerSmCount: o.partnerSmCount,
    launch: o.launch,
    tpDegree: o.tpDegree,
    partnerLoad: o.partnerLoad,
    ownComputeBoundShare: o.ownComputeBoundShare,
    clockRegime: 'calibration',
    servingDecodeSteps: o.servingDecodeSteps,
    partitionSide: o.partitionSide,
  };
}

/** The clocks of a forward of `gpuUs` at the calibration clock, `computeBoundUs` of it compute-bound (servingClockFor). */
function windowClock(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, opts: PredictOptions, gpuUs: number, computeBoundUs: number): ServingClock | null {
  const steps = interleavedSteps(hw, batch, opts);
  const decodes: IterationBatch = { prefills: [], decodeCount: batch.decodeCount, decodeContextTokens: batch.decodeContextTokens };
  const d = steps > 0 ? aloneShare(model, hw, decodes, opts.smCount, opts.tpDegree, opts.partitionSide) : null;
  const share = gpuUs > 0 ? Math.min(1, computeBoundUs / gpuUs) : 0;
  return servingClockOf(hw, opts.smCount, gpuUs, share, d?.gpuUs ?? 0, d?.computeBoundShare ?? 0, steps, opts.partnerSmCount, opts.partnerLoad?.computeBoundShare ?? 1);
}

/** Decode steps a batch is interleaved with in the serving regime: none unless it has prefills and decodes both. */
function interleavedSteps(hw: HardwareSpec, batch: IterationBatch, opts: PredictOptions): number {
  if (batch.prefills.length === 0 || batch.decodeCount === 0) return 0;
  return opts.servingDecodeSteps ?? hw.perf.clockRegime?.power?.servingDecodeSteps ?? 0;
}

/**
 * Whether `opts` prices a regime through a power model (and has no scale given yet): a forward alone, back to back or
 * serving. A partition beside a partner is priced as the calibration's pairs ran — both lanes continuously for 0.5–1.5 s,
 * settled at the clock the two together allow (1,560–1,980 MHz on the H100, `spans.<lane>.clock` in
 * h100-2026-12-06-reference-clocks) — which the contention fit already holds (clockScale: 1).
 */
function needsPowerClock(hw: HardwareSpec, opts: PredictOptions): boolean {
  return opts.computeClockScale === undefined && opts.partnerSmCount === 0 && (opts.clockRegime ?? 'serving') !== 'calibration' && hw.perf.clockRegime?.power !== undefined;
}

/** ClockRegimeSpec's serving scale on `smCount` of `allSms` SMs: linear from its onset (servingFromSms) to the whole GPU. */
export function servingScaleAt(c: ClockRegimeSpec, smCount: number, allSms: number): number {
  if (c.servingFromSms === undefined || c.servingFromSms >= allSms) return c.servingComputeScale;
  const t = Math.min(1, Math.max(0, (smCount - c.servingFromSms) / (allSms - c.servingFromSms)));
  return c.backToBackComputeScale + (c.servingComputeScale - c.backToBackComputeScale) * t;
}

/**
 * The rates of `opts`'s partition; with `streamSms` (narrowRates), its curves read at that many SMs instead — the
 * clock and the contention stay the partition's — and no cluster or narrow rates of their own.
 */
function computeRates(hw: HardwareSpec, opts: PredictOptions, streamSms?: number): Rates {
  const sms = streamSms ?? opts.smCount;
  const c = hw.perf.contention;
  let computeStretch = 1;
  let memoryStretch = 1;
  if (opts.partnerSmCount > 0) {
    if (c.shared) {
      const load = opts.partnerLoad ?? fullLoad(hw, opts.partnerSmCount);
      const power = c.shared.powerShare === 'busy-sms' ? load.smShare : c.shared.powerShare === 'tensor-rate' ? load.tensorShare : load.computeShare;
      const reach = c.shared.exposure === 'compute-bound-share' ? (opts.ownComputeBoundShare ?? 1) : 1;
      const room = c.shared.bandwidthExposure === 'own-capacity' ? ownBandwidthCapacity(hw, opts.smCount) : 1;
      computeStretch = 1 + c.shared.computeByPower * power * reach + c.shared.computeByBandwidth * load.bandwidthShare + (c.shared.computeByTensor ?? 0) * load.tensorShare;
      memoryStretch = 1 + c.shared.memoryByPower * power + c.shared.memoryByBandwidth * load.bandwidthShare * room + (c.shared.memoryByTensor ?? 0) * load.tensorShare;
    } else {
      const share = opts.partnerSmCount / hw.smCount;
      computeStretch = 1 + c.compute * share;
      memoryStretch = 1 + c.memory * share;
    }
  }
  const memoryScale = bandwidthScaleAt(hw.perf.bandwidthScale, sms);
  const nested = streamSms !== undefined;
  return {
    // The clock is the GPU's: a partition beside a partner runs at the clock their busy SMs together allow.
    computeFlopsPerUs: curveAtFast(hw.perf.computeFlopsPerS, sms) / 1e6 / clockScale(hw, opts.clockRegime, opts.smCount + opts.partnerSmCount),
    bandwidthBytesPerUs: (curveAtFast(hw.perf.bandwidthBytesPerS, sms) / 1e6) * memoryScale,
    computeStretch,
    memoryStretch,
    floorUs: hw.perf.kernelFloorUs,
    tail: hw.perf.kernelRule === 'tail' ? 1 : 0,
    classBytesPerUs: nested ? classBandwidth(hw, sms, memoryScale) : withRemainderDraws(hw, opts, sms, memoryScale),
    ridge: hw.perf.ridgeExponent ?? 0,
    smCount: opts.smCount,
    clusters: nested ? null : clusterRates(hw, opts),
    narrow: nested ? null : narrowRates(hw, opts),
  };
}

/** W(S) ÷ W(all SMs), at most 1: the share of HBM bandwidth a partition's own SMs can draw (SharedContention.bandwidthExposure). */
export function ownBandwidthCapacity(hw: HardwareSpec, smCount: number): number {
  const all = curveAtFast(hw.perf.bandwidthBytesPerS, hw.smCount);
  return Math.min(1, curveAtFast(hw.perf.bandwidthBytesPerS, smCount) / all);
}

/** Rates.clusters for this partition: null unless it holds the remainder and the spec has a cluster table. */
function clusterRates(hw: HardwareSpec, opts: PredictOptions): Rates['clusters'] {
  const table = hw.perf.gemmKernels;
  if (!table) return null;
  const groups = clusterSms(hw, opts.smCount);
  if (groups === opts.smCount) return null;
  if (groups <= 0) {
    // isValidPartitionSize refuses this size wherever a user can name it; reaching here is a caller's bug.
    throw new Error(`a ${opts.smCount}-SM partition is the GPC remainder alone: the GEMM library's clustered kernels cannot launch there`);
  }
  return { table, groups: computeRates(hw, { ...opts, smCount: groups }) };
}

/**
 * Rates.narrow for this partition: its curves at its whole groups' SMs plus the remainder SMs a narrow GEMM draws from
 * its side (GemmKernelTable.remainderSmsDrawn); null unless it holds the remainder and the table records that side.
 */
function narrowRates(hw: HardwareSpec, opts: PredictOptions): Rates | null {
  const table = hw.perf.gemmKernels;
  if (!table?.remainderSmsDrawn) return null;
  const groups = clusterSms(hw, opts.smCount);
  if (groups === opts.smCount || groups <= 0) return null;
  const drawn = remainderSmsDrawnAt(table, opts.partitionSide ?? 'first', opts.smCount);
  if (drawn === null) return null;
  return computeRates(hw, opts, Math.min(opts.smCount, groups + drawn));
}

/**
 * Per-class bandwidth on the partition's S SMs (classBandwidth; where the spec has no bandwidthModel, W(S) times each
 * class's memory efficiency, which is what memoryUsOf reads then), with each class the RemainderOpsTable records for
 * this partition's side read instead at its whole groups' SMs plus the remainder SMs that class draws there (W and its
 * rescale both at those SMs, as narrowRates reads them for a narrow GEMM). classBandwidth's answer unless the partition
 * holds the GPC remainder and the table has points for its side.
 */
function withRemainderDraws(hw: HardwareSpec, opts: PredictOptions, sms: number, memoryScale: number): Float64Array | null {
  const plain = classBandwidth(hw, sms, memoryScale);
  const table = hw.perf.remainderOps;
  if (!table) return plain;
  const groups = clusterSms(hw, opts.smCount);
  if (groups === opts.smCount || groups <= 0) return plain;
  const side = opts.partitionSide ?? 'first';
  let out: Float64Array | null = null;
  for (const c of REMAINDER_OP_CLASSES) {
    const points = table.remainderSmsDrawn[c]?.[side];
    if (!points || points.length === 0) continue;
    out ??= plain ?? flatClassBandwidth(hw, sms, memoryScale);
    const streamSms = Math.min(opts.smCount, groups + flatCurveAt(points, opts.smCount));
    const scale = bandwidthScaleAt(hw.perf.bandwidthScale, streamSms);
    out[CLASS_INDEX[c]] = (classBandwidth(hw, streamSms, scale) ?? flatClassBandwidth(hw, streamSms, scale))[CLASS_INDEX[c]];
  }
  return out ?? plain;
}

/** W(S) × each class's memory efficiency: the per-class rates of a spec without a bandwidthModel (memoryUsOf's fallback). */
function flatClassBandwidth(hw: HardwareSpec, smCount: number, memoryScale: number): Float64Array {
  const w = (curveAtFast(hw.perf.bandwidthBytesPerS, smCount) / 1e6) * memoryScale;
  return Float64Array.from(OP_CLASSES, (c) => w * hw.perf.efficiency[c].memory);
}

/** PerfSpec.bandwidthScale at `smCount`: 1 when absent, flat beyond its first and last points. */
export function bandwidthScaleAt(scale: readonly CurvePoint[] | undefined, smCount: number): number {
  return scale && scale.length > 0 ? flatCurveAt(scale, smCount) : 1;
}

function classBandwidth(hw: HardwareSpec, smCount: number, memoryScale: number): Float64Array | null {
  const m = hw.perf.bandwidthModel;
  if (!m) return null;
  const out = new Float64Array(OP_CLASSES.length);
  OP_CLASSES.forEach((c, i) => {
    const e = hw.perf.efficiency[c];
    out[i] = (saturating(m.perSmBytesPerS * (e.memorySlope ?? 1), m.maxBytesPerS * e.memory, m.knee, smCount) / 1e6) * memoryScale;
  });
  return out;
}

/** A partner about which nothing is known but its size: fully busy on its SMs, at its full bandwidth. */
function fullLoad(hw: HardwareSpec, partnerSmCount: number): PartnerLoad {
  return {
    computeShare: partnerSmCount / hw.smCount,
    smShare: partnerSmCount / hw.smCount,
    tensorShare: Math.min(1, curveAtFast(hw.perf.computeFlopsPerS, partnerSmCount) / curveAtFast(hw.perf.computeFlopsPerS, hw.smCount)),
    bandwidthShare: curveAtFast(hw.perf.bandwidthBytesPerS, partnerSmCount) / curveAtFast(hw.perf.bandwidthBytesPerS, hw.smCount),
  };
}

/**
 * Time of `count` identical kernels of class `op`; adds to `acc` when given. Returns µs.
 * Exported for the calibration fitter, which prices single operators with the same rule.
 */
export function kernelUs(
  hw: HardwareSpec,
  r: Rates,
  op: OpClass,
  flops: number,
  bytes: number,
  count: number,
  acc: Acc | null,
  padFlops = 0,
): number {
  const eff = hw.perf.efficiency[op];
  // padFlops: work the kernel does beyond the counted FLOPs (a GEMM's partial row tile); it takes time
  // but is not reported as FLOPs.
  const computeUs = computeUsOf(hw, r, op, flops + padFlops);
  const memoryUs = memoryUsOf(hw, r, op, bytes);
  const hi = Math.max(computeUs, memoryUs);
  // (c^q + m^q)^(1/q) as hi·(1 + (lo/hi)^q)^(1/q): hi/hi is exactly 1 and so is 1^q, so one power fewer gives the same bits.
  const both = r.ridge > 0 && hi > 0 ? hi * Math.pow(1 + Math.pow(Math.min(computeUs, memoryUs) / hi, r.ridge), 1 / r.ridge) : hi;
  const one = r.tail ? both + (eff.tailUs ?? r.floorUs) : Math.max(both, r.floorUs);
  const us = one * count;
  if (acc) acc.add(CLASS_INDEX[op], flops * count, bytes * count, count, us, computeUs >= memoryUs && computeUs >= r.floorUs ? us : 0);
  return us;
}

/** A kernel's compute-bound time (flops include any padding) and memory-bound time, as kernelUs combines them. */
function computeUsOf(hw: HardwareSpec, r: Rates, op: OpClass, flops: number): number {
  return (flops / (r.computeFlopsPerUs * hw.perf.efficiency[op].compute)) * r.computeStretch;
}

function memoryUsOf(hw: HardwareSpec, r: Rates, op: OpClass, bytes: number): number {
  const bytesPerUs = r.classBytesPerUs ? r.classBytesPerUs[CLASS_INDEX[op]] : r.bandwidthBytesPerUs * hw.perf.efficiency[op].memory;
  return (bytes / bytesPerUs) * r.memoryStretch;
}

/** Whether kernelUs finds this kernel compute-bound (for the breakdown's computeBoundShare); flops include any padding. */
function computeBound(hw: HardwareSpec, r: Rates, op: OpClass, flops: number, bytes: number): boolean {
  const computeUs = computeUsOf(hw, r, op, flops);
  return computeUs >= memoryUsOf(hw, r, op, bytes) && computeUs >= r.floorUs;
}

function linearUs(hw: HardwareSpec, r: Rates, op: OpClass, n: number, dIn: number, dOut: number, s: number, count: number, acc: Acc | null): number {
  const flops = 2 * n * dIn * dOut;
  // Activations in and out, plus the weights, read once per kernel.
  const bytes = (n * dIn + dIn * dOut + n * dOut) * s;
  const pad = gemmPadFlops(hw.perf, n, dIn, dOut, r.smCount);
  const share = r.clusters ? gemmClusterShare(r.clusters.table, n, dIn, dOut) : 0;
  // A narrow GEMM whose cluster the remainder hosts streams from the remainder SMs its side gives it (Rates.narrow).
  const own = r.narrow !== null && n <= NARROW_GEMM_ROWS ? r.narrow : r;
  // cuBLAS's own time at this (shape, tokens) over the roofline's (GemmKernelShape.timeScale); the LM head
  // is not a shape the table records.
  const table = hw.perf.gemmKernels;
  const scale = table && op === 'gemm' ? gemmTimeScale(table, n, dIn, dOut) : 1;
  if (share === 0 && scale === 1) return kernelUs(hw, own, op, flops, bytes, count, acc, pad);
  // On a partition holding the remainder, a clustered kernel runs on the whole groups only: its time is
  // its time on those SMs (GemmKernelTable). A share between 0 and 1 (a token count between two recorded
  // ones, or an unrecorded shape) weighs the two times.
  const onAll = kernelUs(hw, own, op, flops, bytes, 1, null, pad);
  const g = share > 0 ? (r.clusters as NonNullable<Rates['clusters']>).groups : null;
  const onGroups = g ? kernelUs(hw, g, op, flops, bytes, 1, null, gemmPadFlops(hw.perf, n, dIn, dOut, g.smCount)) : 0;
  const us = ((1 - share) * onAll + share * onGroups) * scale * count;
  if (acc) acc.add(CLASS_INDEX[op], flops * count, bytes * count, count, us, computeBound(hw, own, op, flops + pad, bytes) ? us : 0);
  return us;
}

/**
 * One GEMM of n tokens through a dIn × dOut weight alone on `smCount` SMs (graph launch, the clock the
 * calibration ran at), priced as a forward prices its linear layers. For the calibration fitter, which
 * compares the model with the gemm-rows plan's single-GEMM timings (GemmKernelShape.timeScale).
 */
export function gemmAloneUs(hw: HardwareSpec, n: number, dIn: number, dOut: number, dtypeBytes: number, smCount: number): number {
  const r = ratesFor(hw, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' });
  return linearUs(hw, r, 'gemm', n, dIn, dOut, dtypeBytes, 1, null);
}

/**
 * Compute a GEMM does beyond its 2·n·dIn·dOut FLOPs because it works in whole row tiles (PerfSpec
 * gemmRowTile T and gemmSmallRowTile T_s; the physics form): n tokens cost ⌈n/T⌉·T rows, or ⌈n/T_s⌉·T_s
 * when n ≤ T. cuBLAS picks its kernel by problem size: a batch that fits in one large tile (decode
 * batches, ≤ 128 tokens) runs a narrow-M kernel, anything larger the 128-row Hopper tiles. A 544-token
 * mixed batch (512 prefill + 32 decode) pays for 640 rows with T = 128, 18% more than counted; a 512-token
 * one pays for none; 8 decode tokens with T_s = 64 pay for 64. Absent T: no padding.
 */
export function gemmPadFlops(
  perf: Pick<HardwareSpec['perf'], 'gemmRowTile' | 'gemmSmallRowTile' | 'gemmWaveBlend' | 'gemmColTile' | 'gemmKernels' | 'gemmTilesFromRows'>,
  n: number,
  dIn: number,
  dOut: number,
  smCount = 0,
): number {
  const recorded = perf.gemmKernels && perf.gemmTilesFromRows !== undefined && n >= perf.gemmTilesFromRows ? gemmRecordedTile(perf.gemmKernels, n, dIn, dOut) : null;
  if (recorded) return recordedTilePadFlops(perf.gemmWaveBlend ?? 0, recorded, n, dIn, dOut, smCount);
  const large = perf.gemmRowTile;
  if (!large) return 0;
  const t = perf.gemmSmallRowTile !== undefined && n <= large ? perf.gemmSmallRowTile : large;
  const rowTiles = Math.ceil(n / t);
  const padded = 2 * rowTiles * t * dIn * dOut;
  const k = perf.gemmWaveBlend ?? 0;
  if (k === 0 || smCount <= 0) return padded - 2 * n * dIn * dOut;
  // Wave quantisation: ⌈tiles/S⌉ waves of S tiles each, the last partly idle.
  const tiles = rowTiles * Math.ceil(dOut / (perf.gemmColTile ?? 128));
  const waveFactor = (Math.ceil(tiles / smCount) * smCount) / tiles;
  return padded * (1 + k * (waveFactor - 1)) - 2 * n * dIn * dOut;
}

/**
 * gemmPadFlops on cuBLAS's recorded output tile [tc columns of dOut, tr token rows] (PerfSpec gemmTilesFromRows):
 * the kernel computes ⌈dOut/tc⌉·⌈n/tr⌉ whole tiles, and with the wave blend k those tiles run in ⌈tiles/S⌉ waves
 * on S SMs, the last partly idle, as for the fitted tile.
 */
function recordedTilePadFlops(k: number, [tc, tr]: readonly [number, number], n: number, dIn: number, dOut: number, smCount: number): number {
  const colTiles = Math.ceil(dOut / tc);
  const rowTiles = Math.ceil(n / tr);
  const padded = 2 * colTiles * tc * rowTiles * tr * dIn;
  const counted = 2 * n * dIn * dOut;
  if (k === 0 || smCount <= 0) return padded - counted;
  const tiles = colTiles * rowTiles;
  return padded * (1 + k * ((Math.ceil(tiles / smCount) * smCount) / tiles - 1)) - counted;
}

/**
 * Work beyond the counted FLOPs that prefill chunks over a cached prefix cost when their kernel reaches
 * OpEfficiency.cachedPrefixCompute instead of `compute`: F_cached·(compute/cachedPrefixCompute − 1), so
 * that (F + pad)/(Π·compute) prices the plain chunks at `compute` and the cached ones at their own rate.
 */
export function cachedPrefixPadFlops(eff: OpEfficiency, cachedPrefixFlops: number): number {
  if (eff.cachedPrefixCompute === undefined || cachedPrefixFlops === 0) return 0;
  return cachedPrefixFlops * (eff.compute / eff.cachedPrefixCompute - 1);
}

/** FLOPs of one prefill chunk's attention: q new queries over c cached and the q new keys, causal. */
export function prefillChunkFlops(qHeads: number, headDim: number, newTokens: number, cachedTokens: number): number {
  return 4 * qHeads * headDim * (newTokens * cachedTokens + (newTokens * newTokens) / 2);
}

/**
 * How much longer a prefill attention kernel computes because its query blocks run in whole waves on the
 * partition (PerfSpec attnWaveBlend k, attnRowTile T; the physics form). One varlen kernel covers every
 * chunk of the batch, a grid of Σ⌈q/T⌉·hq blocks; on S SMs they take ⌈blocks/S⌉ waves, so its compute is
 * scaled by 1 + k·(waves·S/blocks − 1). A short chunk over a cached prefix (256 queries, 32 heads: 64
 * blocks of 128 rows) fills 64 SMs but half of 128. Returns 1 without the term.
 */
export function attnWaveStretch(
  perf: Pick<HardwareSpec['perf'], 'attnWaveBlend' | 'attnRowTile'>,
  chunks: readonly { readonly newTokens: number }[],
  qHeads: number,
  smCount: number,
): number {
  const k = perf.attnWaveBlend ?? 0;
  if (k === 0 || smCount <= 0) return 1;
  const rowTile = perf.attnRowTile ?? 128;
  let blocks = 0;
  for (const c of chunks) blocks += Math.ceil(c.newTokens / rowTile) * qHeads;
  if (blocks === 0) return 1;
  return 1 + k * ((Math.ceil(blocks / smCount) * smCount) / blocks - 1);
}

/**
 * Compute beyond the counted FLOPs of the prefill attention kernel over `chunks`: the wave stretch
 * (attnWaveStretch) on all of it and, for chunks over a cached prefix, their own efficiency
 * (cachedPrefixPadFlops, applied to their stretched work).
 */
export function prefillAttentionPadFlops(
  perf: Pick<HardwareSpec['perf'], 'attnWaveBlend' | 'attnRowTile' | 'efficiency'>,
  chunks: readonly { readonly newTokens: number; readonly cachedTokens: number }[],
  qHeads: number,
  headDim: number,
  smCount: number,
): number {
  const stretch = attnWaveStretch(perf, chunks, qHeads, smCount);
  let flops = 0;
  let cachedFlops = 0;
  for (const { newTokens: q, cachedTokens: c } of chunks) {
    const f = prefillChunkFlops(qHeads, headDim, q, c);
    flops += f;
    if (c > 0) cachedFlops += f;
  }
  return flops * (stretch - 1) + cachedPrefixPadFlops(perf.efficiency.attn_prefill, cachedFlops * stretch);
}

/**
 * Per-layer work that depends only on the token count n: the four projections, the elementwise kernels
 * and (under TP) the all-reduces. Returns [µs, kernels] of one layer.
 */
function layerTokenOps(model: ModelSpec, hw: HardwareSpec, r: Rates, n: number, tp: number, acc: Acc | null): [number, number] {
  const s = model.dtypeBytes;
  const d = model.hiddenSize;
  const dh = model.headDim;
  const hq = model.numQHeads / tp;
  const hkv = Math.max(1, model.numKvHeads / tp);
  const ffn = model.ffnSize / tp;
  let us = 0;
  // Token-level linear layers (column/row parallel under TP).
  us += linearUs(hw, r, 'gemm', n, d, (hq + 2 * hkv) * dh, s, 1, acc);
  us += linearUs(hw, r, 'gemm', n, hq * dh, d, s, 1, acc);
  us += linearUs(hw, r, 'gemm', n, d, 2 * ffn, s, 1, acc);
  us += linearUs(hw, r, 'gemm', n, ffn, d, s, 1, acc);
  // Elementwise kernels, memory bound: fused add+RMSNorm ×2 (read x and residual, write both),
  // RoPE on q and k (in place), q/k RMSNorm (Qwen3), SiLU·mul over the gate/up output.
  const qkDim = (hq + hkv) * dh;
  us += kernelUs(hw, r, 'elementwise', 0, 4 * n * d * s, 2, acc);
  us += kernelUs(hw, r, 'elementwise', 0, 2 * n * qkDim * s, model.qkNorm ? 2 : 1, acc);
  us += kernelUs(hw, r, 'elementwise', 0, 3 * n * ffn * s, 1, acc);
  let kernels = 4 + (model.qkNorm ? 5 : 4);
  // Tensor parallelism: an all-reduce after attention and after the MLP, ring algorithm:
  // 2(N−1) steps, each α plus bytes/N over the link.
  if (tp > 1) {
    const bytes = n * d * s;
    const steps = 2 * (tp - 1);
    const arUs = steps * (hw.interconnect.latencyUs + (bytes / tp / hw.interconnect.bandwidthBytesPerS) * 1e6);
    us += 2 * arUs;
    kernels += 2;
    if (acc) acc.add(ALLREDUCE, 0, 2 * steps * (bytes / tp), 2, 2 * arUs, 0);
  }
  return [us, kernels];
}

/** Embedding gather over n tokens, final norm over the sampled rows, LM head over one row per sequence. */
function tailOps(model: ModelSpec, hw: HardwareSpec, r: Rates, n: number, numSeqs: number, tp: number, acc: Acc | null): number {
  const s = model.dtypeBytes;
  const d = model.hiddenSize;
  let us = kernelUs(hw, r, 'elementwise', 0, 2 * n * d * s, 1, acc);
  us += kernelUs(hw, r, 'elementwise', 0, 2 * numSeqs * d * s, 1, acc);
  us += linearUs(hw, r, 'lm_head', numSeqs, d, model.vocabSize / tp, s, 1, acc);
  return us;
}
const TAIL_KERNELS = 3;

/**
 * The token-count-only part of a forward, memoised per (rates, model, TP, n, sequences): the simulator
 * prices hundreds of thousands of steps whose token counts repeat while their attention contexts do not.
 * Keyed by frozen inputs, so the memo cannot change an answer; bounded so long runs do not grow it forever.
 */
const tokenMemo = new WeakMap<Rates, WeakMap<ModelSpec, Map<number, Float64Array>>>();
const TOKEN_MEMO_LIMIT = 200_000;

function tokenPart(model: ModelSpec, hw: HardwareSpec, r: Rates, n: number, numSeqs: number, tp: number): Float64Array {
  let byModel = tokenMemo.get(r);
  if (!byModel) tokenMemo.set(r, (byModel = new WeakMap()));
  let m = byModel.get(model);
  if (!m) byModel.set(model, (m = new Map()));
  const cacheable = numSeqs < 65536 && tp < 64 && n < 2 ** 30;
  const key = (n * 65536 + numSeqs) * 64 + tp;
  let v = cacheable ? m.get(key) : undefined;
  if (!v) {
    // The compute-bound time rides along (a power model's clock needs a forward's compute-bound share on the hot path).
    const a = new Acc();
    const [layerUs, layerKernels] = layerTokenOps(model, hw, r, n, tp, a);
    const layerComputeBoundUs = a.computeBoundUs();
    const t = new Acc();
    const tail = tailOps(model, hw, r, n, numSeqs, tp, t);
    v = Float64Array.of(layerUs, layerKernels, tail, layerComputeBoundUs, t.computeBoundUs());
    if (cacheable) {
      if (m.size >= TOKEN_MEMO_LIMIT) m.clear();
      m.set(key, v);
    }
  }
  return v;
}

/**
 * Core arithmetic shared by predictIteration and predictGpuUs. Returns GPU µs and the kernel count;
 * fills `acc` when given (then nothing is memoised).
 */
function forward(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, opts: PredictOptions, acc: Acc | null, computeBoundOut?: { us: number }): [number, number] {
  const tp = opts.tpDegree;
  const s = model.dtypeBytes;
  const L = model.numLayers;
  const dh = model.headDim;
  const hq = model.numQHeads / tp;
  const hkv = Math.max(1, model.numKvHeads / tp);
  if (opts.computeClockScale !== undefined || needsPowerClock(hw, opts)) {
    // Compute-bound time × the clock's scale, on the forward at the calibration clock: the decomposition the clock fit
    // measures its scales by ((measured − memory part) ÷ compute part, calibrate/fit-clock.ts), one forward priced once.
    const out = { us: 0 };
    const [gpuUs, kernels] = forward(model, hw, batch, calibrationOf(opts), acc, out);
    const clock = opts.computeClockScale === undefined ? windowClock(model, hw, batch, opts, gpuUs, out.us)! : null;
    const scale = opts.computeClockScale ?? (opts.clockRegime === 'back-to-back' ? clock!.backToBackScale : clock!.servingScale);
    if (acc) {
      for (let slot = 0; slot < SLOTS; slot++) {
        acc.v[slot * 5 + 3] += acc.v[slot * 5 + 4] * (scale - 1);
        acc.v[slot * 5 + 4] *= scale;
      }
    }
    if (computeBoundOut) computeBoundOut.us = out.us * scale;
    return [gpuUs + out.us * (scale - 1), kernels];
  }
  const r = ratesFor(hw, needsOwnShare(hw, opts) ? { ...opts, ownComputeBoundShare: aloneDemand(model, hw, batch, opts.smCount, tp, pairRegime(hw, opts.clockRegime), opts.partitionSide).computeBoundShare } : opts);

  let n = batch.decodeCount;
  for (const p of batch.prefills) n += p.newTokens;
  const numSeqs = batch.prefills.length + batch.decodeCount;
  if (n === 0) return [0, 0];

  let layerUs: number;
  let layerKernels: number;
  let tail = 0;
  // Without an accumulator, the compute-bound µs per layer and in the tail (computeBoundOut).
  let layerComputeBoundUs = 0;
  let tailComputeBoundUs = 0;
  if (acc) [layerUs, layerKernels] = layerTokenOps(model, hw, r, n, tp, acc);
  else {
    const t = tokenPart(model, hw, r, n, numSeqs, tp);
    layerUs = t[0];
    layerKernels = t[1];
    tail = t[2];
    layerComputeBoundUs = t[3];
    tailComputeBoundUs = t[4];
  }

  // Prefill attention: one varlen kernel over all chunks. Causal: the q×q block is half computed.
  if (batch.prefills.length > 0) {
    let flops = 0;
    let bytes = 0;
    for (const p of batch.prefills) {
      const q = p.newTokens;
      const c = p.cachedTokens;
      flops += prefillChunkFlops(hq, dh, q, c);
      // Q read + O write, K/V read over q+c, K/V of the new tokens written to the cache.
      bytes += (2 * hq * q * dh + 2 * hkv * (q + c) * dh + 2 * hkv * q * dh) * s;
    }
    const pad = prefillAttentionPadFlops(hw.perf, batch.prefills, hq, dh, r.smCount);
    const us = kernelUs(hw, r, 'attn_prefill', flops, bytes, 1, acc, pad);
    layerUs += us;
    if (computeBoundOut && computeBound(hw, r, 'attn_prefill', flops + pad, bytes)) layerComputeBoundUs += us;
    layerKernels += 1;
  }
  // Decode attention: q = 1 over each request's context; bandwidth bound on the KV read.
  if (batch.decodeCount > 0) {
    const c = batch.decodeContextTokens;
    const flops = 4 * hq * dh * c;
    const bytes = (2 * hq * dh * batch.decodeCount + 2 * hkv * c * dh + 2 * hkv * dh * batch.decodeCount) * s;
    const us = kernelUs(hw, r, 'attn_decode', flops, bytes, 1, acc);
    layerUs += us;
    if (computeBoundOut && computeBound(hw, r, 'attn_decode', flops, bytes)) layerComputeBoundUs += us;
    layerKernels += 1;
  }

  let gpuUs = layerUs * L;
  const kernels = layerKernels * L + TAIL_KERNELS;
  if (acc) {
    // Per-layer classes were accumulated once; scale them to L layers, then add the tail unscaled.
    for (let slot = 0; slot < SLOTS; slot++) for (let k = 0; k < 5; k++) acc.v[slot * 5 + k] *= L;
    tail = tailOps(model, hw, r, n, numSeqs, tp, acc);
  }
  gpuUs += tail;
  if (computeBoundOut) computeBoundOut.us = acc ? acc.computeBoundUs() : layerComputeBoundUs * L + tailComputeBoundUs;
  return [gpuUs, kernels];
}

/**
 * A forward alone at the calibration clock, its GPU µs and compute-bound share, on the memoised hot path (what a
 * power model's clock needs for every priced step, and what the clock fit reads for each record).
 */
export function aloneShare(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, smCount: number, tpDegree: number, partitionSide?: PartitionSide): { gpuUs: number; computeBoundShare: number } {
  const out = { us: 0 };
  const [gpuUs] = forward(model, hw, batch, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree, clockRegime: 'calibration', partitionSide }, null, out);
  return { gpuUs, computeBoundShare: gpuUs > 0 ? Math.min(1, out.us / gpuUs) : 0 };
}

/**
 * The launch rule, stated once (the engine's split windows, the DuetServe optimiser and predictTotalUs use it):
 * a forward of `gpuUs` over `kernels` kernels replayed as one CUDA graph adds the graph launch; dispatched
 * eagerly, the host's launches overlap the GPU, so the forward takes whichever is longer, launching or running.
 */
export function launchedForwardUs(hw: HardwareSpec, gpuUs: number, kernels: number, launch: 'graph' | 'eager'): number {
  const o = hw.overheads;
  return launch === 'graph' ? gpuUs + o.graphLaunchUs : Math.max(gpuUs, kernels * o.eagerLaunchUsPerKernel);
}

function overheadFor(hw: HardwareSpec, gpuUs: number, kernels: number, launch: 'graph' | 'eager'): number {
  const o = hw.overheads;
  return launchedForwardUs(hw, gpuUs, kernels, launch) - gpuUs + o.schedulingUs + o.samplingUs;
}

/** GPU µs and kernel count of one forward, without the breakdown: the simulator's hot path. */
export function predictForward(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, opts: PredictOptions): readonly [gpuUs: number, kernels: number] {
  return forward(model, hw, batch, opts, null);
}

/** GPU µs of one forward, without the breakdown. */
export function predictGpuUs(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, opts: PredictOptions): number {
  return forward(model, hw, batch, opts, null)[0];
}

/** GPU µs plus host overheads: what one iteration adds to the simulation clock. */
export function predictTotalUs(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, opts: PredictOptions): number {
  const [gpuUs, kernels] = forward(model, hw, batch, opts, null);
  if (kernels === 0) return 0;
  return gpuUs + overheadFor(hw, gpuUs, kernels, opts.launch);
}

export function predictIteration(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, opts: PredictOptions): IterationPrediction {
  const acc = new Acc();
  const [gpuUs, kernels] = forward(model, hw, batch, opts, acc);
  const overheadUs = kernels === 0 ? 0 : overheadFor(hw, gpuUs, kernels, opts.launch);
  const breakdown: OpCost[] = [];
  const names: (OpClass | 'allreduce')[] = [...OP_CLASSES, 'allreduce'];
  names.forEach((op, slot) => {
    const o = slot * 5;
    const kernelCount = acc.v[o + 2];
    if (kernelCount === 0) return;
    const us = acc.v[o + 3];
    breakdown.push({
      op,
      flops: acc.v[o],
      bytes: acc.v[o + 1],
      kernels: kernelCount,
      us,
      computeBoundShare: us > 0 ? acc.v[o + 4] / us : 0,
    });
  });
  return { gpuUs, overheadUs, totalUs: gpuUs + overheadUs, kernels, breakdown };
}

/**
 * What a partition running `batch` alone on `smCount` SMs demands of the shared resources: its
 * compute-bound share of time scaled by its SM share (power), and its HBM traffic over the whole GPU's
 * bandwidth. The partner of a split is priced with this as its PredictOptions.partnerLoad.
 */
export function partnerLoadOf(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, smCount: number, tpDegree: number, clockRegime?: ClockRegime, partitionSide?: PartitionSide): PartnerLoad {
  const d = aloneDemand(model, hw, batch, smCount, tpDegree, pairRegime(hw, clockRegime), partitionSide);
  if (!(d.gpuUs > 0)) return { computeShare: 0, bandwidthShare: 0, smShare: 0, tensorShare: 0, computeBoundShare: 0 };
  const wholeBytesPerUs = curveAtFast(hw.perf.bandwidthBytesPerS, hw.smCount) / 1e6;
  const wholeFlopsPerUs = curveAtFast(hw.perf.computeFlopsPerS, hw.smCount) / 1e6;
  return {
    computeShare: Math.min(1, (smCount / hw.smCount) * d.computeBoundShare),
    bandwidthShare: Math.min(1.5, d.bytes / d.gpuUs / wholeBytesPerUs),
    smShare: smCount / hw.smCount,
    tensorShare: Math.min(1, d.flops / d.gpuUs / wholeFlopsPerUs),
    computeBoundShare: d.computeBoundShare,
  };
}

/** A forward alone on `smCount` SMs: its GPU time, bytes moved, and the share of its time spent compute-bound (0 when it has no work). */
function aloneDemand(
  model: ModelSpec,
  hw: HardwareSpec,
  batch: IterationBatch,
  smCount: number,
  tpDegree: number,
  clockRegime: ClockRegime | undefined,
  partitionSide: PartitionSide | undefined,
): { gpuUs: number; flops: number; bytes: number; computeBoundShare: number } {
  const acc = new Acc();
  const [gpuUs] = forward(model, hw, batch, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree, clockRegime, partitionSide }, acc);
  let flops = 0;
  let bytes = 0;
  let computeBoundUs = 0;
  for (let slot = 0; slot < SLOTS; slot++) {
    flops += acc.v[slot * 5];
    bytes += acc.v[slot * 5 + 1];
    computeBoundUs += acc.v[slot * 5 + 4];
  }
  return { gpuUs, flops, bytes, computeBoundShare: gpuUs > 0 ? Math.min(1, computeBoundUs / gpuUs) : 0 };
}

/** The regime a pair's loads and shares are read at: under a power model the calibration's, as its pairs ran (needsPowerClock). */
function pairRegime(hw: HardwareSpec, regime: ClockRegime | undefined): ClockRegime | undefined {
  return hw.perf.clockRegime?.power ? 'calibration' : regime;
}

/** Whether pricing `opts` needs the partition's own compute-bound share and the caller did not pass it. */
function needsOwnShare(hw: HardwareSpec, opts: PredictOptions): boolean {
  return opts.partnerSmCount > 0 && opts.ownComputeBoundShare === undefined && hw.perf.contention.shared?.exposure === 'compute-bound-share';
}

/**
 * The partner fields of PredictOptions for a partition beside `partnerBatch` on `partnerSmCount` SMs:
 * the load is computed only when the spec prices contention by shared resources (it costs one forward), its compute-bound share at `clockRegime` (the one the partition itself is priced at),
 * on the partner's own side of the GPU (`partnerSide`: a pair's decode 'last', its prefill 'first').
 */
export function partnerOf(
  model: ModelSpec,
  hw: HardwareSpec,
  partnerBatch: IterationBatch,
  partnerSmCount: number,
  tpDegree: number,
  clockRegime?: ClockRegime,
  partnerSide?: PartitionSide,
): { partnerSmCount: number; partnerLoad?: PartnerLoad } {
  if (partnerSmCount <= 0) return { partnerSmCount: 0 };
  if (!hw.perf.contention.shared) return { partnerSmCount };
  return { partnerSmCount, partnerLoad: partnerLoadOf(model, hw, partnerBatch, partnerSmCount, tpDegree, clockRegime, partnerSide) };
}

export type { Rates };
export { ratesFor };
