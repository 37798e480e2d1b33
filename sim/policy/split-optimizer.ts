import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { IterationBatch } from '../latency/iteration-batch.js';
import { partnerOf, predictForward } from '../latency/roofline.js';

/**
 * DuetServe's split choice, as published: over partitions (S_p, S_d) and look-ahead k, maximise
 *   (k·T_decode + T_prefill) / max(k·t_d(S_d), t_p(S_p))   subject to t_d(S_d) ≤ τ,
 * where T_* are tokens and t_* predicted times of one decode step (beside the prefill) and of the
 * prefill (beside the decodes). Pure; the policy calls it, tests compare it with brute force.
 *
 * For fixed (S_p, S_d) the objective rises with k while k·t_d ≤ t_p and falls after, so only
 * k = ⌊t_p/t_d⌋ and ⌈t_p/t_d⌉ (clamped to [1, kMax]) need pricing: O(1) per partition.
 * The window-end guards keep that true: the decode lane's only gets easier as k grows towards ⌈t_p/t_d⌉
 * (constant beyond); the prefill lane's holds for every k ≤ t_p/t_d and only gets harder beyond. So if
 * neither ⌊t_p/t_d⌋ nor ⌈t_p/t_d⌉ is feasible, no k is.
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
  readonly decodeStepUs: number;
  readonly prefillUs: number;
}

export function decodeStepUs(p: SplitProblem, decodeSms: number, prefillSms: number): number {
  const partner = partnerOf(p.model, p.hw, p.prefill, prefillSms, p.tpDegree);
  const [gpu] = predictForward(p.model, p.hw, p.decode, { smCount: decodeSms, ...partner, launch: 'graph', tpDegree: p.tpDegree });
  return gpu + p.hw.overheads.graphLaunchUs;
}

export function prefillUs(p: SplitProblem, prefillSms: number, decodeSms: number): number {
  const partner = partnerOf(p.model, p.hw, p.decode, decodeSms, p.tpDegree);
  const [gpu, kernels] = predictForward(p.model, p.hw, p.prefill, { smCount: prefillSms, ...partner, launch: 'eager', tpDegree: p.tpDegree });
  return Math.max(gpu, kernels * p.hw.overheads.eagerLaunchUsPerKernel);
}

export function objective(p: SplitProblem, k: number, td: number, tp: number): number {
  let prefillTokens = 0;
  for (const c of p.prefill.prefills) prefillTokens += c.newTokens;
  return (k * p.decode.decodeCount + prefillTokens) / Math.max(k * td, tp);
}

export function feasible(p: SplitProblem, k: number, td: number, tp: number): boolean {
  if (td > p.tauUs) return false;
  if (!p.guardWindowGap) return true;
  const windowUs = Math.max(k * td, tp);
  // A decoding request's last token of the window comes k·t_d in; its next after the window's end (the
  // host samples the prefill's tokens first) and the next step's first token (≤ tauUs).
  const decodeGap = windowUs - k * td + p.hw.overheads.samplingUs + p.tauUs;
  if (decodeGap > p.gapLimitUs) return false;
  // A request whose prefill the window completes emits at t_p (plus sampling) and next after the window's
  // end (plus the same sampling) and the next step: k = ⌈t_p/t_d⌉ alone could overshoot by almost t_d.
  return !p.prefillEmits || windowUs - tp + p.tauUs <= p.gapLimitUs;
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
  for (const s of p.splits) {
    const td = decodeStepUs(p, s.decodeSms, s.prefillSms);
    if (td > p.tauUs) continue;
    const tp = prefillUs(p, s.prefillSms, s.decodeSms);
    const ks = p.fixedK !== null ? [p.fixedK] : candidateKs(td, tp, p.maxK);
    for (const k of ks) {
      if (!feasible(p, k, td, tp)) continue;
      const c: SplitChoice = { ...s, k, objective: objective(p, k, td, tp), decodeStepUs: td, prefillUs: tp };
      if (better(c, best)) best = c;
    }
  }
  return best;
}

/** The k values worth pricing: the objective peaks at ⌊t_p/t_d⌋ or ⌈t_p/t_d⌉ (see chooseSplit). */
function candidateKs(td: number, tp: number, maxK: number): number[] {
  const r = tp / td;
  const lo = Math.min(maxK, Math.max(1, Math.floor(r)));
  const hi = Math.min(maxK, Math.max(1, Math.ceil(r)));
  return lo === hi ? [lo] : [lo, hi];
}
