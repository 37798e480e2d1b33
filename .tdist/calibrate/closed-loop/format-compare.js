import { LANE_NAMES } from './drift.js';
import { METRICS, PHASES } from './compare.js';
/** The text `duetsim calibrate compare` prints; the JSON (--json) carries the same numbers, less rounded. */
const METRIC_NAMES = { ttft_ms: 'TTFT ms', tbt_ms: 'TBT ms', e2e_ms: 'E2E ms' };
/** Three significant figures or so, as the replay summary prints latencies. */
export function formatMs(x) {
    if (x === null)
        return '–';
    const a = Math.abs(x);
    return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}
export function formatSignedPct(x) {
    if (x === null)
        return '–';
    return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
function pct(x) {
    return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}
export function formatCompare(c) {
    const s = c.schedule;
    const e = c.executed;
    const out = [];
    out.push(`closed loop: ${s.policy} on ${s.model} / ${s.hardware}, trace ${s.trace}${s.rate_qps === null ? '' : ` at ${s.rate_qps} req/s`}`);
    out.push(`  schedule  ${s.file}: ${s.steps} steps (host costs charged on both sides: scheduling ${s.overheads_us.scheduling} µs, sampling ${s.overheads_us.sampling} µs)`);
    out.push(`  executed  ${e.file}: ${e.steps} steps${e.complete ? '' : ' (cut short)'} on ${e.gpu} (${e.sm_count} SMs), driver ${e.driver}, CUDA ${e.cuda_runtime}, ${e.backend}, ${e.date}${e.host ? `, ${e.host}` : ''}`);
    out.push(`  requests  ${c.requests.compared} compared of ${c.requests.scheduled} in the schedule`);
    if (!e.complete)
        out.push(`  note: the run stopped after ${e.steps} of ${s.steps} steps; only requests served entirely by those steps are compared`);
    if (e.partial_last_line_dropped)
        out.push('  note: a partly written last line (the executor was stopped mid-write) was left out');
    if (e.smids_not_ok_steps > 0)
        out.push(`  warning: in ${e.smids_not_ok_steps} split windows kernels ran outside their partition's SMs; those windows did not run the split the schedule asked for`);
    out.push('');
    out.push(`${'metric'.padEnd(8)} ${'phase'.padEnd(10)} ${'n'.padStart(7)}  ${'simulated p50 / p90 / p99'.padEnd(27)} ${'executed p50 / p90 / p99'.padEnd(27)} sim − exec p50 / p90 / p99`);
    for (const metric of METRICS) {
        for (const phase of PHASES) {
            const m = c.metrics[phase][metric];
            if (m.executed.count === 0 && phase !== 'all')
                continue;
            const three = (d) => `${formatMs(d.p50)} / ${formatMs(d.p90)} / ${formatMs(d.p99)}`;
            out.push(`${METRIC_NAMES[metric].padEnd(8)} ${phase.padEnd(10)} ${String(m.executed.count).padStart(7)}  ${three(m.simulated).padEnd(27)} ${three(m.executed).padEnd(27)} ${formatSignedPct(m.rel_diff.p50)} / ${formatSignedPct(m.rel_diff.p90)} / ${formatSignedPct(m.rel_diff.p99)}`);
        }
    }
    out.push('');
    out.push(`per-request |sim − exec| / exec, median / p90 (n):`);
    out.push(`  ${'phase'.padEnd(10)} ${'TTFT'.padEnd(24)} ${'mean TBT'.padEnd(24)} E2E`);
    for (const phase of PHASES) {
        const r = c.per_request_error[phase];
        const cell = (x) => `${pct(x.median_abs)} / ${pct(x.p90_abs)} (${x.count})`;
        out.push(`  ${phase.padEnd(10)} ${cell(r.ttft).padEnd(24)} ${cell(r.mean_tbt).padEnd(24)} ${cell(r.e2e)}`);
    }
    out.push('');
    out.push('acceptance (all requests):');
    for (const k of c.checks) {
        out.push(`  ${k.name.padEnd(20)} simulated ${formatMs(k.simulated_ms)} ms, executed ${formatMs(k.executed_ms)} ms (${formatSignedPct(k.rel_diff)}): ${k.pass ? 'PASS' : 'FAIL'}`);
    }
    out.push(`  overall: ${c.pass ? 'PASS' : 'FAIL'}`);
    out.push('');
    out.push('diagnostic, not a check: executed side with every step at its simulated start (drift of earlier steps removed):');
    for (const metric of ['ttft_ms', 'tbt_ms']) {
        const a = c.anchored[metric];
        out.push(`  ${metric === 'ttft_ms' ? 'TTFT' : 'TBT '} p50 / p99: simulated ${formatMs(a.simulated.p50)} / ${formatMs(a.simulated.p99)} ms, executed ${formatMs(a.executed.p50)} / ${formatMs(a.executed.p99)} ms (${formatSignedPct(a.rel_diff.p50)} / ${formatSignedPct(a.rel_diff.p99)})`);
    }
    out.push('');
    out.push(...driftLines(c.drift));
    return out.join('\n') + '\n';
}
/** The drift report as text lines (the closed loop's executed schedule, or a live run's step records). */
export function driftLines(drift) {
    const out = [`GPU time drift, measured / predicted (host costs excluded); executed GPU busy ${(drift.gpu_busy_us / 1e6).toFixed(2)} s:`];
    for (const g of drift.lanes)
        out.push(`  ${driftLine(g, LANE_NAMES[g.lane])}`);
    if (drift.top.length > 0) {
        out.push('largest mean drift (groups of at least 5 items):');
        for (const g of drift.top)
            out.push(`  ${driftLine(g, g.label)}\n      plausible cause: ${g.hint}`);
    }
    return out;
}
function driftLine(g, label) {
    return `${label.padEnd(58)} n ${String(g.count).padStart(6)}  mean ×${g.mean_ratio.toFixed(3)}  weighted ×${g.weighted_ratio.toFixed(3)}  ${pct(g.share_of_gpu_time).padStart(6)} of GPU time`;
}
