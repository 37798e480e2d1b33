import type { ScenarioSpec } from './scenario.js';
import type { ModelSpec } from '../model/model-spec.js';
import { kvBytesPerToken, weightBytes } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { Request } from '../workload/request.js';
import type { RunResult } from '../metrics/results.js';
import { MetricsCollector } from '../metrics/collector.js';
import { loadModel } from '../config/load-model.js';
import { loadHardware } from '../config/load-hardware.js';
import { loadWorkload } from '../workload/load-workload.js';
import { meanRateQps } from '../workload/transform.js';
import { defaultSpreadBucketsMs } from '../trace/bundled.js';
import { getPolicy } from '../policy/registry.js';
import { inputError } from '../core/input-error.js';
import { Instance, type StepRecord } from './instance.js';
import { DUETSIM_VERSION } from '../core/version.js';
import { simulate } from './simulation.js';

export interface RunOptions {
  readonly onProgress?: (doneFrac: number) => void;
  /**
   * Keep every step in `RunOutput.steps`. Memory grows with the run (a step record per iteration), so
   * only tests and short runs use it; per-step outputs of whole traces listen with `onStep` instead.
   */
  readonly recordSteps?: boolean;
  /** Called with each step as it is priced, in start order (streamed per-step outputs). */
  readonly onStep?: (step: StepRecord) => void;
  /**
   * Called once the inputs are loaded, before the first step: what a streamed output's header needs
   * (the schedule names the hardware's host costs; its prefill chunks carry arrival times).
   */
  readonly onStart?: (run: RunStart) => void;
  readonly cwd?: string;
}

export interface RunStart {
  /** The single instance's hardware (null for a cluster, whose instances may differ). */
  readonly hardware: HardwareSpec | null;
  readonly requests: readonly Request[];
}

/** The step array `recordSteps` asks for and the one listener the instances call (null when none). */
export function stepListeners(opts: RunOptions): { steps: StepRecord[] | null; onStep: ((step: StepRecord) => void) | null } {
  const steps: StepRecord[] | null = opts.recordSteps ? [] : null;
  const stream = opts.onStep;
  if (steps !== null && stream) {
    return {
      steps,
      onStep: (s) => {
        steps.push(s);
        stream(s);
      },
    };
  }
  return { steps, onStep: steps !== null ? (s) => void steps.push(s) : (stream ?? null) };
}

export interface RunOutput {
  readonly result: RunResult;
  readonly requests: readonly Request[];
  readonly collector: MetricsCollector;
  readonly steps: readonly StepRecord[] | null;
  /** The hardware the single instance ran on (null for a cluster, whose instances may differ). */
  readonly hardware: HardwareSpec | null;
}

/**
 * KV blocks one GPU holds for this model: memory × utilisation, less the weights (split N ways under
 * tensor parallelism) and the activation reserve, over the bytes of one block (KV heads split N ways).
 */
export function kvCapacityBlocks(model: ModelSpec, hw: HardwareSpec, engine: ScenarioSpec['engine'], tpDegree: number): number {
  const usable = hw.hbmCapacityBytes * engine.gpuMemoryUtilization - weightBytes(model) / tpDegree - engine.activationReserveBytes;
  const perBlock = (kvBytesPerToken(model) / Math.min(tpDegree, model.numKvHeads)) * engine.blockTokens;
  return Math.floor(usable / perBlock);
}

/**
 * The scenario's requests: its trace, window, limit, rate and seed applied (shared with cluster runs), through
 * the same `loadWorkload` that `duetsim trace stats` uses. The window and limit are cut on the trace's own
 * clock and what they keep is then rescaled, so `--rate 12` is the mean arrival rate of exactly the requests
 * simulated; `--duration 60` is 60 s of the trace (the simulated span is 60 s × trace rate / 12).
 * Rescaling first and cutting the window after (as before 2026-12) left the window's rate off the one asked
 * for by however far the window's own rate was from the whole trace's.
 */
export function loadScenarioRequests(spec: ScenarioSpec, cwd: string | undefined): Request[] {
  const spreadBucketsMs = defaultSpreadBucketsMs(spec.trace);
  return loadWorkload(
    {
      trace: spec.trace,
      ...(spec.traceFormat ? { format: spec.traceFormat } : {}),
      ...(spec.rateQps !== null ? { rateQps: spec.rateQps } : {}),
      ...(spec.startS > 0 ? { startS: spec.startS } : {}),
      ...(spec.durationS !== null ? { durationS: spec.durationS } : {}),
      ...(spec.limit !== null ? { limit: spec.limit } : {}),
      ...(spreadBucketsMs !== undefined ? { spreadBucketsMs } : {}),
      seed: spec.seed,
    },
    cwd,
  );
}

