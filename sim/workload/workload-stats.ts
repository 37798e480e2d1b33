import { max, mean, quantileSorted } from 'd3-array';
import type { Request } from './request.js';
import { meanRateQps } from './transform.js';

/** Percentiles by d3-array's quantile (linear interpolation between order statistics, R-7). */
export interface TokenSummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** What a length table alone can tell: counts and token percentiles. */
export interface LengthStats {
  readonly requestCount: number;
  readonly promptTokens: TokenSummary;
  readonly outputTokens: TokenSummary;
  /** Requests that carry prefix-block hashes. */
  readonly withHashIdsCount: number;
}

export interface WorkloadStats extends LengthStats {
  /** First to last arrival, seconds. */
  readonly spanS: number;
  /** (n − 1) / span: one over the mean inter-arrival gap; null with fewer than two distinct arrivals. */
  readonly meanRateQps: number | null;
  /**
   * Burstiness: coefficient of variation (population std / mean) of inter-arrival gaps. 1 for Poisson,
   * 0 for constant rate, above 1 for bursty traffic; null with fewer than two gaps or a zero mean gap.
   */
  readonly interArrivalCv: number | null;
}

/** The token side of a trace or workload (records of a length-only table fit as well as requests). */
export function computeLengthStats(rows: readonly Pick<Request, 'promptTokens' | 'outputTokens' | 'hashIds'>[]): LengthStats {
  return {
    requestCount: rows.length,
    promptTokens: summarize(rows.map((r) => r.promptTokens)),
    outputTokens: summarize(rows.map((r) => r.outputTokens)),
    withHashIdsCount: rows.filter((r) => r.hashIds.length > 0).length,
  };
}

export function computeWorkloadStats(requests: readonly Request[]): WorkloadStats {
  const n = requests.length;
  const spanUs = n > 0 ? requests[n - 1].arrivalUs - requests[0].arrivalUs : 0;
  const rate = meanRateQps(requests);
  return {
    ...computeLengthStats(requests),
    spanS: spanUs / 1e6,
    meanRateQps: Number.isNaN(rate) ? null : rate,
    interArrivalCv: interArrivalCv(requests),
  };
}

function interArrivalCv(requests: readonly Request[]): number | null {
  if (requests.length < 3) return null;
  const gaps = requests.slice(1).map((r, i) => r.arrivalUs - requests[i].arrivalUs);
  const m = mean(gaps) as number;
  if (m <= 0) return null;
  let sumSq = 0;
  for (const g of gaps) sumSq += (g - m) ** 2;
  return Math.sqrt(sumSq / gaps.length) / m;
}

function summarize(values: number[]): TokenSummary {
  if (values.length === 0) return { p50: NaN, p90: NaN, p99: NaN, mean: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number): number => quantileSorted(sorted, p) as number;
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), mean: mean(sorted) as number, max: max(sorted) as number };
}
