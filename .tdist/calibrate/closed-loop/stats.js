import { quantileSorted as d3QuantileSorted } from 'd3-array';
/**
 * Exact percentiles for the closed-loop comparison. R-7 (Hyndman & Fan type 7: linear interpolation
 * between the order statistics at ⌊(n−1)p⌋ and the next), computed by d3-array's `quantileSorted`, which
 * is what sim/metrics/collector.ts uses for the per-request TTFT and E2E percentiles of a results JSON.
 * The pooled TBT in a results JSON comes from a log histogram instead (bin midpoints, within 1%), so the
 * comparison never reads those: it computes both sides here from every sample.
 */
export const PERCENTILE_METHOD = 'exact R-7 (linear interpolation between order statistics, d3-array quantileSorted, as sim/metrics uses for per-request TTFT/E2E)';
/** Sorted copy of the values (ascending). */
export function sortedCopy(values) {
    return Float64Array.from(values).sort();
}
export function quantile(sorted, p) {
    if (sorted.length === 0)
        return NaN;
    return d3QuantileSorted(sorted, p);
}
export function distribution(values) {
    const sorted = sortedCopy(values);
    let sum = 0;
    // Summed in sorted order, so the mean does not depend on the order samples were collected in.
    for (let i = 0; i < sorted.length; i++)
        sum += sorted[i];
    return { count: sorted.length, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), mean: sorted.length ? sum / sorted.length : NaN };
}
/** `points` quantiles evenly spaced over 0..1 (101: every percent), for CDF charts; [] without samples. */
export function cdfQuantiles(values, points = 101) {
    const sorted = sortedCopy(values);
    if (sorted.length === 0)
        return [];
    return Array.from({ length: points }, (_, i) => quantile(sorted, i / (points - 1)));
}
/** (a − b) / b; null when b is 0 or either is NaN. */
export function relDiff(a, b) {
    if (Number.isNaN(a) || Number.isNaN(b) || b === 0)
        return null;
    return (a - b) / b;
}
