import type { HardwareSpec, PartitionSide } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import type { IterationBatch } from '../sim/latency/iteration-batch.js';
import { aloneShare, clockRatio, partnerOf, predictIteration, servingClockOf, type ServingClock } from '../sim/latency/roofline.js';
import { inputError } from '../sim/core/input-error.js';
import { curveAt } from '../sim/latency/curve.js';
import type { ClockRegimeRecord, ConcurrentRecord, ForwardRecord } from './measurement.js';

/**
 * The latency model's answer for a measured forward or concurrent pair, through the same
 * `predictIteration` the simulator uses (CUDA graph launch, one GPU, no tensor parallelism).
 *
 * What is compared is GPU time: the runner times each graph replay with CUDA events on the stream, so
 * host-side scheduling and sampling (the roofline's overheadUs) are not in the measurement.
 */
function gpuUs(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, smCount: number, side: PartitionSide | undefined, partner: { partnerSmCount: number }, computeClockScale?: number): number {
  // 'calibration': the clock the measured forwards ran at (short back-to-back bursts; ClockRegimeSpec).
  const opts = { smCount, ...partner, launch: 'graph' as const, tpDegree: 1, clockRegime: 'calibration' as const, partitionSide: side };
  return predictIteration(model, hw, batch, computeClockScale === undefined ? opts : { ...opts, computeClockScale }).gpuUs;
}

export function modelOf(models: Readonly<Record<string, ModelSpec>>, r: { readonly model: string; readonly source: { readonly file: string; readonly line: number } }): ModelSpec {
  const m = models[r.model];
  if (!m) {
    throw inputError('calib.unknown-model', r.source.file, r.source.line, 'model', `model '${r.model}' is not in the plan's models (${Object.keys(models).join(', ')})`);
  }
  return m;
}

/**
 * A measured forward alone, at the clock it ran at: after a clock-aware fit (ClockPowerSpec.trainingClockMhz) the clock
 * its record carries, else the training forwards' median on its SM count (forwardClockScale); otherwise the curves'
 * own clock. `computeClockScale` overrides (the fit passes each training forward's before the spec has a power model).
 */
export function predictForwardUs(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, r: ForwardRecord, computeClockScale: number | undefined = forwardClockScale(hw, r)): number {
  return gpuUs(modelOf(models, r), hw, r.batch, r.smCount, r.partitionSide, { partnerSmCount: 0 }, computeClockScale);
}

/**
 * The compute-time scale of a measured forward under a clock-aware spec: (the maximum clock ÷ the NVML clock its record
 * carries)^α (ClockPowerSpec.clockSensitivity), or ÷ the training forwards' median clock on its SM count when it carries none (a harness forward of a
 * 2026-12-05 run: a burst of 9 replays, whose clock the power model cannot tell — on 132 H100 SMs the same plan's
 * forwards ran at 1,485–1,980 MHz by their length and what ran before them). Undefined for any other spec.
 */
export function forwardClockScale(hw: HardwareSpec, r: Pick<ForwardRecord, 'smCount' | 'clock'>): number | undefined {
  const p = hw.perf.clockRegime?.power;
  if (!p?.trainingClockMhz) return undefined;
  const measured = r.clock?.smClockMhz;
  const first = p.trainingClockMhz[0];
  // A clock is flat below the smallest partition measured (curveAt would take it to 0 with the SM count).
  const mhz = measured !== null && measured !== undefined && measured > 0 ? measured : r.smCount <= first.smCount ? first.value : curveAt(p.trainingClockMhz, r.smCount);
  return clockRatio(p.maxClockMhz / mhz, p.clockSensitivity ?? 1);
}

/** One decode iteration on its partition while the prefill runs on the other (its mean over the window's k, for a 'window' pair). */
export function predictConcurrentDecodeUs(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, r: ConcurrentRecord): number {
  return predictPair(models, hw, r).decodeUs;
}

/** The prefill forward on its partition while decodes run beside it (for part of it only, in a 'window' pair). */
export function predictConcurrentPrefillUs(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, r: ConcurrentRecord): number {
  return predictPair(models, hw, r).prefillUs;
}

