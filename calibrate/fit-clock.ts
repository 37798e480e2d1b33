import type { ClockRegimeSpec, HardwareSpec } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import { predictIteration } from '../sim/latency/roofline.js';
import type { ClockRegimeRecord } from './measurement.js';
import { roundSig } from './fit-efficiency.js';
import { median } from './error-stats.js';

/**
 * The clock-regime scales (ClockRegimeSpec) from the calibration's clock_regime records: the same
 * prefill forward settled back to back and interleaved with decode steps, both timed on the GPU. Each
 * record gives, per regime, the factor that makes the calibrated model's compute-bound time match:
 *   measured = memoryPart + scale · computePart  ⇒  scale = (measured − memoryPart) / computePart,
 * where the parts are the model's prediction of that forward in the calibration regime. The spec holds
 * the median over records (of every SM count and interleave depth measured); validate reports each
 * record's error under it. No records: no spec (every regime prices as calibrated).
 */
export function usableClock(r: ClockRegimeRecord): boolean {
  return r.smidsOk && r.backToBackUs > 0 && r.servingUs > 0;
}

export function fitClockRegime(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, records: readonly ClockRegimeRecord[]): ClockRegimeSpec | undefined {
  const usable = records.filter((r) => usableClock(r) && models[r.model]);
  if (usable.length === 0) return undefined;
  const b2b: number[] = [];
  const serving: number[] = [];
  for (const r of usable) {
    const p = predictIteration(models[r.model], hw, r.batch, { smCount: r.smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' });
    let computeUs = 0;
    for (const c of p.breakdown) computeUs += c.us * c.computeBoundShare;
    if (!(computeUs > 0)) continue;
    const memoryUs = p.gpuUs - computeUs;
    b2b.push((r.backToBackUs - memoryUs) / computeUs);
    serving.push((r.servingUs - memoryUs) / computeUs);
  }
  if (b2b.length === 0) return undefined;
  const clamp = (v: number): number => Math.min(2, Math.max(0.5, v));
  return { backToBackComputeScale: roundSig(clamp(median(b2b))), servingComputeScale: roundSig(clamp(median(serving))) };
}
