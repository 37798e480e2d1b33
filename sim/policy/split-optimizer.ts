import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { IterationBatch } from '../latency/iteration-batch.js';
import { splitPricer, type SplitLanes, type SplitPricer } from '../latency/iteration-timing.js';

/**
 * DuetServe's split choice, as published: over partitions (S_p, S_d) and look-ahead k, maximise
 *   (k·T_decode + T_prefill) / max(k·t_d(S_d), t_p(S_p))   subject to t_d(S_d) ≤ τ,
 * where T_* are tokens and t_* predicted times of the decode steps (beside the prefill) and of the
 * prefill (beside the decodes). Pure; the policy calls it, tests compare it with brute force.
 *
 * The times are the engine's own (latency/iteration-timing.ts `splitPricer`): the decode lane is the sum of
 * the k steps as they run, contexts growing a token a step and contended only while the prefill runs; the
 * prefill runs alone once the lane ends; τ bounds the longest of the k steps. The published form's k·t_d
 * (one step priced at the first step's context, contended throughout) is that lane's simplification.
 * With those times the objective is no longer unimodal in k in general, so every k in [1, maxK] is priced;
 * the steps are priced once per split (step i does not depend on k), the search over k stops at the first
 * step longer than τ (the longest step only grows with k), and a split whose best conceivable objective is
 * below the best found is not priced beyond its first step.
 */
export interface SplitProblem {
  readonly model: ModelSpec;
  /** Hardware as the optimiser sees it (contention zeroed for the contention-blind ablation). */
  readonly hw: HardwareSpec;
  readonly tpDegree: number;
  readonly tauUs: number;
  readonly decode: IterationBatch;
  readonly prefill: IterationBatch;
  readonly splits: readonly { readonly prefillSms: number; readonly decodeSms: number }[];
  readonly maxK: number;
  /** Use only this k (ablation k = 1), or null to choose. */
  readonly fixedK: number | null;
  /**
   * Also bound the gap a decode request sees across the window's end: the decode partition idles for
   * the rest of a longer prefill, the host samples, then the next step (at most `tauUs` to its first
   * token, aggregated or split) runs: max(k·t_d, t_p) − k·t_d + sampling + tauUs ≤ gapLimitUs.
   * The published objective bounds only t_d; without this a long prefill stretches one gap per window.
   */
  readonly guardWindowGap: boolean;
  /** The TBT target itself (τ), which the window-end gap must stay under; ≥ tauUs. */
  readonly gapLimitUs: number;
  /**
   * Whether a prefill chunk completes its prompt, so that request emits a token when the prefill lane ends
   * and its next one only in the step after the window. With `guardWindowGap` that gap is bounded too:
   * a decode lane that outlasts the prefill (k·t_d > t_p) makes it wait the difference,
   * max(k·t_d, t_p) − t_p + tauUs ≤ gapLimitUs.
   */
  readonly prefillEmits: boolean;
}

export interface SplitChoice {
  readonly prefillSms: number;
  readonly decodeSms: number;
  readonly k: number;
  readonly objective: number;
  /** The longest of the k decode steps (what τ bounds). */
  readonly decodeStepUs: number;
  /** The k decode steps back to back. */
  readonly decodeLaneUs: number;
  /** The prefill forward, contended while the decode lane runs. */
  readonly prefillUs: number;
}

/** The window the engine would run for this split and k. */
export function priceSplit(p: SplitProblem, prefillSms: number, decodeSms: number): SplitPricer {
  return splitPricer(p.model, p.hw, p.prefill, p.decode, prefillSms, decodeSms, p.tpDegree);
}

export function objective(p: SplitProblem, k: number, t: SplitLanes): number {
  let prefillTokens = 0;
  for (const c of p.prefill.prefills) prefillTokens += c.newTokens;
  return (k * p.decode.decodeCount + prefillTokens) / Math.max(t.decodeLaneUs, t.prefillGpuUs);
}

export function feasible(p: SplitProblem, t: SplitLanes): boolean {
  if (t.longestDecodeStepUs > p.tauUs) return false;
  if (!p.guardWindowGap) return true;
  const windowUs = Math.max(t.decodeLaneUs, t.prefillGpuUs);
  // A decoding request's last token of the window comes when the lane ends; its next after the window's end
  // (the host samples the prefill's tokens first) and the next step's first token (≤ tauUs).
  const decodeGap = windowUs - t.decodeLaneUs + p.hw.overheads.samplingUs + p.tauUs;
  if (decodeGap > p.gapLimitUs) return false;
  // A request whose prefill the window completes emits when the prefill ends (plus sampling) and next after the
  // window's end (plus the same sampling) and the next step: a lane that outlasts the prefill delays it.
  return !p.prefillEmits || windowUs - t.prefillGpuUs + p.tauUs <= p.gapLimitUs;
}

/** Better = higher objective; ties (within 1e-12 relative) go to fewer decode SMs, then smaller k. */
export function better(a: SplitChoice, b: SplitChoice | null): boolean {
  if (!b) return true;
  const tol = 1e-12 * Math.max(Math.abs(a.objective), Math.abs(b.objective));
  if (a.objective > b.objective + tol) return true;
  if (a.objective < b.objective - tol) return false;
  if (a.decodeSms !== b.decodeSms) return a.decodeSms < b.decodeSms;
  return a.k < b.k;
}

export function chooseSplit(p: SplitProblem): SplitChoice | null {
  let best: SplitChoice | null = null;
  let prefillTokens = 0;
  for (const c of p.prefill.prefills) prefillTokens += c.newTokens;
  const [lo, hi] = p.fixedK !== null ? [p.fixedK, p.fixedK] : [1, p.maxK];
  // Most prefill SMs first: those splits fail τ on their first decode step (cheap), and the best is usually the
  // next one, whose objective then lets the bound below skip the rest without pricing their decode lanes.
  for (let i = p.splits.length - 1; i >= 0; i--) {
    const s = p.splits[i];
    const price = priceSplit(p, s.prefillSms, s.decodeSms);
    if (price.longestDecodeStepUs(lo) > p.tauUs) continue;
    // No k of this split beats (hi·T_decode + T_prefill) over a floor under its window (the prefill's shortest
    // price, and the decode lane so far, which only grows with k): stop pricing a split once that is strictly
    // below the best objective found (strictly, so that ties are still decided by `better`).
    const mostTokens = hi * p.decode.decodeCount + prefillTokens;
    const cannotWin = (windowFloorUs: number): boolean => best !== null && mostTokens / windowFloorUs < best.objective * (1 - 1e-9);
    const prefillFloorUs = price.prefillFloorUs();
    if (cannotWin(prefillFloorUs)) continue;
    for (let k = lo; k <= hi; k++) {
      if (price.longestDecodeStepUs(k) > p.tauUs) break;
      const t = price.lanes(k);
      if (feasible(p, t)) {
        const c: SplitChoice = { ...s, k, objective: objective(p, k, t), decodeStepUs: t.longestDecodeStepUs, decodeLaneUs: t.decodeLaneUs, prefillUs: t.prefillGpuUs };
        if (better(c, best)) best = c;
      }
      if (cannotWin(Math.max(prefillFloorUs, t.decodeLaneUs))) break;
    }
  }
  return best;
}