/** Measured mean arrival rate of the simulated requests, req/s ((n − 1) / span), or null below two distinct arrivals. */
export function arrivalRateQps(requests: readonly Request[]): number | null {
  const r = meanRateQps(requests);
  return Number.isNaN(r) ? null : round(r, 6);
}

/** The collector a scenario's results come from: its SLOs and about 600 timeline buckets over the arrivals. */
export function scenarioCollector(spec: ScenarioSpec, requests: readonly Request[]): MetricsCollector {
  const spanUs = requests.length > 0 ? requests[requests.length - 1].arrivalUs : 0;
  return new MetricsCollector(requests.length, niceBucketUs(spanUs), {
    ttft_ms: spec.sloTtftMs,
    tbt_ms: spec.sloTbtMs,
    tbt_definition: spec.tbtDefinition,
  });
}

/** Loads the scenario's inputs, runs it and returns the results (plus what per-request output needs). */
export function runScenarioDetailed(spec: ScenarioSpec, opts: RunOptions = {}): RunOutput {
  // A cluster file replaces the model, hardware and policy: those runs go through sim/cluster/run-any-scenario.ts.
  if (spec.cluster != null) throw new Error(`runScenarioDetailed runs one instance; scenario names cluster ${spec.cluster}`);
  const model = loadModel(spec.model);
  const hw = loadHardware(spec.hardware, { useCalibration: spec.useCalibration });
  const factory = getPolicy(spec.policy);
  const policy = factory.create(spec.policyParams, { model, hw, tpDegree: 1, sloTbtMs: spec.sloTbtMs });
  const requests = loadScenarioRequests(spec, opts.cwd);
  const kvBlocks = kvCapacityBlocks(model, hw, spec.engine, 1);
  if (kvBlocks <= 0) {
    const leftBytes = hw.hbmCapacityBytes * spec.engine.gpuMemoryUtilization - weightBytes(model) - spec.engine.activationReserveBytes;
    // Room left, but not one block of it: the block size is what is wrong (--block-size 1e9), not the model.
    if (leftBytes > 0) {
      throw inputError('model-does-not-fit', '<command line>', 0, '--block-size', `one KV block of ${spec.engine.blockTokens} tokens (${((kvBytesPerToken(model) * spec.engine.blockTokens) / 1e9).toPrecision(3)} GB) is larger than the ${(leftBytes / 1e9).toFixed(1)} GB left for the KV cache on ${hw.name}`);
    }
    throw inputError('model-does-not-fit', spec.hardware, 0, 'hbmCapacityBytes', `${model.name} weights (${(weightBytes(model) / 1e9).toFixed(1)} GB) leave no room for a KV cache on ${hw.name} at gpuMemoryUtilization ${spec.engine.gpuMemoryUtilization}`);
  }
  const metrics = scenarioCollector(spec, requests);
  const { steps, onStep } = stepListeners(opts);
  const instance = new Instance({ id: 0, model, hw, tpDegree: 1, engine: spec.engine, policy, kvBlocks }, metrics, onStep);
  opts.onStart?.({ hardware: hw, requests });
  simulate(requests, [instance], () => 0, metrics, opts.onProgress ? { onProgress: opts.onProgress } : {});
  const config = {
    ...spec,
    resolved: {
      requests: requests.length,
      arrival_rate_qps: arrivalRateQps(requests),
      kv_blocks: kvBlocks,
      kv_tokens: kvBlocks * spec.engine.blockTokens,
      model_weight_gb: round(weightBytes(model) / 1e9, 3),
      sm_count: hw.smCount,
      hardware_perf: hw.perf.provenance,
      duetsim_version: DUETSIM_VERSION,
    },
  };
  return { result: metrics.result(config, instance.preemptions), requests, collector: metrics, steps, hardware: hw };
}

export function runScenario(spec: ScenarioSpec, opts: RunOptions = {}): RunResult {
  return runScenarioDetailed(spec, opts).result;
}

/** Timeline buckets: about 600 over the arrival span, rounded to 1-2-5 seconds. */
function niceBucketUs(spanUs: number): number {
  const raw = Math.max(1, spanUs / 1e6 / 600);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * mag >= raw)! * mag;
  return step * 1e6;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
