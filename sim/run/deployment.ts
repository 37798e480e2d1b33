import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { Request } from '../workload/request.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { Instance, StepRecord } from '../engine/instance.js';
import type { LoopHook, RouteFn } from '../engine/simulation.js';

/**
 * What a scenario runs on — one GPU or a cluster — once its own inputs are loaded (model, hardware and
 * policy, or the cluster file). `runScenarioDetailed` loads the requests between loading a deployment and
 * building it, so errors come in the same order for both: inputs, then the trace, then what only the
 * loaded inputs together can tell (the model leaves no room for KV).
 */
export interface Deployment {
  /** Builds the instances, reporting to `metrics` and `onStep`. Throws InputError for inputs that do not fit together. */
  build(metrics: MetricsCollector, onStep: ((step: StepRecord) => void) | null): BuiltDeployment;
}

export interface BuiltDeployment {
  readonly instances: readonly Instance[];
  readonly route: RouteFn;
  /** The cluster's part of the event loop (disaggregated clusters' hand-offs); null for none. */
  readonly loop: LoopHook | null;
  /** The single instance's hardware (null for a cluster, whose instances may differ). */
  readonly hardware: HardwareSpec | null;
  /** The results' `config.resolved` fields after `requests` and `arrival_rate_qps`, in their written order. */
  resolved(requests: readonly Request[], endUs: number): Record<string, unknown>;
}
