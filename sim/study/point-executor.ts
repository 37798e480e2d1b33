import type { ScenarioSpec } from '../engine/scenario.js';
import type { RunResult, Summary } from '../metrics/results.js';

/** The signature of runScenario (sim/run/run-scenario.ts), so studies can run with any runner, fakes included. */
export type RunScenarioFn = (spec: ScenarioSpec, opts?: { onProgress?: (doneFrac: number) => void }) => RunResult;

/**
 * What a study keeps of a run: the summary, the CDFs and the measured arrival rate of the requests it
 * simulated (a cut window's rate can differ from the rate asked for). The timeline stays out: a study
 * has too many points.
 */
export interface PointOutcome {
  readonly summary: Summary;
  readonly cdf: RunResult['cdf'];
  readonly arrival_rate_qps: number | null;
}

/** The outcome of a run's results (`config.resolved.arrival_rate_qps` is null when a runner did not record it). */
export function pointOutcome(r: RunResult): PointOutcome {
  const resolved = r.config.resolved as { arrival_rate_qps?: unknown } | undefined;
  const rate = resolved?.arrival_rate_qps;
  return { summary: r.summary, cdf: r.cdf, arrival_rate_qps: typeof rate === 'number' ? rate : null };
}

/**
 * Runs scenarios, possibly many at once. `run` rejects with the runner's error (an InputError keeps its
 * problems). `close` must be called once no more runs are wanted.
 */
export interface PointExecutor {
  /** How many runs make progress at the same time. */
  readonly parallelism: number;
  run(spec: ScenarioSpec, onProgress?: (doneFrac: number) => void): Promise<PointOutcome>;
  close(): Promise<void>;
}

/** Runs on the calling thread, one at a time: for tests and for single-core machines. */
export function inlineExecutor(runScenario: RunScenarioFn): PointExecutor {
  return {
    parallelism: 1,
    run: async (spec, onProgress) => {
      return pointOutcome(runScenario(spec, onProgress ? { onProgress } : {}));
    },
    close: async () => {},
  };
}
