import type { IterationBatch } from '../sim/latency/iteration-batch.js';
import type { PartitionSide } from '../sim/hardware/hardware-spec.js';

/**
 * One measurement file (JSONL written by `duet_runner` or the addon), parsed. Field names are camelCase
 * with units here; the file's snake_case names are mapped once in parse-measurements.ts. Every record
 * remembers where it came from so fit and validate errors can point at the line.
 */
export interface MeasurementMeta {
  readonly gpu: string;
  readonly smCount: number;
  readonly driver: string;
  readonly cudaRuntime: string;
  /** ISO date of the run, as the runner wrote it. */
  readonly date: string;
  readonly host: string;
  /** Green-context split: equal groups and the SMs left over (the runner reports them apart; 0 when absent). */
  readonly partition: {
    readonly minSms: number;
    readonly alignment: number;
    readonly groups: readonly number[];
    readonly remainderSms: number;
    /** Which end of the groups a single partition took (torch_runner.py --partition-side); absent: the first, as every runner did before the flag. */
    readonly side?: PartitionSide;
  };
  readonly backend: string;
  /** The GPU's maximum SM clock as the runner read it (`clocks.sm_clock_max_mhz`; null when the runner did not record it). */
  readonly smClockMaxMhz: number | null;
  /** The executor's tuning variables the run was made under (`settings`: DUET_* name → value; empty when none or not recorded). */
  readonly settings: Readonly<Record<string, string>>;
}

export interface Source {
  readonly file: string;
  /** 1-based line in `file`. */
  readonly line: number;
}

/** Timing summary every timed record carries (µs over `reps` repeats). */
export interface Timing {
  readonly medianUs: number;
  readonly p10Us: number;
  readonly p90Us: number;
  readonly reps: number;
}

interface Base extends Timing {
  readonly id: string;
  readonly source: Source;
  readonly smCount: number;
}

export interface CeilingGemmRecord extends Base {
  readonly kind: 'ceiling_gemm';
  readonly flops: number;
}

export interface CeilingBandwidthRecord extends Base {
  readonly kind: 'ceiling_bandwidth';
  /** Bytes moved per repeat (read + write), as the runner counts them. */
  readonly bytes: number;
}

export interface GemmOp {
  readonly op: 'gemm';
  readonly n: number;
  readonly dIn: number;
  readonly dOut: number;
}

export interface AttnPrefillOp {
  readonly op: 'attn_prefill';
  readonly hq: number;
  readonly hkv: number;
  readonly dh: number;
  readonly chunks: readonly { readonly newTokens: number; readonly cachedTokens: number }[];
}

export interface AttnDecodeOp {
  readonly op: 'attn_decode';
  readonly hq: number;
  readonly hkv: number;
  readonly dh: number;
  /** Tokens each sequence attends over, the new one included. */
  readonly contexts: readonly number[];
}

export const ELEMENTWISE_KINDS = ['add_rmsnorm', 'rope', 'qk_norm', 'silu_mul'] as const;
export type ElementwiseKind = (typeof ELEMENTWISE_KINDS)[number];

export interface ElementwiseOp {
  readonly op: 'elementwise';
  readonly which: ElementwiseKind;
  readonly n: number;
  /** Row width: hidden size (add_rmsnorm), (hq+hkv)·dh (rope, qk_norm), ffn size (silu_mul output). */
  readonly dim: number;
}

export type OpShape = GemmOp | AttnPrefillOp | AttnDecodeOp | ElementwiseOp;

/** Correctness check of an operator against an fp64 reference, as the runner reports it. */
export interface OpCheck {
  readonly relErr: number;
  readonly threshold: number;
  readonly passed: boolean;
}

export interface OpRecord extends Base {
  readonly kind: 'op';
  readonly shape: OpShape;
  readonly check: OpCheck | null;
  /** GPU kernels one call launched, by name (reference runner `--kernel-names`); null when not recorded. */
  readonly kernels?: readonly string[] | null;
}

