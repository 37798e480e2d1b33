import { max, mean, quantileSorted } from 'd3-array';
import { meanRateQps } from './transform.js';
/** The token side of a trace or workload (records of a length-only table fit as well as requests). */
export function computeLengthStats(rows) {
    return {
        requestCount: rows.length,
        promptTokens: summarize(rows.map((r) => r.promptTokens)),
        outputTokens: summarize(rows.map((r) => r.outputTokens)),
        withHashIdsCount: rows.filter((r) => r.hashIds.length > 0).length,
    };
}
export function computeWorkloadStats(requests) {
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
function interArrivalCv(requests) {
    if (requests.length < 3)
        return null;
    const gaps = requests.slice(1).map((r, i) => r.arrivalUs - requests[i].arrivalUs);
    const m = mean(gaps);
    if (m <= 0)
        return null;
    let sumSq = 0;
    for (const g of gaps)
        sumSq += (g - m) ** 2;
    return Math.sqrt(sumSq / gaps.length) / m;
}
function summarize(values) {
    if (values.length === 0)
        return { p50: NaN, p90: NaN, p99: NaN, mean: NaN, max: NaN };
    const sorted = [...values].sort((a, b) => a - b);
    const q = (p) => quantileSorted(sorted, p);
    return { p50: q(0.5), p90: q(0.9), p99: q(0.99), mean: mean(sorted), max: max(sorted) };
}
