import type { HardwareSpec } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import type { IterationBatch } from '../sim/latency/iteration-batch.js';
import { partnerOf, predictIteration } from '../sim/latency/roofline.js';
import { inputError } from '../sim/core/input-error.js';
import type { ConcurrentRecord, ForwardRecord } from './measurement.js';

/**
 * The latency model's answer for a measured forward or concurrent pair, through the same
 * `predictIteration` the simulator uses (CUDA graph launch, one GPU, no tensor parallelism).
 *
 * What is compared is GPU time: the runner times each graph replay with CUDA events on the stream, so
 * host-side scheduling and sampling (the roofline's overheadUs) are not in the measurement.
 */
function gpuUs(model: ModelSpec, hw: HardwareSpec, batch: IterationBatch, smCount: number, partner: { partnerSmCount: number }): number {
  // 'calibration': the clock the measured forwards ran at (short back-to-back bursts; ClockRegimeSpec).
  return predictIteration(model, hw, batch, { smCount, ...partner, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' }).gpuUs;
}

export function modelOf(models: Readonly<Record<string, ModelSpec>>, r: { readonly model: string; readonly source: { readonly file: string; readonly line: number } }): ModelSpec {
  const m = models[r.model];
  if (!m) {
    throw inputError('calib.unknown-model', r.source.file, r.source.line, 'model', `model '${r.model}' is not in the plan's models (${Object.keys(models).join(', ')})`);
  }
  return m;
}

export function predictForwardUs(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, r: ForwardRecord): number {
  return gpuUs(modelOf(models, r), hw, r.batch, r.smCount, { partnerSmCount: 0 });
}

/** One decode iteration on its partition while the prefill runs on the other. */
export function predictConcurrentDecodeUs(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, r: ConcurrentRecord): number {
  const m = modelOf(models, r);
  return gpuUs(m, hw, r.decodeBatch, r.decodeSmCount, partnerOf(m, hw, r.prefillBatch, r.prefillSmCount, 1, 'calibration'));
}

/** The prefill forward on its partition while decodes run beside it. */
export function predictConcurrentPrefillUs(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, r: ConcurrentRecord): number {
  const m = modelOf(models, r);
  return gpuUs(m, hw, r.prefillBatch, r.prefillSmCount, partnerOf(m, hw, r.decodeBatch, r.decodeSmCount, 1, 'calibration'));
}