export interface ForwardRecord extends Base {
  readonly kind: 'forward';
  readonly model: string;
  readonly batch: IterationBatch;
  /** The runner's %smid check (the forward stayed on its SMs); null when the record has none. */
  readonly smidsOk: boolean | null;
  /** Decodes over more than one distinct context length (a list in the plan with different values). */
  readonly raggedDecodes: boolean;
  /**
   * NVML's SM clock and power while the replays ran (reference runner, from 2026-12-06); absent when the record has
   * none. A forward timed for a tenth of a second can end before the power cap pulls the clock down.
   */
  readonly clock?: ClockSample;
  /**
   * Seconds the forward replayed untimed before it was timed (reference runner `--settle-seconds`, `settle_s`): its
   * clock had settled, so `clock` is the one its kernels ran at. Absent: timed straight after its set-up, where a short
   * compute-heavy forward on a large partition reads a clock it did not run at (calibrate/README.md, "Clock-aware fit").
   */
  readonly settleS?: number;
  /** The side of the GPU's groups the partition took (the file's meta `partition.side`); absent: 'first'. */
  readonly partitionSide?: PartitionSide;
}

/** Decode graph replayed k times on its partition while a prefill forward runs on the other. */
export interface ConcurrentRecord {
  readonly kind: 'concurrent';
  readonly id: string;
  readonly source: Source;
  readonly model: string;
  readonly prefillSmCount: number;
  readonly prefillBatch: IterationBatch;
  readonly decodeSmCount: number;
  readonly decodeBatch: IterationBatch;
  readonly lookahead: number;
  /** One decode iteration (per replay), alone on its partition and beside the running prefill. */
  readonly decodeAloneUs: number;
  readonly decodeConcurrentUs: number;
  readonly prefillAloneUs: number;
  readonly prefillConcurrentUs: number;
  readonly decodeSmidsOk: boolean;
  readonly prefillSmidsOk: boolean;
  /**
   * How the pair was timed: 'window' (duet_runner: k decode replays started together with one prefill, so a
   * lane may finish alone) or 'continuous' (reference runner: each lane timed while the partner replays
   * back to back for the whole measurement).
   */
  readonly method: 'window' | 'continuous';
  /** Continuous pairs: the partner ran across every measured replay (false: the pair is not usable). */
  readonly partnerCovered: boolean;
  /**
   * NVML samples while each lane was timed beside its partner (the reference runner's `spans.<lane>.clock`; absent
   * from runs without them). Both lanes run throughout either window, so each reads the clock the two together
   * allow — which moves with what the partner does, not only with its size (test/bench/partner-power.ts).
   */
  readonly decodeClock?: ClockSample;
  readonly prefillClock?: ClockSample;
}

/** NVML samples taken while one regime ran (null when the runner had no NVML). */
export interface ClockSample {
  readonly smClockMhz: number | null;
  readonly powerW: number | null;
}

/**
 * One prefill forward timed in two regimes on the same SMs (reference runner): repeated back to back, where
 * the power cap holds the clock down, and interleaved with `lookahead` decode steps (serving), where the
 * memory-bound decodes draw less power and the clock recovers. Times are medians over the settled half.
 */
export interface ClockRegimeRecord {
  readonly kind: 'clock_regime';
  readonly id: string;
  readonly source: Source;
  readonly model: string;
  readonly smCount: number;
  readonly batch: IterationBatch;
  readonly interleaveBatch: IterationBatch;
  readonly lookahead: number;
  readonly backToBackUs: number;
  readonly servingUs: number;
  /** One decode step inside the serving regime, and alone. */
  readonly decodeServingUs: number;
  readonly decodeAloneUs: number;
  readonly backToBackClock: ClockSample;
  readonly servingClock: ClockSample;
  readonly smidsOk: boolean;
}

export type MeasurementRecord =
  | CeilingGemmRecord
  | CeilingBandwidthRecord
  | OpRecord
  | ForwardRecord
  | ConcurrentRecord
  | ClockRegimeRecord;

export const RECORD_KINDS = ['ceiling_gemm', 'ceiling_bandwidth', 'op', 'forward', 'concurrent', 'clock_regime'] as const;

/** Everything measured on one GPU: records from one or more files of the same device. */
export interface MeasurementSet {
  readonly meta: MeasurementMeta;
  /** Files read, in the order given, with their SHA-256 (provenance). */
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
  readonly records: readonly MeasurementRecord[];
}
