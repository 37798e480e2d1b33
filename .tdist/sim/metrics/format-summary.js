/** The human-readable summary `duetsim replay` prints. */
export function formatSummary(s, title) {
    const p = (x) => `${fmt(x.p50)} / ${fmt(x.p90)} / ${fmt(x.p99)}  (mean ${fmt(x.mean)}, max ${fmt(x.max)})`;
    const slo = s.slo;
    const targets = [slo.ttft_ms !== null ? `TTFT ≤ ${slo.ttft_ms} ms` : null, slo.tbt_ms !== null ? `TBT ≤ ${slo.tbt_ms} ms (${slo.tbt_definition === 'every-gap' ? 'every gap' : "p99 of each request's gaps"})` : null].filter(Boolean);
    const lines = [
        title,
        `  requests      ${s.requests} (completed ${s.completed}, rejected ${s.rejected}${rejectedBy(s)})`,
        `  duration      ${s.duration_s.toFixed(1)} s, ${s.iterations} steps, ${s.preemptions} preemptions`,
        `  throughput    ${s.throughput_rps.toFixed(3)} req/s, ${s.input_tps.toFixed(0)} input tok/s, ${s.output_tps.toFixed(0)} output tok/s`,
        `                 p50 / p90 / p99 ms`,
        `  TTFT          ${p(s.ttft_ms)}`,
        `  TBT           ${p(s.tbt_ms)}`,
        `  TPOT          ${p(s.tpot_ms)}`,
        `  E2E           ${p(s.e2e_ms)}`,
        `  queueing      ${p(s.queue_ms)}`,
    ];
    if (s.split_time_share > 0 || s.wasted_decode_steps > 0)
        lines.push(`  split mode    ${(100 * s.split_time_share).toFixed(1)}% of busy time, ${s.wasted_decode_steps} wasted look-ahead decode steps`);
    if (s.prefix_hit_tokens > 0)
        lines.push(`  prefix cache  ${s.prefix_hit_tokens} prompt tokens reused`);
    lines.push(targets.length
        ? `  SLO           ${targets.join(', ')}: ${(100 * s.slo_attainment).toFixed(1)}% of requests met, goodput ${s.goodput_rps.toFixed(3)} req/s`
        : '  SLO           none set (--slo-ttft, --slo-tbt)');
    return lines.join('\n') + '\n';
}
function fmt(x) {
    return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
/** ': 12 exceeds-max-model-len, 1 exceeds-kv-capacity' after the rejected count, or '' when none. */
function rejectedBy(s) {
    const entries = Object.entries(s.rejected_by_reason);
    return entries.length === 0 ? '' : `: ${entries.map(([code, n]) => `${n} ${code}`).join(', ')}`;
}
