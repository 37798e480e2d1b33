import { quantile, sortedCopy } from '../closed-loop/stats.js';
/**
 * The `live` block a live run adds to its results JSON (beside replay's summary, which it shares): where
 * the times came from, what the host cost per step, whether the GPU waited for the host, how far the
 * latency model's price of each step landed from its measurement, and whether the run was cut short.
 * Pure: the tally in, a JSON-ready object out.
 */
export const LIVE_RESULT_SCHEMA = 'duetsim.live/1';
export function quantiles(values) {
    const s = sortedCopy(values);
    const q = (p) => (s.length === 0 ? null : quantile(s, p));
    return { count: s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s.length === 0 ? null : s[s.length - 1] };
}
export function liveBlock(args) {
    const t = args.tally;
    let device;
    try {
        device = JSON.parse(args.deviceMeta);
    }
    catch {
        device = args.deviceMeta;
    }
    const abs = t.relErrors.map(Math.abs);
    const waited = t.idleBeforeUs.filter((u) => u > 1).length;
    return {
        schema: LIVE_RESULT_SCHEMA,
        backend: args.backend,
        device,
        host_time: args.hostTime,
        idle: args.idle,
        steps: t.steps,
        decision_us: quantiles(t.decisionUs),
        prepare_us: quantiles(t.prepareUs),
        gpu_idle_before_us: quantiles(t.idleBeforeUs),
        gpu_waited_share: t.idleBeforeUs.length === 0 ? null : waited / t.idleBeforeUs.length,
        model_step_error: {
            median: quantiles(t.relErrors).p50,
            p90_abs: quantiles(abs).p90,
            mean_abs: abs.length === 0 ? null : abs.reduce((a, b) => a + b, 0) / abs.length,
        },
        smid_violations: t.smidViolations,
        arena_growths: t.arenaGrowths,
        slept_idle_s: t.sleptMs / 1000,
        wall_s: args.wallS,
        interrupted: args.stopReason === null && args.unfinishedRequests === 0 ? null : { reason: args.stopReason ?? 'stopped', after_steps: t.steps, unfinished_requests: args.unfinishedRequests },
    };
}
/** The block as text, after replay's summary. */
export function formatLiveBlock(b) {
    const us = (q) => (q.count === 0 ? 'n/a' : `p50 ${q.p50.toFixed(1)} / p99 ${q.p99.toFixed(1)} µs`);
    const pct = (x) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    const lines = [
        `live run: ${b.steps} steps on ${b.backend}, host time ${b.host_time}, idle gaps ${b.idle === 'sleep' ? `slept (${b.slept_idle_s.toFixed(1)} s)` : 'skipped'}, ${b.wall_s.toFixed(1)} s wall`,
        `  host per step: decision ${us(b.decision_us)}, prepare ${us(b.prepare_us)}`,
        `  GPU idle before a step: ${us(b.gpu_idle_before_us)}; waited for the host before ${pct(b.gpu_waited_share)} of steps`,
        `  latency model vs measured step: median ${pct(b.model_step_error.median)}, p90 |error| ${pct(b.model_step_error.p90_abs)}`,
        `  SM-placement violations ${b.smid_violations}, activation arena growths ${b.arena_growths}`,
    ];
    if (b.interrupted)
        lines.push(`  STOPPED EARLY: ${b.interrupted.reason} after ${b.interrupted.after_steps} steps; ${b.interrupted.unfinished_requests} requests unfinished (kept as 'unfinished' rows)`);
    return lines.join('\n') + '\n';
}
