import { InputError } from '../../sim/core/input-error.js';
import { RESULT_SCHEMA, TAIL_PERCENTILES } from '../../sim/metrics/results.js';
/**
 * The fake's measured arrival rate: a cut window's rate is off the rate asked for, as real runs are
 * (config.resolved.arrival_rate_qps), so reports that plot against it can be told from ones that plot the asked-for rate.
 */
export const FAKE_MEASURED_RATE_FACTOR = 0.95;
/**
 * A stand-in for runScenario with a known answer, for study and report tests: SLO attainment falls
 * linearly from 1 at half the policy's knee rate to 0 at 1.5× the knee, so a capacity search at target
 * 0.9 must find 0.6 × knee. The seed adds a small, bounded wobble so averaging has something to do.
 * A model named 'missing-model' fails like the real loader would, with an InputError.
 */
export const FAKE_KNEE_QPS = { vllm: 4, chunked: 5, static: 5.5, duetserve: 6 };
export function fakeAttainment(policy, rateQps, seed) {
    const knee = FAKE_KNEE_QPS[policy] ?? 3;
    const wobble = ((seed % 3) - 1) * 0.01;
    return Math.min(1, Math.max(0, 1 - (rateQps - 0.5 * knee) / knee + wobble));
}
const pct = (base) => ({ p50: base, p90: base * 1.5, p99: base * 2, mean: base * 1.1, max: base * 3 });
export function runScenario(spec, opts = {}) {
    if (spec.model === 'missing-model') {
        throw new InputError([{ code: 'model-unknown', file: 'configs/models', line: 0, column: 0, field: 'model', message: "unknown model 'missing-model'" }]);
    }
    const rate = spec.rateQps ?? 2;
    opts.onProgress?.(0.5);
    const attainment = fakeAttainment(spec.policy, rate, spec.seed);
    const requests = 100;
    const durationS = requests / rate;
    const buckets = Array.from({ length: 5 }, (_, i) => ({
        t_s: i * 10, arrivals: 20, completions: 19, queue_len: i, running: 8, kv_used_frac: 0.1 * i,
        tbt_p99_ms: i === 2 ? null : 20 + i, iterations: 100, split_share: spec.policy === 'duetserve' ? 0.5 : 0,
        mean_prefill_sms: spec.policy === 'duetserve' ? 80 : 0, mean_decode_sms: spec.policy === 'duetserve' ? 52 : 0,
        mean_lookahead_k: spec.policy === 'duetserve' ? 4 : 0,
    }));
    const duet = spec.policy === 'duetserve';
    // DuetServe splits in the middle of each bucket: aggregated, then split with S_p 80 / S_d 52, k 4 (and once 96 / 36, k 2).
    const segments = duet
        ? buckets.flatMap((b, i) => [
            { instance: 0, start_s: b.t_s, end_s: b.t_s + 5, steps: 40, mode: 'aggregated', prefill_sms: 0, decode_sms: 0, lookahead_k: 1 },
            { instance: 0, start_s: b.t_s + 5, end_s: b.t_s + 10, steps: 10, mode: 'split', prefill_sms: i === 3 ? 96 : 80, decode_sms: i === 3 ? 36 : 52, lookahead_k: i === 3 ? 2 : 4 },
        ])
        : [{ instance: 0, start_s: 0, end_s: 50, steps: 500, mode: 'aggregated', prefill_sms: 0, decode_sms: 0, lookahead_k: 1 }];
    // Requests with longer prompts wait longer; every fifth misses the SLO.
    const sample = Array.from({ length: 20 }, (_, i) => ({
        id: i * 5, arrival_s: i * 2.5, prompt_tokens: 200 + 150 * i, output_tokens: 100, ttft_ms: 60 + 5 * i, tbt_ms: 20 + (i % 5 === 4 ? 60 : 0),
        e2e_ms: 2000 + 10 * i, queue_ms: 5, meets_slo: i % 5 !== 4,
    }));
    opts.onProgress?.(1);
    return {
        schema: RESULT_SCHEMA,
        config: {
            ...spec,
            resolved: {
                requests, arrival_rate_qps: rate * FAKE_MEASURED_RATE_FACTOR, kv_blocks: 10000, kv_tokens: 160000, model_weight_gb: 16.4, sm_count: 132,
                hardware_perf: 'calibrated on a fake H100 (test fixture)', duetsim_version: '0.1.0',
            },
        },
        summary: {
            requests, completed: requests, rejected: 0, rejected_by_reason: {}, duration_s: durationS, throughput_rps: requests / durationS,
            input_tps: 1000 * rate, output_tps: 200 * rate, ttft_ms: pct(100 + rate), tbt_ms: pct(20 + rate), tpot_ms: pct(20),
            e2e_ms: pct(2000), queue_ms: pct(5),
            slo: { ttft_ms: spec.sloTtftMs, tbt_ms: spec.sloTbtMs, tbt_definition: spec.tbtDefinition },
            slo_attainment: attainment, goodput_rps: attainment * rate, iterations: 500, preemptions: 0,
            split_time_share: spec.policy === 'duetserve' ? 0.5 : 0, wasted_decode_steps: 0, prefix_hit_tokens: 0,
        },
        timeline: { bucket_s: 10, buckets },
        cdf: {
            ttft_ms: Array.from({ length: 101 }, (_, i) => 50 + i * (1 + rate / 10)),
            tbt_ms: Array.from({ length: 101 }, (_, i) => 10 + i * 0.2),
            tail: { percentiles: TAIL_PERCENTILES, ttft_ms: TAIL_PERCENTILES.map((p) => 160 + p), tbt_ms: TAIL_PERCENTILES.map((p) => 30 + p / 10) },
        },
        rejected: [],
        partitions: { segments, truncated_at_s: null },
        request_sample: { every: 5, requests: sample },
    };
}
