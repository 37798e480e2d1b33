import type { HardwareSpec, ContentionSpec, SharedContention } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import type { ConcurrentRecord } from './measurement.js';
import { nelderMead } from './nelder-mead.js';
import { predictConcurrentDecodeUs, predictConcurrentPrefillUs } from './predict-record.js';
import { roundSig } from './fit-efficiency.js';

/**
 * Stage 4 of the fit: γ_memory and γ_compute (the roofline's stretch 1 + γ·partnerShare) minimising the
 * mean squared log error of both sides of the training pairs: the decode iteration beside the running
 * prefill and the prefill beside the decodes. Both sides, because decode time is mostly memory-bound and
 * prefill mostly compute-bound: each pins one γ. `hw` carries the already fitted curves and efficiencies.
 * No pairs: no measured contention, γ = 0.
 */
export function fitContention(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, train: readonly ConcurrentRecord[]): ContentionSpec {
  if (train.length === 0) return { memory: 0, compute: 0 };
  const objective = (g: readonly number[]): number => {
    const h: HardwareSpec = { ...hw, perf: { ...hw.perf, contention: { memory: g[0], compute: g[1] } } };
    let s = 0;
    for (const r of train) {
      const ed = Math.log(predictConcurrentDecodeUs(models, h, r) / r.decodeConcurrentUs);
      const ep = Math.log(predictConcurrentPrefillUs(models, h, r) / r.prefillConcurrentUs);
      s += ed * ed + ep * ep;
    }
    // γ < 0 would make a partner speed this partition up.
    const negative = Math.min(0, g[0]) ** 2 + Math.min(0, g[1]) ** 2;
    return s / train.length + 1e3 * negative;
  };
  const m = nelderMead(objective, [0.2, 0.1], { step: [0.2, 0.2], maxEvaluations: 600, fTolerance: 1e-14 });
  return { memory: roundSig(Math.max(0, m.x[0]), 3), compute: roundSig(Math.max(0, m.x[1]), 3) };
}

/**
 * The shared-resource form (ContentionSpec.shared): four coefficients, each lane's compute- and
 * memory-bound time stretched by the partner's power share and bandwidth share (partnerLoadOf), fitted on
 * both lanes of the training pairs. Pairs timed with the partner running continuously (the reference
 * runner) measure exactly this steady state. Two choices of form are fitted each way and the pair with the
 * lower training objective kept, as the fit's other candidate terms are: the partner's power read as its
 * compute-bound share or its busy SMs (SharedContention.powerShare), and the power term reaching all of a
 * lane's compute-bound time or the lane's own compute-bound share of it (SharedContention.exposure). The
 * SM-share coefficients are fitted too (the form used when a caller knows only the partner's size) and kept
 * beside it.
 */
export function fitSharedContention(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, train: readonly ConcurrentRecord[]): ContentionSpec {
  const bySms = fitContention(models, hw, train);
  if (train.length === 0) return bySms;
  let best: { shared: SharedContention; value: number } | null = null;
  for (const powerShare of ['compute-bound', 'busy-sms'] as const) {
    for (const exposure of ['full', 'compute-bound-share'] as const) {
      const sharedOf = (g: readonly number[]): SharedContention => ({
        ...(powerShare === 'busy-sms' ? { powerShare } : {}),
        ...(exposure === 'compute-bound-share' ? { exposure } : {}),
        computeByPower: g[0],
        computeByBandwidth: g[1],
        memoryByPower: g[2],
        memoryByBandwidth: g[3],
      });
      const objective = (g: readonly number[]): number => {
        const h: HardwareSpec = { ...hw, perf: { ...hw.perf, contention: { ...bySms, shared: sharedOf(g) } } };
        let s = 0;
        for (const r of train) {
          const ed = Math.log(predictConcurrentDecodeUs(models, h, r) / r.decodeConcurrentUs);
          const ep = Math.log(predictConcurrentPrefillUs(models, h, r) / r.prefillConcurrentUs);
          s += ed * ed + ep * ep;
        }
        let negative = 0;
        for (const v of g) negative += Math.min(0, v) ** 2;
        return s / train.length + 1e3 * negative;
      };
      for (const start of [
        [0.3, 0.3, 0.3, 0.3],
        [0.5, 0.1, 0.1, 0.5],
      ]) {
        const m = nelderMead(objective, start, { step: [0.2, 0.2, 0.2, 0.2], maxEvaluations: 1500, fTolerance: 1e-14 });
        // Compared as rounded and written, so the choice is the one the YAML reproduces.
        const shared = sharedOf(m.x.map((v) => roundSig(Math.max(0, v), 3)));
        const value = objective([shared.computeByPower, shared.computeByBandwidth, shared.memoryByPower, shared.memoryByBandwidth]);
        if (best === null || value < best.value) best = { shared, value };
      }
    }
  }
  return { ...bySms, shared: (best as { shared: SharedContention }).shared };
}
