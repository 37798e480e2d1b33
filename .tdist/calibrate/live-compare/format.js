import { driftLines } from '../closed-loop/format-compare.js';
import { formatMs, formatSignedPct } from '../closed-loop/format-compare.js';
import { LATENCY_METRICS } from './compare.js';
/** The text `duetsim calibrate compare --simulated … --live …` prints; --json prints the object itself. */
const METRIC_NAMES = { ttft_ms: 'TTFT ms', tbt_ms: 'TBT ms', e2e_ms: 'E2E ms' };
function pct(x) {
    return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}
function rate(x) {
    return x === null ? '–' : x.toFixed(3);
}
/** A check's figure: ms for latencies, req/s for throughput. */
function figure(x, unit) {
    return x === null ? '–' : unit === 'ms' ? `${formatMs(x)} ms` : `${rate(x)} req/s`;
}
export function formatLiveCompare(c) {
    const s = c.scenario;
    const out = [];
    out.push(`live run vs simulation: ${String(s.policy)} on ${String(s.model)} / ${String(s.hardware)}, trace ${String(s.trace)}${s.rate_qps === null ? '' : ` at ${String(s.rate_qps)} req/s`}, seed ${String(s.seed)}`);
    out.push(`  simulated  ${c.simulated.file}${c.simulated.interrupted ? ' (interrupted)' : ''}`);
    out.push(`  live       ${c.live.file}${c.live.interrupted ? ' (interrupted)' : ''}${liveMetaLine(c.live.meta)}`);
    out.push(`  requests   completed: simulated ${c.requests.simulated_completed}, live ${c.requests.live_completed}${c.requests.compared === null ? '' : `; compared ${c.requests.compared} (finished in both)`}`);
    for (const n of c.notes)
        out.push(`  note: ${n}`);
    out.push('');
    const three = (d) => `${formatMs(d.p50)} / ${formatMs(d.p90)} / ${formatMs(d.p99)} (mean ${formatMs(d.mean)})`;
    out.push(`${'metric'.padEnd(8)} ${'simulated p50 / p90 / p99'.padEnd(36)} ${'live p50 / p90 / p99'.padEnd(36)} (sim − live) / live p50 / p90 / p99 / mean`);
    for (const m of LATENCY_METRICS) {
        const x = c.metrics[m];
        out.push(`${METRIC_NAMES[m].padEnd(8)} ${three(x.simulated).padEnd(36)} ${three(x.live).padEnd(36)} ${[x.error.p50, x.error.p90, x.error.p99, x.error.mean].map(formatSignedPct).join(' / ')}`);
    }
    out.push('');
    const rateLine = (name, r) => `  ${name.padEnd(20)} simulated ${rate(r.simulated).padStart(10)}  live ${rate(r.live).padStart(10)}  (${formatSignedPct(r.error)})`;
    out.push(rateLine('throughput req/s', c.throughput.requests_per_s));
    out.push(rateLine('output tok/s', c.throughput.output_tokens_per_s));
    out.push(rateLine('goodput req/s', c.throughput.goodput_rps));
    const st = c.split_time_share;
    out.push(`  ${'split time share'.padEnd(20)} simulated ${pct(st.simulated).padStart(10)}  live ${pct(st.live).padStart(10)}  (difference ${formatSignedPct(st.difference).replace('%', ' points')})`);
    if (c.split_windows !== null) {
        const w = c.split_windows;
        out.push('');
        out.push(`partitions (S_p, S_d, k): share of steps / of step time; simulated ${w.simulated_steps} steps, live ${w.live_steps}${w.cut_at_ms === null ? '' : ` (simulated cut at ${w.cut_at_ms} ms)`}:`);
        out.push(`  ${'partition'.padEnd(18)} ${'simulated steps / time'.padEnd(24)} live steps / time`);
        for (const r of w.rows) {
            const name = r.mode === 'aggregated' ? 'aggregated' : `(${r.prefill_sms}, ${r.decode_sms}, ${r.lookahead_k})`;
            out.push(`  ${name.padEnd(18)} ${`${pct(r.simulated.step_share)} / ${pct(r.simulated.time_share)}`.padEnd(24)} ${pct(r.live.step_share)} / ${pct(r.live.time_share)}`);
        }
    }
    if (c.per_request !== null) {
        const p = c.per_request;
        const cell = (x) => `${pct(x.median_abs)} / ${pct(x.p90_abs)} (${x.count})`;
        out.push('');
        out.push(`per request, |sim − live| / live, median / p90 (n), ${p.matched} requests finished in both:`);
        out.push(`  TTFT ${cell(p.ttft)}   mean TBT ${cell(p.mean_tbt)}   E2E ${cell(p.e2e)}`);
        for (const g of p.unmatched) {
            const other = g.other_status === 'missing' ? `not in the ${g.finished_in === 'simulated' ? 'live' : 'simulated'} requests CSV` : `${g.other_status}${g.reject_reason ? ` (${g.reject_reason})` : ''} in the ${g.finished_in === 'simulated' ? 'live' : 'simulated'} run`;
            out.push(`  ${g.count} finished in the ${g.finished_in} run only, ${other}: ids ${g.ids.join(', ')}${g.count > g.ids.length ? ', …' : ''}`);
        }
    }
    out.push('');
    out.push(`${'check'.padEnd(22)} ${'simulated'.padStart(14)} ${'measured'.padStart(14)} ${'error'.padStart(8)} ${'limit'.padStart(6)} result  ${'stretch'.padStart(7)}`);
    for (const k of c.checks) {
        const unit = k.figure === 'throughput_rps' ? 'req/s' : 'ms';
        out.push(`${k.name.padEnd(22)} ${figure(k.simulated, unit).padStart(14)} ${figure(k.measured, unit).padStart(14)} ${formatSignedPct(k.error).padStart(8)} ${pct(k.limit).padStart(6)} ${(k.pass ? 'PASS' : 'FAIL').padEnd(6)}  ${pct(k.stretch.limit).padStart(5)} ${k.stretch.pass ? 'met' : 'not met'}`);
    }
    const failed = c.checks.filter((k) => !k.pass).length;
    out.push(failed === 0 ? `overall: PASS (all ${c.checks.length} checks; stretch ${c.stretch_pass ? 'met' : 'not met'})` : `overall: FAIL (${failed} of ${c.checks.length} checks failed; this is a report, the exit code stays 0 unless --check)`);
    if (c.drift !== null)
        out.push('', 'where the latency model misses, from the live step records:', ...driftLines(c.drift));
    return out.join('\n') + '\n';
}
/** Backend and GPU from the live object, when it names them (its other fields are in the JSON). */
function liveMetaLine(meta) {
    if (meta === null)
        return '';
    const parts = ['backend', 'gpu'].filter((k) => typeof meta[k] === 'string' && meta[k] !== '').map((k) => `${k} ${String(meta[k])}`);
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
