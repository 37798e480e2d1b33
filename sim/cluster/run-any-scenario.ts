import type { ScenarioSpec } from '../engine/scenario.js';
import type { RunResult } from '../metrics/results.js';
import { runScenarioDetailed, type RunOptions, type RunOutput } from '../engine/run-scenario.js';
import { runClusterDetailed } from './run-cluster.js';

/**
 * Runs any scenario: a cluster when it names one, else one instance on one GPU. What `duetsim replay` and
 * the study workers call, so the engine's single-GPU runner need not know about clusters.
 */
export function runAnyScenarioDetailed(spec: ScenarioSpec, opts: RunOptions = {}): RunOutput {
  return spec.cluster != null ? runClusterDetailed(spec, opts) : runScenarioDetailed(spec, opts);
}

/** The same, returning only the results (the signature studies run scenarios with). */
export function runScenario(spec: ScenarioSpec, opts: RunOptions = {}): RunResult {
  return runAnyScenarioDetailed(spec, opts).result;
}
