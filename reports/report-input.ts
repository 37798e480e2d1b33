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
  /** Offered rate; null when the trace ran at its own rate. */
  readonly rateQps: number | null;
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

export interface ReportInput {
  readonly title: string;
  readonly sources: readonly string[];
  readonly runs: readonly RunEntry[];
  readonly studyPoints: readonly StudyPoint[];
  readonly capacities: readonly CapacityEntry[];
  readonly calibration: readonly CalibrationPoint[];
}

