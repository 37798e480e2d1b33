import { renumber } from './renumber.js';
/**
 * Pure selections and re-timings of a workload. Each takes requests in arrival order and returns a new
 * array with the invariants restored (ids dense from 0, first arrival at 0); inputs are never mutated.
 */
/**
 * Mean arrival rate in requests/s: (n − 1) / span, i.e. one over the mean inter-arrival gap, so that a
 * constant-rate stream at r req/s measures exactly r. NaN with fewer than two requests or a zero span.
 */
export function meanRateQps(requests) {
    if (requests.length < 2)
        return NaN;
    const spanUs = requests[requests.length - 1].arrivalUs - requests[0].arrivalUs;
    return spanUs > 0 ? ((requests.length - 1) * 1e6) / spanUs : NaN;
}
/**
 * Stretches or compresses time so the mean rate becomes `targetQps`: every gap is scaled by
 * (mean rate / target), which keeps the trace's burst pattern (CV of gaps) unchanged. Arrivals are
 * rounded to whole µs. Needs at least two requests with distinct arrivals.
 */
export function rescaleToRate(requests, targetQps) {
    const rate = meanRateQps(requests);
    if (!(targetQps > 0) || Number.isNaN(rate)) {
        throw new RangeError(`rescaleToRate: need a positive target and two distinct arrivals (target ${targetQps}, rate ${rate})`);
    }
    const factor = rate / targetQps;
    const firstUs = requests[0].arrivalUs;
    return renumber(requests.map((r) => ({ ...r, arrivalUs: Math.round((r.arrivalUs - firstUs) * factor) })));
}
/** Requests arriving in [startUs, startUs + durationUs) of the workload's clock; durationUs null = to the end. */
export function timeWindow(requests, startUs, durationUs) {
    const endUs = durationUs === null ? Infinity : startUs + durationUs;
    return renumber(requests.filter((r) => r.arrivalUs >= startUs && r.arrivalUs < endUs));
}
/** The first `count` requests in arrival order. */
export function limitCount(requests, count) {
    return renumber(requests.slice(0, count));
}
/**
 * A seeded uniform sample of round(fraction · n) requests without replacement, kept in arrival order.
 * An exact count (rather than a coin flip per request) makes runs with the same fraction comparable.
 */
export function sampleFraction(requests, fraction, rng) {
    if (!(fraction > 0 && fraction <= 1))
        throw new RangeError(`sampleFraction: fraction must be in (0, 1], got ${fraction}`);
    const keepCount = Math.round(fraction * requests.length);
    const indices = requests.map((_, i) => i);
    // Partial Fisher–Yates: the first keepCount slots end up a uniform sample of all indices.
    for (let i = 0; i < keepCount; i++) {
        const j = i + Math.floor(rng.next() * (indices.length - i));
        [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    const kept = indices.slice(0, keepCount).sort((a, b) => a - b);
    return renumber(kept.map((i) => requests[i]));
}
