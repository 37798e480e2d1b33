import { closedLoopCdfChart, driftGroupsChart, PHASE_NAMES, stepDriftChart } from './charts/closed-loop.js';
import { escapeHtml } from './escape.js';
import { renderChartPage } from './render-html.js';
/**
 * The page `duetsim calibrate compare --html` writes: the same self-contained shell as the report
 * (render-html.ts), with the comparison's tables and charts. It is drawn from the comparison object
 * (a type-only import: reports/ runs no calibrate/ code).
 */
export function compareCharts(c) {
    return [closedLoopCdfChart(c, 'ttft_ms'), closedLoopCdfChart(c, 'tbt_ms'), stepDriftChart(c), driftGroupsChart(c.drift)].filter((x) => x !== null);
}
export function renderComparePage(c, bundles) {
    const s = c.schedule;
    const e = c.executed;
    const intro = `Schedule ${s.file} (${s.policy} on ${s.model} / ${s.hardware}, trace ${s.trace}${s.rate_qps === null ? '' : ` at ${s.rate_qps} req/s`}, ${s.steps} steps) ` +
        `executed on ${e.gpu} (${e.sm_count} SMs, driver ${e.driver}, CUDA ${e.cuda_runtime}, ${e.backend}, ${e.date}${e.host ? `, ${e.host}` : ''}): ${e.steps} steps` +
        `${e.complete ? '' : ', cut short: only requests served entirely by the executed steps are compared'}. ` +
        `"Simulated" latencies are duetsim's prediction for this schedule; "executed" ones are rebuilt from the measured GPU time of every step plus the same host costs ` +
        `(scheduling ${s.overheads_us.scheduling} µs, sampling ${s.overheads_us.sampling} µs per step). ${c.requests.compared} requests compared. Every chart's numbers can be downloaded as CSV below it.`;
    return renderChartPage({ title: `duetsim closed loop: ${s.policy} on ${s.model} / ${e.gpu}`, intro, tablesHtml: tablesHtml(c), charts: compareCharts(c) }, bundles);
}
const cell = (text, numeric = false) => `<td${numeric ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;
const head = (titles) => `<thead><tr>${titles.map((t) => `<th>${escapeHtml(t)}</th>`).join('')}</tr></thead>`;
const table = (titles, rows) => `<div class="scroll"><table>${head(titles)}<tbody>${rows.join('')}</tbody></table></div>`;
function ms(x) {
    return x === null ? '–' : x.toFixed(x >= 100 ? 1 : 3);
}
function pct(x, signed = true) {
    return x === null ? '–' : `${signed && x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
const METRIC_NAMES = { ttft_ms: 'TTFT', tbt_ms: 'TBT', e2e_ms: 'E2E' };
function tablesHtml(c) {
    const checks = table(['acceptance check', 'simulated ms', 'executed ms', 'difference', 'result'], c.checks.map((k) => `<tr>${cell(k.name)}${cell(ms(k.simulated_ms), true)}${cell(ms(k.executed_ms), true)}${cell(pct(k.rel_diff), true)}${cell(k.pass ? 'PASS' : 'FAIL')}</tr>`));
    const latency = [];
    for (const metric of ['ttft_ms', 'tbt_ms', 'e2e_ms']) {
        for (const phase of ['all', 'aggregated', 'split']) {
            const m = c.metrics[phase][metric];
            if (m.executed.count === 0 && phase !== 'all')
                continue;
            const three = (d) => [d.p50, d.p90, d.p99].map((x) => cell(ms(x), true)).join('');
            latency.push(`<tr>${cell(METRIC_NAMES[metric])}${cell(PHASE_NAMES[phase])}${cell(String(m.executed.count), true)}${three(m.simulated)}${three(m.executed)}${[m.rel_diff.p50, m.rel_diff.p90, m.rel_diff.p99].map((x) => cell(pct(x), true)).join('')}</tr>`);
        }
    }
    const latencyTable = table(['metric', 'phase', 'samples', 'sim p50', 'sim p90', 'sim p99', 'exec p50', 'exec p90', 'exec p99', 'diff p50', 'diff p90', 'diff p99'], latency);
    const errors = table(['phase', 'TTFT median |err|', 'TTFT p90 |err|', 'mean TBT median |err|', 'mean TBT p90 |err|', 'E2E median |err|', 'E2E p90 |err|'], ['all', 'aggregated', 'split'].map((p) => {
        const r = c.per_request_error[p];
        return `<tr>${cell(PHASE_NAMES[p])}${[r.ttft, r.mean_tbt, r.e2e].map((x) => cell(pct(x.median_abs, false), true) + cell(pct(x.p90_abs, false), true)).join('')}</tr>`;
    }));
    const anchored = table(['metric', 'sim p50', 'sim p99', 'exec p50 (anchored)', 'exec p99 (anchored)', 'diff p50', 'diff p99'], ['ttft_ms', 'tbt_ms'].map((metric) => {
        const a = c.anchored[metric];
        return `<tr>${cell(METRIC_NAMES[metric])}${[a.simulated.p50, a.simulated.p99, a.executed.p50, a.executed.p99].map((x) => cell(ms(x), true)).join('')}${cell(pct(a.rel_diff.p50), true)}${cell(pct(a.rel_diff.p99), true)}</tr>`;
    }));
    const drift = driftTableHtml(c.drift);
    return (`<p class="caption">${escapeHtml(`Overall: ${c.pass ? 'PASS' : 'FAIL'}. Differences are (simulated − executed) / executed; percentiles are ${c.percentiles}.`)}</p>` +
        checks +
        `<h3>Latency percentiles (ms)</h3>${latencyTable}` +
        `<h3>Per-request error, |simulated − executed| / executed</h3>${errors}` +
        `<h3>Diagnostic: executed steps at their simulated starts</h3><p class="caption">${escapeHtml('Not a check. The rebuild above replays the fixed schedule, so a step waits for every earlier one; on a GPU busy the whole window, a small per-step error accumulates into every later request’s wait. Here each executed step starts when the simulation started it, which removes that accumulation and leaves the error of the steps on each request’s own path.')}</p>${anchored}` +
        `<h3>GPU time drift: every lane, then the groups that drift most</h3>${drift}`);
}
/** Every lane, then the groups that drift most: measured / predicted GPU time (closed loop or live run). */
export function driftTableHtml(drift) {
    return table(['group', 'items', 'mean measured / predicted', 'share of GPU time', 'plausible cause'], [...drift.lanes, ...drift.top].map((g) => `<tr>${cell(g.label)}${cell(String(g.count), true)}${cell(`×${g.mean_ratio.toFixed(3)}`, true)}${cell(pct(g.share_of_gpu_time, false), true)}${cell(g.hint)}</tr>`));
}
