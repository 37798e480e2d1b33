export const LIVE_CHECKS = [
    { name: 'TTFT p50 within 10%', figure: 'ttft_p50', limit: 0.1 },
    { name: 'TTFT p99 within 15%', figure: 'ttft_p99', limit: 0.15 },
    { name: 'TBT p50 within 5%', figure: 'tbt_p50', limit: 0.05 },
    { name: 'TBT p99 within 10%', figure: 'tbt_p99', limit: 0.1 },
    { name: 'throughput within 3%', figure: 'throughput_rps', limit: 0.03 },
];
/** The stretch goal is this share of each limit. */
export const STRETCH_SHARE = 0.5;
/**
 * Evaluates every check from the figures of both runs. The error is rounded to 1e-6 before it is held
 * against the limit, so the verdict agrees with the error the report prints: 110 ms against 100 ms is an
 * error of 0.1 and passes a 10% limit, although (110 − 100) / 100 in floating point need not be 0.1
 * exactly. A check without both figures fails: no evidence is not a pass.
 */
export function evaluateChecks(figures) {
    return LIVE_CHECKS.map((spec) => {
        const { simulated, measured } = figures[spec.figure];
        const error = relativeError(simulated, measured);
        const within = (limit) => error !== null && Math.abs(error) <= limit;
        const stretchLimit = spec.limit * STRETCH_SHARE;
        return { name: spec.name, simulated, measured, error, limit: spec.limit, pass: within(spec.limit), stretch: { limit: stretchLimit, pass: within(stretchLimit) }, figure: spec.figure };
    });
}
/** (simulated − measured) / measured to 1e-6; null when either is null or NaN or measured is 0. */
export function relativeError(simulated, measured) {
    if (simulated === null || measured === null || Number.isNaN(simulated) || Number.isNaN(measured) || measured === 0)
        return null;
    return Math.round(((simulated - measured) / measured) * 1e6) / 1e6;
}
