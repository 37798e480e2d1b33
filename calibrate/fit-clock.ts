import type { ClockPowerSpec, ClockRegimeSpec, HardwareSpec } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import { aloneShare, powerClockMhz, powerDemand, servingScaleAt } from '../sim/latency/roofline.js';
import { nelderMead } from './nelder-mead.js';
import type { ClockRegimeRecord } from './measurement.js';
import { roundSig } from './fit-efficiency.js';
import { median } from './error-stats.js';

/**
 * The clock-regime scales (ClockRegimeSpec) from the calibration's clock_regime records: the same
 * prefill forward settled back to back and interleaved with decode steps, both timed on the GPU. Each
 * record gives, per regime, the factor that makes the calibrated model's compute-bound time match:
 *   measured = memoryPart + scale · computePart  ⇒  scale = (measured − memoryPart) / computePart,
 * where the parts are the model's prediction of that forward in the calibration regime. Back to back: the
 * median over records. Serving: where the records cover two or more SM counts, the onset form (servingFromSms:
 * the back-to-back scale up to S₀ SMs, then linear to the whole GPU's serving scale), S₀ and that scale by least
 * squares on the records' relative errors, kept when it fits them better than the median over records (the
 * form used otherwise). Interleaving lends a prefill clock only where back to back is power-capped: on the
 * H100 a prefill on 64 SMs runs at the maximum clock back to back and serves no faster (test/bench/clock-duty.ts).
 * validate reports each record's error under the result. No records: no spec (every regime prices as calibrated).
 * Given the GPU's maximum clock (the measurements' meta line) and records whose NVML clocks cover two or more SM counts,
 * also the power model (fitClockPower), which then prices both regimes: the back-to-back scale is moved to its reference
 * demand and no onset is kept.
 */
export function usableClock(r: ClockRegimeRecord): boolean {
  return r.smidsOk && r.backToBackUs > 0 && r.servingUs > 0;
}

export function fitClockRegime(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, records: readonly ClockRegimeRecord[], maxClockMhz: number | null = null): ClockRegimeSpec | undefined {
  const usable = records.filter((r) => usableClock(r) && models[r.model]);
  if (usable.length === 0) return undefined;
  const b2b: number[] = [];
  const serving: { smCount: number; scale: number }[] = [];
  for (const r of usable) {
    // The calibration-clock forward's compute-bound part, as the roofline splits it (the hot path's aloneShare).
    const x = aloneShare(models[r.model], hw, r.batch, r.smCount, 1);
    const computeUs = x.gpuUs * x.computeBoundShare;
    if (!(computeUs > 0)) continue;
    const memoryUs = x.gpuUs - computeUs;
    b2b.push((r.backToBackUs - memoryUs) / computeUs);
    serving.push({ smCount: r.smCount, scale: (r.servingUs - memoryUs) / computeUs });
  }
  if (b2b.length === 0) return undefined;
  const clamp = (v: number): number => Math.min(2, Math.max(0.5, v));
  const backToBackComputeScale = roundSig(clamp(median(b2b)));
  const constant: ClockRegimeSpec = { backToBackComputeScale, servingComputeScale: roundSig(clamp(median(serving.map((s) => s.scale)))) };
  const onset = fitServingOnset(backToBackComputeScale, serving, hw.smCount);
  const scales = onset && sumSquares(onset, serving, hw.smCount) < sumSquares(constant, serving, hw.smCount) ? onset : constant;
  const power = maxClockMhz === null ? null : fitClockPower(models, hw, usable, maxClockMhz);
  if (!power) return scales;
  // Under the power model the back-to-back scale is the one at the reference demand: each record's back-to-back scale
  // times the ratio of the clock its own demand gets to the reference demand's, the median over records.
  const atReference: number[] = [];
  for (const r of usable) {
    const x = aloneShare(models[r.model], hw, r.batch, r.smCount, 1);
    const computeUs = x.gpuUs * x.computeBoundShare;
    if (!(computeUs > 0)) continue;
    const own = powerClockMhz(power, hw.smCount, powerDemand(hw, power, r.smCount, x.computeBoundShare));
    const reference = powerClockMhz(power, hw.smCount, powerDemand(hw, power, r.smCount, power.referenceComputeShare));
    atReference.push(((r.backToBackUs - (x.gpuUs - computeUs)) / computeUs) * (own / reference));
  }
  if (atReference.length === 0) return scales;
  // The older form's fields stay for its readers: the median serving scale, no onset (the power model prices sizes).
  return { backToBackComputeScale: roundSig(clamp(median(atReference))), servingComputeScale: constant.servingComputeScale, power };
}

/** One NVML clock reading of a clock record's window, with the window's power demand as the model counts it. */
interface ClockReading {
  readonly smCount: number;
  /** Share of the window's time the model prices compute-bound: the prefill's, or the prefill's and its decode steps' time-weighted. */
  readonly forwardShare: number;
  readonly forwardUs: number;
  readonly stepShare: number;
  readonly stepsUs: number;
  readonly mhz: number;
}

