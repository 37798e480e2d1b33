import { MetricsCollector } from '../metrics/collector.js';
import { meanRateQps } from '../workload/transform.js';
/** Measured mean arrival rate of the simulated requests, req/s ((n − 1) / span), or null below two distinct arrivals. */
export function arrivalRateQps(requests) {
    const r = meanRateQps(requests);
    return Number.isNaN(r) ? null : roundTo(r, 6);
}
/** The collector a scenario's results come from: its SLOs and about 600 timeline buckets over the arrivals. */
export function scenarioCollector(spec, requests) {
    const spanUs = requests.length > 0 ? requests[requests.length - 1].arrivalUs : 0;
    return new MetricsCollector(requests.length, niceBucketUs(spanUs), {
        ttft_ms: spec.sloTtftMs,
        tbt_ms: spec.sloTbtMs,
        tbt_definition: spec.tbtDefinition,
    });
}
/** Timeline buckets: about 600 over the arrival span, rounded to 1-2-5 seconds. */
function niceBucketUs(spanUs) {
    const raw = Math.max(1, spanUs / 1e6 / 600);
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].find((m) => m * mag >= raw) * mag;
    return step * 1e6;
}
/** `x` rounded to `digits` decimals (what the results' resolved figures are written with). */
export function roundTo(x, digits) {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}
