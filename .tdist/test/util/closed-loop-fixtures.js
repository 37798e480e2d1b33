import { DEFAULT_ENGINE } from '../../sim/engine/scenario.js';
import { runScenarioDetailed } from '../../sim/run/run-scenario.js';
import { scheduleJsonl } from '../../sim/engine/schedule-jsonl.js';
import { parseSchedule } from '../../calibrate/closed-loop/schedule.js';
/**
 * Schedules and measured files for the closed-loop tests. The schedules come from the simulator itself
 * (qwen3-8b on the calibrated h100-sxm, the first 188 requests of azure-conv at 9.36 req/s, 20 s: a load
 * at which duetserve splits some windows), the measured files are written in the executor's format from
 * given step times. These are the requests the fixture ran when it said "16 req/s for 20 s": the rate then
 * rescaled the whole trace before the window was cut, so that window's own rate was 9.36 req/s.
 */
export const SCHEDULE_SPEC = {
    trace: 'azure-conv', traceFormat: null, rateQps: 9.36, startS: 0, durationS: null, limit: 188, model: 'qwen3-8b',
    hardware: 'h100-sxm', useCalibration: true, policy: 'duetserve', cluster: null, policyParams: {}, engine: DEFAULT_ENGINE,
    sloTtftMs: null, sloTbtMs: 50, tbtDefinition: 'request-p99-gap', seed: 0,
};
const cache = new Map();
/** The schedule `duetsim replay --emit-schedule` writes for SCHEDULE_SPEC with `policy` (memoised per process). */
export function emittedScheduleText(policy) {
    let text = cache.get(policy);
    if (text === undefined) {
        const spec = { ...SCHEDULE_SPEC, policy };
        const run = runScenarioDetailed(spec, { recordSteps: true });
        if (!run.steps || !run.hardware)
            throw new Error('a single-instance run records its steps and hardware');
        const header = { model: spec.model, hardware: spec.hardware, policy, trace: spec.trace, rate_qps: spec.rateQps, block_tokens: spec.engine.blockTokens, sm_count: run.hardware.smCount, tp_degree: 1 };
        text = scheduleJsonl(run.steps, header, run.hardware.overheads, run.requests.map((r) => r.arrivalUs));
        cache.set(policy, text);
    }
    return text;
}
export function emittedSchedule(policy) {
    return parseSchedule(emittedScheduleText(policy), `${policy}.schedule.jsonl`);
}
export const GPU_META = {
    kind: 'meta', format: 'duetsim-exec-result', version: 1, gpu: 'NVIDIA H100 80GB HBM3', sm_count: 132, driver: '570.86.15',
    cuda_runtime: '12.8', date: '2026-11-27T05:00:00Z', host: 'gpu-host', backend: 'runner', kv_blocks: 4096, kv_copies: 2,
};
/** One executor line per step, in the executor's field order. */
export function execStepLine(schedule, i, m) {
    const s = schedule.steps[i];
    if (m.mode === 'aggregated')
        return JSON.stringify({ kind: 'step', step: i, mode: 'aggregated', gpu_us: m.gpuUs });
    return JSON.stringify({ kind: 'step', step: i, mode: 'split', prefill_sms: s.prefillSms, decode_sms: s.decodeSms, k: s.lookaheadK, prefill_end_us: m.prefillEndUs, decode_end_us: m.decodeEndUs, smids_ok: m.smidsOk });
}
/** A measured file for `schedule` from `steps` (a prefix for a cut-short run), with the done line when `done`. */
export function execResultJsonl(schedule, steps, opts = {}) {
    const lines = [JSON.stringify({ ...GPU_META, schedule: schedule.header.raw, ...opts.meta })];
    steps.forEach((m, i) => lines.push(execStepLine(schedule, i, m)));
    if (opts.done ?? true)
        lines.push(JSON.stringify({ kind: 'done', steps: steps.length, wall_s: 12.5 }));
    return lines.join('\n') + '\n';
}
/** Every GPU time ×factor: what a GPU uniformly slower (factor > 1) than the model would measure. */
export function scaled(steps, factor) {
    return steps.map((m) => (m.mode === 'aggregated' ? { ...m, gpuUs: m.gpuUs * factor } : { ...m, prefillEndUs: m.prefillEndUs === null ? null : m.prefillEndUs * factor, decodeEndUs: m.decodeEndUs.map((e) => e * factor) }));
}
/**
 * A four-step schedule small enough to follow by hand (scheduling 100 µs, sampling 50 µs):
 * - step 0, aggregated at 0: prefills of requests 0 and 2 (both arrived at 0) emit at 1000;
 * - step 1, split window at 1000, k = 2: request 1 (arrived at 900) prefills on 100 SMs and emits at
 *   1000 + 1350; requests 0 and 2 decode on 32 SMs, tokens at +500 and +900; request 2 takes one step
 *   (its last token), so the window's second decode step is wasted for it;
 * - step 2, aggregated at 2350: requests 0 and 1 decode their last tokens at 2950;
 * - step 3, aggregated at 5000, after an idle gap: request 3 arrives at 5000 and emits its only token at 5400.
 */
