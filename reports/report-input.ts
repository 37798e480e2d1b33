import type { RunResult, Summary } from '../sim/metrics/results.js';

/**
 * What a report is drawn from, after loading: single runs (results JSON), study points and capacity
 * answers (study JSONL), and calibration validation points. Only data; reports/ never imports sim/
 * code, only the results types (type-only imports, erased at compile time).
 */
export interface RunEntry {
  /** Shown in legends and the table: policy and what else tells this run apart. */
  readonly label: string;
  readonly policy: string;
  readonly file: string;
  readonly result: RunResult;
}

export interface StudyPoint {
  /** The grid point's setting without rate and seed, e.g. "duetserve · qwen3-8b". */
  readonly series: string;
  readonly policy: string;
  /** Axis values of the point (short forms: a model given as a path is its file name), rate and seed included. */
  readonly coords: Readonly<Record<string, string>>;
  /** The point's resolved scenario, for the settings header. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** Offered rate; null when the trace ran at its own rate. */
  readonly rateQps: number | null;
  /** Measured mean arrival rate of the simulated requests; null in lines written before it was recorded. */
  readonly arrivalRateQps: number | null;
  readonly seed: number;
  readonly summary: Summary;
  readonly cdf: RunResult['cdf'];
}

export interface CapacityEntry {
  readonly series: string;
  readonly policy: string;
  readonly capacityQps: number;
  readonly bracket: readonly [number, number | null];
  readonly converged: boolean;
  readonly probeCount: number;
}

export interface CalibrationPoint {
  readonly id: string;
  readonly kind: string;
  readonly predictedUs: number;
  readonly measuredUs: number;
  /** Any other scalar fields of the point (e.g. sm_count, batch_kind), kept for the CSV. */
  readonly extra: Readonly<Record<string, string | number | boolean | null>>;
}

/** A calibration validation file: its points are in `calibration`; this is the rest of it. */
export interface CalibrationFile {
  readonly file: string;
  /** The file's `summary` object (gpu, targets, pass, error groups), or null when it has none. */
  readonly summary: Readonly<Record<string, unknown>> | null;
}

export interface ReportInput {
  readonly title: string;
  readonly sources: readonly string[];
  readonly runs: readonly RunEntry[];
  readonly studyPoints: readonly StudyPoint[];
  readonly capacities: readonly CapacityEntry[];
  readonly calibration: readonly CalibrationPoint[];
  readonly calibrationFiles: readonly CalibrationFile[];
}