/**
 * The power model's clock (ClockPowerSpec) from the clocks the records read: each record gives two windows, the prefill
 * back to back and the prefill with its decode steps, each a demand W (roofline powerDemand, from the model's
 * compute-bound shares at the calibration clock and its Π(S), W(S)) and a measured median clock. allComputeBoundMhz, fixedPowerShare and
 * memoryBoundPowerRatio minimise the squared log error of f(W) against the readings (Nelder–Mead from a physical start);
 * a reading at the maximum clock only bounds the demand from above, which the min() in f carries. Null below two SM
 * counts (a fixed and an SM-proportional share cannot be told apart at one) or without clocks in the records.
 * servingDecodeSteps: the median of the records' decode steps (the plan's serving interleave).
 */
export function fitClockPower(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, records: readonly ClockRegimeRecord[], maxClockMhz: number): ClockPowerSpec | null {
  const readings: ClockReading[] = [];
  const shares: number[] = [];
  for (const r of records) {
    const m = models[r.model];
    if (!m) continue;
    const x = aloneShare(m, hw, r.batch, r.smCount, 1);
    shares.push(x.computeBoundShare);
    const d = aloneShare(m, hw, r.interleaveBatch, r.smCount, 1);
    const b2b = r.backToBackClock.smClockMhz;
    const serving = r.servingClock.smClockMhz;
    if (b2b !== null && b2b > 0) readings.push({ smCount: r.smCount, forwardShare: x.computeBoundShare, forwardUs: x.gpuUs, stepShare: 0, stepsUs: 0, mhz: b2b });
    if (serving !== null && serving > 0) readings.push({ smCount: r.smCount, forwardShare: x.computeBoundShare, forwardUs: x.gpuUs, stepShare: d.computeBoundShare, stepsUs: r.lookahead * d.gpuUs, mhz: serving });
  }
  if (new Set(readings.map((g) => g.smCount)).size < 2) return null;
  const specOf = (v: readonly number[]): ClockPowerSpec => ({
    maxClockMhz,
    allComputeBoundMhz: Math.min(maxClockMhz, Math.max(100, v[0])),
    fixedPowerShare: Math.max(0, v[1]),
    memoryBoundPowerRatio: Math.min(1.5, Math.max(0, v[2])),
    referenceComputeShare: 1,
    servingDecodeSteps: 0,
  });
  const loss = (v: readonly number[]): number => {
    const p = specOf(v);
    let s = 0;
    for (const g of readings) s += Math.log(predictedMhz(hw, p, g) / g.mhz) ** 2;
    return s;
  };
  const best = nelderMead(loss, [0.75 * maxClockMhz, 0.5, 0.6], { step: [100, 0.2, 0.1], maxEvaluations: 6000, fTolerance: 1e-14 });
  const fitted = specOf(best.x);
  const steps = [...records.map((r) => r.lookahead)].sort((a, b) => a - b);
  return {
    maxClockMhz,
    allComputeBoundMhz: roundSig(fitted.allComputeBoundMhz),
    fixedPowerShare: roundSig(fitted.fixedPowerShare),
    memoryBoundPowerRatio: roundSig(fitted.memoryBoundPowerRatio),
    referenceComputeShare: roundSig(median(shares)),
    servingDecodeSteps: steps[Math.floor((steps.length - 1) / 2)],
  };
}

function predictedMhz(hw: HardwareSpec, p: ClockPowerSpec, g: ClockReading): number {
  const own = powerDemand(hw, p, g.smCount, g.forwardShare);
  const mix = g.stepsUs > 0 ? (g.forwardUs * own + g.stepsUs * powerDemand(hw, p, g.smCount, g.stepShare)) / (g.forwardUs + g.stepsUs) : own;
  return powerClockMhz(p, hw.smCount, mix);
}

/** Σ (predicted ÷ measured − 1)² of the records' serving scales under `c`. */
function sumSquares(c: ClockRegimeSpec, serving: readonly { smCount: number; scale: number }[], allSms: number): number {
  let s = 0;
  for (const r of serving) s += (servingScaleAt(c, r.smCount, allSms) / r.scale - 1) ** 2;
  return s;
}

/**
 * The onset form fitted to the records' serving scales with the back-to-back scale b fixed: for each whole S₀ below
 * the largest SM count measured, the whole-GPU scale w minimising Σ ((b + (w − b)·t_i) / s_i − 1)², t_i the record's
 * place between S₀ and the whole GPU (linear in w: closed form); the best S₀. Null with fewer than two SM counts
 * (one size cannot place an onset).
 */
function fitServingOnset(b: number, serving: readonly { smCount: number; scale: number }[], allSms: number): ClockRegimeSpec | null {
  const sizes = new Set(serving.map((s) => s.smCount));
  if (sizes.size < 2) return null;
  let best: { spec: ClockRegimeSpec; value: number } | null = null;
  const largest = Math.max(...sizes);
  for (let s0 = 0; s0 < Math.min(largest, allSms); s0++) {
    let uu = 0;
    let uv = 0;
    for (const r of serving) {
      const t = Math.min(1, Math.max(0, (r.smCount - s0) / (allSms - s0)));
      const u = t / r.scale;
      const v = (b * (1 - t)) / r.scale - 1;
      uu += u * u;
      uv += u * v;
    }
    if (!(uu > 0)) continue;
    const spec: ClockRegimeSpec = { backToBackComputeScale: b, servingComputeScale: roundSig(Math.min(2, Math.max(0.5, -uv / uu))), servingFromSms: s0 };
    const value = sumSquares(spec, serving, allSms);
    if (best === null || value < best.value) best = { spec, value };
  }
  return best ? best.spec : null;
}
