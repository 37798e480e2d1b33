/**
 * The acceptance limits for a simulated run against a live run of the same scenario, as one
 * table: each check is |(simulated − measured) / measured| ≤ limit on one figure of the comparison. The
 * stretch column asks for half of each limit; it is reported, never failed on.
 */
export type CheckedFigure = 'ttft_p50' | 'ttft_p99' | 'tbt_p50' | 'tbt_p99' | 'throughput_rps';

export interface CheckSpec {
  readonly name: string;
  readonly figure: CheckedFigure;
  /** Largest |relative error| that passes, as a fraction. */
  readonly limit: number;
}

export const LIVE_CHECKS: readonly CheckSpec[] = [
  { name: 'TTFT p50 within 10%', figure: 'ttft_p50', limit: 0.1 },
  { name: 'TTFT p99 within 15%', figure: 'ttft_p99', limit: 0.15 },
  { name: 'TBT p50 within 5%', figure: 'tbt_p50', limit: 0.05 },
  { name: 'TBT p99 within 10%', figure: 'tbt_p99', limit: 0.1 },
  { name: 'throughput within 3%', figure: 'throughput_rps', limit: 0.03 },
];

/** The stretch goal is this share of each limit. */
export const STRETCH_SHARE = 0.5;

/** The first six fields are the ones `--json` promises (issue 15); the rest are extras after them. */
export interface LiveCheck {
  readonly name: string;
  readonly simulated: number | null;
  readonly measured: number | null;
  /** (simulated − measured) / measured; null when either is missing or measured is 0. */
  readonly error: number | null;
  readonly limit: number;
  readonly pass: boolean;
  readonly stretch: { readonly limit: number; readonly pass: boolean };
  readonly figure: CheckedFigure;
}

/**
 * Evaluates every check from the figures of both runs. The error is rounded to 1e-6 before it is held
 * against the limit, so the verdict agrees with the error the report prints: 110 ms against 100 ms is an
 * error of 0.1 and passes a 10% limit, although (110 − 100) / 100 in floating point need not be 0.1
 * exactly. A check without both figures fails: no evidence is not a pass.
 */
export function evaluateChecks(figures: Readonly<Record<CheckedFigure, { readonly simulated: number | null; readonly measured: number | null }>>): LiveCheck[] {
  return LIVE_CHECKS.map((spec) => {
    const { simulated, measured } = figures[spec.figure];
    const error = relativeError(simulated, measured);
    const within = (limit: number): boolean => error !== null && Math.abs(error) <= limit;
    const stretchLimit = spec.limit * STRETCH_SHARE;
    return { name: spec.name, simulated, measured, error, limit: spec.limit, pass: within(spec.limit), stretch: { limit: stretchLimit, pass: within(stretchLimit) }, figure: spec.figure };
  });
}

/** (simulated − measured) / measured to 1e-6; null when either is null or NaN or measured is 0. */
export function relativeError(simulated: number | null, measured: number | null): number | null {
  if (simulated === null || measured === null || Number.isNaN(simulated) || Number.isNaN(measured) || measured === 0) return null;
  return Math.round(((simulated - measured) / measured) * 1e6) / 1e6;
}
