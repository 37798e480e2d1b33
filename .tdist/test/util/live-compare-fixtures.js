import { REQUEST_CSV_HEADER } from '../../sim/metrics/collector.js';
import { STEP_CSV_HEADER } from '../../sim/engine/step-csv.js';
import { compareLiveRun } from '../../calibrate/live-compare/compare.js';
import { parseRequestsCsv, parseRunResult, parseStepsCsv } from '../../calibrate/live-compare/run-files.js';
const pct = (p50, p90 = p50, p99 = p90, mean = p50) => ({ p50, p90, p99, mean });
export const TINY_CONFIG = {
    trace: 'azure-conv', traceFormat: null, rateQps: 2, startS: 0, durationS: null, limit: 5, model: 'qwen3-8b', hardware: 'h200', useCalibration: true,
    policy: 'duetserve', policyParams: {}, engine: { blockTokens: 16, gpuMemoryUtilization: 0.9, activationReserveBytes: 4294967296, maxNumSeqs: 256, maxBatchTokens: 2048, prefixCaching: false },
    sloTtftMs: 1000, sloTbtMs: 50, tbtDefinition: 'request-p99-gap', seed: 0, resolved: { requests: 5, sm_count: 132 },
};
/** A results JSON (pretty-printed, as `duetsim replay --out` writes it) with the figures given. */
export function resultJson(o = {}) {
    const ttft = o.ttft ?? pct(100, 150, 200, 110);
    const tbt = o.tbt ?? pct(10, 12, 20, 11);
    const e2e = o.e2e ?? pct(1000, 1500, 2000, 1100);
    const cdf = (p) => Array.from({ length: 101 }, (_, i) => (i <= 50 ? (p.p50 * i) / 50 : p.p50 + ((p.p99 - p.p50) * (i - 50)) / 50));
    const result = {
        schema: 'duetsim.result/1',
        config: o.config ?? TINY_CONFIG,
        summary: {
            requests: 5, completed: o.completed ?? 5, rejected: 0, rejected_by_reason: {}, duration_s: 5, throughput_rps: o.throughputRps ?? 1, input_tps: 100,
            output_tps: o.outputTps ?? 50, ttft_ms: { ...ttft, max: ttft.p99 }, tbt_ms: { ...tbt, max: tbt.p99 }, tpot_ms: { ...tbt, max: tbt.p99 }, e2e_ms: { ...e2e, max: e2e.p99 },
            queue_ms: { p50: 0, p90: 0, p99: 0, mean: 0, max: 0 }, slo: { ttft_ms: 1000, tbt_ms: 50, tbt_definition: 'request-p99-gap' }, slo_attainment: 1,
            goodput_rps: o.goodputRps ?? 1, iterations: 10, preemptions: 0, split_time_share: o.splitTimeShare ?? 0.5, wasted_decode_steps: 0, prefix_hit_tokens: 0,
        },
        timeline: { bucket_s: 1, buckets: [] },
        cdf: { ttft_ms: cdf(ttft), tbt_ms: cdf(tbt) },
        rejected: [],
        ...(o.live ? { live: o.live } : {}),
    };
    return JSON.stringify(result, null, 1) + '\n';
}
/** A --requests-csv with these rows, in the writer's column order and quoting. */
export function requestsCsv(rows) {
    const v = (x) => (x === null || x === undefined ? '' : String(x));
    const quote = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = rows.map((r) => [r.id, quote(r.origin ?? `trace.csv:${r.id + 2}`), r.status ?? 'completed', (r.arrival_s ?? r.id).toFixed(6), 100, r.output_tokens ?? 10, v(r.ttft_ms), v(r.tpot_ms), v(r.e2e_ms), 0, v(r.tpot_ms), 0, r.meets_slo === false ? 0 : 1, r.reject_reason ?? ''].join(','));
    return [REQUEST_CSV_HEADER, ...lines].join('\n') + '\n';
}
/** An --iterations-csv with these steps (aggregated unless `split` gives S_p, S_d, k). */
export function stepsCsv(rows) {
    const lines = rows.map((r) => {
        const [p, d, k] = r.split ?? [0, 0, 1];
        return [0, r.start_ms.toFixed(3), r.duration_ms.toFixed(3), r.split ? 'split' : 'aggregated', p, d, k, 1, 100, 0, 2, 300, 0].join(',');
    });
    return [STEP_CSV_HEADER, ...lines].join('\n') + '\n';
}
/** A comparison with every section: requests finished in one run only, and steps split two ways. */
export function fullLiveCompare(sim = {}, live = {}, origin = 'trace.csv:2') {
    const steps = [{ start_ms: 0, duration_ms: 4 }, { start_ms: 4, duration_ms: 6, split: [80, 52, 4] }, { start_ms: 10, duration_ms: 5, split: [64, 68, 2] }];
    const inputs = {
        simulated: {
            result: parseRunResult(resultJson({ ttft: { p50: 120, p90: 150, p99: 210, mean: 110 }, ...sim }), 'sim.json'),
            requests: parseRequestsCsv(requestsCsv([0, 1, 2].map((id) => ({ id, ttft_ms: 10 + id, tpot_ms: 5, e2e_ms: 100, origin }))), 'sim.csv'),
            steps: parseStepsCsv(stepsCsv(steps), 'sim-it.csv'),
        },
        live: {
            result: parseRunResult(resultJson({ live: { backend: 'addon' }, ...live }), 'live.json'),
            requests: parseRequestsCsv(requestsCsv([{ id: 0, ttft_ms: 11, tpot_ms: 5, e2e_ms: 110 }, { id: 1, ttft_ms: 12, tpot_ms: 6, e2e_ms: 120 }, { id: 2, status: 'rejected', reject_reason: 'exceeds-kv-capacity' }]), 'live.csv'),
            steps: parseStepsCsv(stepsCsv(steps.slice(0, 2)), 'live-it.csv'),
        },
    };
    return compareLiveRun(inputs);
}