export const TINY_SCHEDULE = [
    { format: 'duetsim-schedule', version: 2, model: 'qwen3-8b', hardware: 'h100-sxm', policy: 'duetserve', trace: 'tiny', rate_qps: null, block_tokens: 16, sm_count: 132, tp_degree: 1, overheads_us: { scheduling: 100, sampling: 50, graph_launch: 5, eager_launch_per_kernel: 7 } },
    { step: 0, instance: 0, start_us: 0, duration_us: 1000, mode: 'aggregated', prefill_sms: 0, decode_sms: 0, k: 1, prefills: [{ id: 0, new: 100, cached: 0, emits: true, arrival_us: 0 }, { id: 2, new: 50, cached: 0, emits: true, arrival_us: 0 }], decodes: [], preempted: [], prefill_token_offset_us: 1000, decode_token_offsets_us: [], prefill_done_offset_us: null },
    { step: 1, instance: 0, start_us: 1000, duration_us: 1350, mode: 'split', prefill_sms: 100, decode_sms: 32, k: 2, prefills: [{ id: 1, new: 2000, cached: 0, emits: true, arrival_us: 900 }], decodes: [{ id: 0, context: 101, steps: 2 }, { id: 2, context: 51, steps: 1 }], preempted: [], prefill_token_offset_us: 1350, decode_token_offsets_us: [500, 900], prefill_done_offset_us: 1300 },
    { step: 2, instance: 0, start_us: 2350, duration_us: 600, mode: 'aggregated', prefill_sms: 0, decode_sms: 0, k: 1, prefills: [], decodes: [{ id: 0, context: 103, steps: 1 }, { id: 1, context: 2001, steps: 1 }], preempted: [], prefill_token_offset_us: null, decode_token_offsets_us: [600], prefill_done_offset_us: null },
    { step: 3, instance: 0, start_us: 5000, duration_us: 400, mode: 'aggregated', prefill_sms: 0, decode_sms: 0, k: 1, prefills: [{ id: 3, new: 10, cached: 0, emits: true, arrival_us: 5000 }], decodes: [], preempted: [], prefill_token_offset_us: 400, decode_token_offsets_us: [], prefill_done_offset_us: null },
]
    .map((l) => JSON.stringify(l))
    .join('\n') + '\n';
/**
 * Measured times for TINY_SCHEDULE: step 0 takes 900 µs of GPU (50 more than predicted), the window's
 * decode steps end at 450 and 1000 and its prefill at 1100, step 2 takes 500, step 3 250 (as predicted).
 */
export const TINY_MEASURED = [
    { mode: 'aggregated', gpuUs: 900 },
    { mode: 'split', prefillEndUs: 1100, decodeEndUs: [450, 1000], smidsOk: true },
    { mode: 'aggregated', gpuUs: 500 },
    { mode: 'aggregated', gpuUs: 250 },
];
