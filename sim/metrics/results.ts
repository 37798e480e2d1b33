/**
 * The results JSON of one replay: what `duetsim replay --out` writes and what reports/ and studies read.
 * Field names are snake_case with units, as they appear in the file. Bumping `schema` is required for
 * any incompatible change. Everything here is deterministic for a given config and seed: no wall-clock
 * times (those go to stderr).
 */
export { RESULT_SCHEMA } from '../input/file-formats.js';
import type { RESULT_SCHEMA } from '../input/file-formats.js';

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export interface SloSpec {
  /** TTFT target in ms, or null when not set. */
  readonly ttft_ms: number | null;
  /** TBT target in ms, or null when not set. */
  readonly tbt_ms: number | null;
  /** How a request's TBT is judged against the target. */
  readonly tbt_definition: 'request-p99-gap' | 'every-gap';
}

export interface Summary {
  readonly requests: number;
  readonly completed: number;
  readonly rejected: number;
  /** Rejected requests by RejectionCode (codes with none left out; keys sorted). */
  readonly rejected_by_reason: Readonly<Record<string, number>>;
  /** From the first arrival to the last completion. */
  readonly duration_s: number;
  readonly throughput_rps: number;
  readonly input_tps: number;
  readonly output_tps: number;
  readonly ttft_ms: Percentiles;
  /** Every gap between consecutive tokens of every request. */
  readonly tbt_ms: Percentiles;
  readonly tpot_ms: Percentiles;
  readonly e2e_ms: Percentiles;
  readonly queue_ms: Percentiles;
  readonly slo: SloSpec;
  /** Share of all requests (rejected count as misses) meeting every set target. */
  readonly slo_attainment: number;
  /** Requests/s meeting every set target, over duration_s. */
  readonly goodput_rps: number;
  readonly iterations: number;
  readonly preemptions: number;
  /** Share of GPU-busy time spent in split (S_p/S_d) mode; 0 for policies that never split. */
  readonly split_time_share: number;
  /** Decode steps reserved in a look-ahead window whose request had already finished. */
  readonly wasted_decode_steps: number;
  readonly prefix_hit_tokens: number;
}

/** One bucket of the time series a report draws (TBT over time, queue length, SM split). */
export interface TimelineBucket {
  readonly t_s: number;
  readonly arrivals: number;
  readonly completions: number;
  /** Waiting requests at the end of the bucket, summed over instances. */
  readonly queue_len: number;
  readonly running: number;
  /** KV blocks in use over capacity, at the end of the bucket. */
  readonly kv_used_frac: number;
  /** p99 of the token gaps that ended in this bucket (ms), or null if none. */
  readonly tbt_p99_ms: number | null;
  readonly iterations: number;
  /** Share of the bucket's GPU-busy time in split mode. */
  readonly split_share: number;
  /** Time-weighted mean prefill / decode partition SMs while split (0 when never split). */
  readonly mean_prefill_sms: number;
  readonly mean_decode_sms: number;
  readonly mean_lookahead_k: number;
}

/**
 * Why a request was refused at arrival, as a stable code (the reason column of --requests-csv and the keys
 * of summary.rejected_by_reason): 'exceeds-max-model-len' — prompt + output is longer than the model's
 * context (what vLLM and SGLang refuse); 'exceeds-kv-capacity' — its whole context can never fit the KV cache
 * of the instance (or, disaggregated, the smallest decode instance) it would run on.
 */
export type RejectionCode = 'exceeds-max-model-len' | 'exceeds-kv-capacity';

export interface Rejection {
  readonly code: RejectionCode;
  /** The numbers behind the code, for people. */
  readonly reason: string;
}

export interface RejectedRequest extends Rejection {
  readonly id: number;
  readonly origin: string;
}

/**
 * Quantiles past the CDF's 1% steps (the CDF's p99 is where a TBT SLO is judged), so a report can draw
 * the tail (1 − CDF) to p99.9. TBT comes from the same log histogram as the summary (10 bins a decade).
 */
export interface TailQuantiles {
  readonly percentiles: readonly number[];
  readonly ttft_ms: readonly number[];
  readonly tbt_ms: readonly number[];
}

/**
 * Consecutive steps of one instance that ran with the same partition: aggregated (one batch on all SMs;
 * prefill_sms = decode_sms = 0, lookahead_k = 1) or split (prefill on prefill_sms SMs beside decode on
 * decode_sms SMs, k decode steps per window). Times are seconds on the trace clock, like timeline buckets.
 */
export interface PartitionSegment {
  readonly instance: number;
  readonly start_s: number;
  readonly end_s: number;
  readonly steps: number;
  readonly mode: 'aggregated' | 'split';
  readonly prefill_sms: number;
  readonly decode_sms: number;
  readonly lookahead_k: number;
}

/** Per-request figures of one finished request (a sample of them is in the results). */
export interface RequestSample {
  readonly id: number;
  readonly arrival_s: number;
  readonly prompt_tokens: number;
  readonly output_tokens: number;
  readonly ttft_ms: number;
  /** The request's TBT as judged against the SLO (summary.slo.tbt_definition); null with one output token. */
  readonly tbt_ms: number | null;
  readonly e2e_ms: number;
  readonly queue_ms: number;
  readonly meets_slo: boolean;
}

export interface RunResult {
  readonly schema: typeof RESULT_SCHEMA;
  /** The resolved scenario: everything needed to rerun it. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly summary: Summary;
  readonly timeline: { readonly bucket_s: number; readonly buckets: readonly TimelineBucket[] };
  /** Quantiles at 0, 1, …, 100 percent, for CDF plots. */
  readonly cdf: { readonly ttft_ms: readonly number[]; readonly tbt_ms: readonly number[]; readonly tail?: TailQuantiles };
  readonly rejected: readonly RejectedRequest[];
  /**
   * The partition every step ran with, run-length encoded per instance, up to PARTITION_SEGMENT_LIMIT
   * segments; `truncated_at_s` is where recording stopped (null when it did not). Absent in results
   * written before it existed.
   */
  readonly partitions?: { readonly segments: readonly PartitionSegment[]; readonly truncated_at_s: number | null };
  /** Every `every`-th finished request by id (at most REQUEST_SAMPLE_LIMIT). Absent in older results. */
  readonly request_sample?: { readonly every: number; readonly requests: readonly RequestSample[] };
}

/** Cap on `partitions.segments`: about 100 bytes each, so results stay well under a megabyte. */
export const PARTITION_SEGMENT_LIMIT = 4000;
/** Cap on `request_sample.requests`: enough for a scatter plot, small enough to embed in a page. */
export const REQUEST_SAMPLE_LIMIT = 2000;
/** Percentiles of `cdf.tail`. */
export const TAIL_PERCENTILES: readonly number[] = [99.25, 99.5, 99.75, 99.9];
