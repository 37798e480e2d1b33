import type { ScenarioSpec } from '../engine/scenario.js';
import type { RunResult, Summary } from '../metrics/results.js';

/** The signature of runScenario (sim/engine/run-scenario.ts), so studies can run with any runner, fakes included. */
export type RunScenarioFn = (spec: ScenarioSpec, opts?: { onProgress?: (doneFrac: number) => void }) => RunResult;

/** What a study keeps of a run: the summary and the CDFs (the timeline stays out: a study has too many points). */
export interface PointOutcome {
  readonly summary: Summary;
  readonly cdf: RunResult['cdf'];
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
      const r = runScenario(spec, onProgress ? { onProgress } : {});
      return { summary: r.summary, cdf: r.cdf };
    },
    close: async () => {},
  };
}
