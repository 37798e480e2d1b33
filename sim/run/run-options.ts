import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { Request } from '../workload/request.js';
import type { RunResult } from '../metrics/results.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { StepRecord } from '../engine/instance.js';
import type { StepTimer } from '../engine/step-timer.js';
import type { ModelSpec } from '../model/model-spec.js';
import type { EngineOptions } from '../engine/scenario.js';

/** What a caller of `runScenarioDetailed` (run-scenario.ts) may listen to or keep; every field optional. */
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
  /**
   * Where step times come from (a live run: the GPU, calibrate/live/); absent: the latency model. Called
   * once the instance's inputs are loaded and checked, before the first step. One GPU only: a cluster
   * scenario with a timer is an error.
   */
  readonly stepTimer?: (instance: TimedInstance) => StepTimer;
  /** Asked after every step end: true ends the run there, keeping what ran (simulation.ts `shouldStop`). */
  readonly shouldStop?: () => boolean;
}

/** What a step timer is built for: the one instance of a single-GPU scenario. */
export interface TimedInstance {
  readonly model: ModelSpec;
  readonly hw: HardwareSpec;
  readonly engine: EngineOptions;
  readonly policy: string;
  readonly kvBlocks: number;
}

export interface RunStart {
  /** The single instance's hardware (null for a cluster, whose instances may differ). */
  readonly hardware: HardwareSpec | null;
  readonly requests: readonly Request[];
}

export interface RunOutput {
  readonly result: RunResult;
  readonly requests: readonly Request[];
  readonly collector: MetricsCollector;
  readonly steps: readonly StepRecord[] | null;
  /** The hardware the single instance ran on (null for a cluster, whose instances may differ). */
  readonly hardware: HardwareSpec | null;
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
