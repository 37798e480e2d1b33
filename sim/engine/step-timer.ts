import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { IterationBatch } from '../latency/iteration-batch.js';
import { aggregatedGpuUs, splitTiming, type StepLanes } from '../latency/iteration-timing.js';

/**
 * One step as the engine runs it, with everything a timer needs: the batch by request (ids, chunk sizes,
 * contexts), the KV it frees before and after, and the same batch reduced to what the latency model prices.
 * A live run (calibrate/live/) sends exactly this to a GPU.
 */
export interface StepSpec {
  /** 0, 1, 2, … per instance, in start order. */
  readonly index: number;
  /** When the step starts on the instance's clock (the host begins scheduling it), µs. */
  readonly startUs: number;
  readonly mode: 'aggregated' | 'split';
  /** Split windows only (0 when aggregated). */
  readonly prefillSms: number;
  readonly decodeSms: number;
  /** Decode steps of a split window (1 when aggregated). */
  readonly lookaheadK: number;
  /** Requests preempted before the step (their KV is freed first). */
  readonly preempted: readonly number[];
  /**
   * The batch by request, built on demand: the simulator's hot path never asks (a replay runs hundreds of
   * thousands of steps of up to hundreds of decodes), a live run asks once per step.
   */
  requests(): StepRequests;  // valid only during `StepTimer.time` (it reads the live sequences)
  /** What the latency model prices: the prefill chunks, and the decodes. */
  readonly prefillBatch: IterationBatch;
  readonly decodeBatch: IterationBatch;
  /** Host µs the policy took to decide this step; measured only when the timer asks (`measuresHost`). */
  readonly decisionUs: number;
}

export interface StepRequests {
  readonly prefills: readonly { readonly id: number; readonly newTokens: number; readonly cachedTokens: number }[];
  /** `contextTokens`: what the first decode step attends over (the new token included); `steps` ≤ k it takes. */
  readonly decodes: readonly { readonly id: number; readonly contextTokens: number; readonly steps: number }[];
  /** Requests whose last token this step emits (their KV is freed after it). */
  readonly finishing: readonly number[];
}

/** A timer's answer: the GPU lanes, and the host µs before them when it measured its own (else the modelled scheduling cost applies). */
export interface TimedStep {
  readonly lanes: StepLanes;
  readonly hostUs?: number;
}

/**
 * Where a step's time comes from: the plug-in between the engine's mechanics and a clock. The simulator
 * prices steps with the latency model (`modelStepTimer`); a live run (`duetsim serve-gpu`) runs them on a
 * GPU and reports what it measured. The engine turns lanes into token times by one rule
 * (sim/latency/iteration-timing.ts `stepTimingFromLanes`), whichever timer answered.
 */
export interface StepTimer {
  readonly name: string;
  /** Ask the engine to measure the policy's decision time (host wall time: makes runs non-deterministic). */
  readonly measuresHost: boolean;
  time(spec: StepSpec): TimedStep;
}

/** The latency model's price of a step: what the simulator has always charged. */
export function modelStepLanes(model: ModelSpec, hw: HardwareSpec, tpDegree: number, spec: StepSpec): StepLanes {
  if (spec.mode === 'aggregated') {
    const batch: IterationBatch = {
      prefills: spec.prefillBatch.prefills,
      decodeCount: spec.decodeBatch.decodeCount,
      decodeContextTokens: spec.decodeBatch.decodeContextTokens,
    };
    return { mode: 'aggregated', gpuUs: aggregatedGpuUs(model, hw, batch, hw.smCount, tpDegree) };
  }
  const t = splitTiming(model, hw, spec.prefillBatch, spec.decodeBatch, spec.prefillSms, spec.decodeSms, spec.lookaheadK, tpDegree);
  return { mode: 'split', prefillEndUs: spec.prefillBatch.prefills.length > 0 ? t.prefillGpuUs : null, decodeEndsUs: t.decodeEndsUs };
}

export function modelStepTimer(model: ModelSpec, hw: HardwareSpec, tpDegree: number): StepTimer {
  return { name: 'model', measuresHost: false, time: (spec) => ({ lanes: modelStepLanes(model, hw, tpDegree, spec) }) };
}