/**
 * Both lanes of a measured pair. A 'continuous' pair timed each lane while the partner ran throughout: each lane is
 * its forward beside the partner. A 'window' pair (duet_runner) started k decode iterations and one prefill
 * together and timed each side to its own end, so one side has company for only part of its time: when the k
 * decodes (k × d, d the decode beside the prefill) end before the prefill (P beside the decodes), the prefill did
 * k·d ÷ P of its work with company and the rest alone (time k·d + (1 − k·d ÷ P) × P_alone) — the rule the simulator
 * prices a DuetServe window by (sim/latency/iteration-timing.ts, splitPricer); otherwise the prefill had company
 * throughout and the decode work left when it ends runs alone. Priced as if every lane had company
 * throughout, the H100 own-kernel pairs with one decode beside a 2,048-token prefill (k = 1) came out 10–20% slow
 * on the prefill side, and their k = 4 twins within 4% (h100-2026-12-05-own-kernels). A caller that wants both
 * lanes takes them from one call: each lane prices its partner's load too.
 */
export function predictPair(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, r: ConcurrentRecord): { decodeUs: number; prefillUs: number } {
  const m = modelOf(models, r);
  // Both runners put a pair's prefill on the first groups and its decode on the last (PartitionSide).
  const decodeUs = gpuUs(m, hw, r.decodeBatch, r.decodeSmCount, 'last', partnerOf(m, hw, r.prefillBatch, r.prefillSmCount, 1, 'calibration', 'first'));
  const prefillUs = gpuUs(m, hw, r.prefillBatch, r.prefillSmCount, 'first', partnerOf(m, hw, r.decodeBatch, r.decodeSmCount, 1, 'calibration', 'last'));
  if (r.method !== 'window' || !(decodeUs > 0) || !(prefillUs > 0)) return { decodeUs, prefillUs };
  const k = r.lookahead;
  const decodesUs = k * decodeUs;
  if (decodesUs < prefillUs) {
    const prefillAloneUs = gpuUs(m, hw, r.prefillBatch, r.prefillSmCount, 'first', { partnerSmCount: 0 });
    return { decodeUs, prefillUs: decodesUs + (1 - decodesUs / prefillUs) * prefillAloneUs };
  }
  const decodeAloneUs = gpuUs(m, hw, r.decodeBatch, r.decodeSmCount, 'last', { partnerSmCount: 0 });
  // Decode work (in alone time) still to do when the prefill ends: what k iterations need less what ran beside it.
  const leftAloneUs = Math.max(0, k * decodeAloneUs - prefillUs * (decodeAloneUs / decodeUs));
  return { decodeUs: (prefillUs + leftAloneUs) / k, prefillUs };
}

/** A clock_regime record's prefill priced in both regimes, with the clocks a power model gives its two windows. */
export interface ClockRecordPrediction {
  readonly backToBackUs: number;
  readonly servingUs: number;
  /** The power model's clocks (null without one): the prefill back to back, and between the record's decode steps. */
  readonly clock: ServingClock | null;
}

/**
 * The serving window is the record's own: its `lookahead` decode steps of its interleave batch (not the prefill's
 * decodes, which a clock-sizes prefill has none of), each priced alone at the calibration clock for its
 * compute-bound share. Without a power model the regimes' scales apply as the simulator prices them.
 */
export function predictClockRecord(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, r: ClockRegimeRecord): ClockRecordPrediction {
  const m = modelOf(models, r);
  const opts = { smCount: r.smCount, partnerSmCount: 0, launch: 'graph' as const, tpDegree: 1 };
  if (!hw.perf.clockRegime?.power) {
    const at = (clockRegime: 'back-to-back' | 'serving'): number => predictIteration(m, hw, r.batch, { ...opts, clockRegime }).gpuUs;
    return { backToBackUs: at('back-to-back'), servingUs: at('serving'), clock: null };
  }
  const x = aloneShare(m, hw, r.batch, r.smCount, 1);
  const d = aloneShare(m, hw, r.interleaveBatch, r.smCount, 1);
  const clock = servingClockOf(hw, r.smCount, x.gpuUs, x.computeBoundShare, d.gpuUs, d.computeBoundShare, r.lookahead)!;
  const at = (computeClockScale: number): number => predictIteration(m, hw, r.batch, { ...opts, computeClockScale }).gpuUs;
  return { backToBackUs: at(clock.backToBackScale), servingUs: at(clock.servingScale), clock };
}

