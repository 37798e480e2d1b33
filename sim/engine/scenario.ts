/**
 * A scenario is everything one simulation run needs, by name: what `duetsim replay` flags and a study's
 * grid point resolve to. `runScenario` (sim/run/run-scenario.ts) loads the named inputs, runs the
 * simulation and returns a RunResult. Plain data (JSON-serialisable) so studies can ship it to worker
 * threads and record it in results.
 */
export interface EngineOptions {
  /** Tokens per KV block (vLLM default 16). */
  readonly blockTokens: number;
  /** Share of GPU memory the server may use for weights, activations and KV (vLLM default 0.9). */
  readonly gpuMemoryUtilization: number;
  /** Memory held back for activations and the CUDA graph pool, bytes. */
  readonly activationReserveBytes: number;
  /** Most sequences in one batch (vLLM max_num_seqs). */
  readonly maxNumSeqs: number;
  /** Token budget per iteration for chunked / hybrid batches (vLLM max_num_batched_tokens). */
  readonly maxBatchTokens: number;
  /** Reuse KV of equal prefix blocks (needs hash_ids in the trace). */
  readonly prefixCaching: boolean;
}

export const DEFAULT_ENGINE: EngineOptions = {
  blockTokens: 16,
  gpuMemoryUtilization: 0.9,
  activationReserveBytes: 4 * 2 ** 30,
  maxNumSeqs: 256,
  maxBatchTokens: 2048,
  prefixCaching: false,
};

export interface ScenarioSpec {
  /** Bundled trace name (e.g. 'azure-conv') or a path. */
  readonly trace: string;
  /** Explicit trace format, or null to detect. */
  readonly traceFormat: string | null;
  /** Rescale arrivals to this mean rate, or null for the trace's own. */
  readonly rateQps: number | null;
  /** Window of the trace, seconds from its first arrival. */
  readonly startS: number;
  readonly durationS: number | null;
  /** Keep only the first N requests (after the window), or null. */
  readonly limit: number | null;
  readonly model: string;
  readonly hardware: string;
  /** Use the calibrated section of the hardware YAML when it has one. */
  readonly useCalibration: boolean;
  readonly policy: string;
  /**
   * A cluster YAML (configs/clusters/; sim/cluster/README.md); absent or null for one instance on one GPU.
   * When set, it supplies the model, hardware and policy of every instance and those three fields are
   * unused. Optional so that scenarios written before clusters existed (and their results) stay valid.
   */
  readonly cluster?: string | null;
  /** Policy parameters by name (each policy documents and validates its own). */
  readonly policyParams: Readonly<Record<string, number | string | boolean>>;
  readonly engine: EngineOptions;
  readonly sloTtftMs: number | null;
  readonly sloTbtMs: number | null;
  readonly tbtDefinition: 'request-p99-gap' | 'every-gap';
  readonly seed: number;
}
