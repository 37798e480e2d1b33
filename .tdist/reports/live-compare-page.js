import { liveCdfChart, partitionLabel, splitHistogramChart } from './charts/live-compare.js';
import { escapeHtml } from './escape.js';
import { driftGroupsChart } from './charts/closed-loop.js';
import { driftTableHtml } from './compare-page.js';
import { renderChartPage } from './render-html.js';
/**
 * The page `duetsim calibrate compare --simulated … --live … --html` writes: the report's self-contained
 * shell (render-html.ts) with the checks, the latency and throughput tables, and the charts. Everything
 * from the files (names, config values, the live object) is escaped where it is embedded.
 */
export function liveCompareCharts(c) {
    return [liveCdfChart(c, 'ttft_ms'), liveCdfChart(c, 'tbt_ms'), splitHistogramChart(c), c.drift === null ? null : driftGroupsChart(c.drift)].filter((x) => x !== null);
}
export function renderLiveComparePage(c, bundles) {
    const s = c.scenario;
    const scenario = `${String(s.policy)} on ${String(s.model)} / ${String(s.hardware)}`;
    const intro = `Simulation ${c.simulated.file} against the live run ${c.live.file} of the same scenario (${scenario}, trace ${String(s.trace)}` +
        `${s.rate_qps === null ? '' : ` at ${String(s.rate_qps)} req/s`}, seed ${String(s.seed)}). Errors are (simulated − live) / live. ` +
        `${c.notes.map((n) => `Note: ${n}.`).join(' ')} Every chart's numbers can be downloaded as CSV below it.`;
    return renderChartPage({ title: `duetsim live run vs simulation: ${scenario}`, intro, tablesHtml: tablesHtml(c), charts: liveCompareCharts(c) }, bundles);
}
const cell = (text, numeric = false) => `<td${numeric ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;
const head = (titles) => `<thead><tr>${titles.map((t) => `<th>${escapeHtml(t)}</th>`).join('')}</tr></thead>`;
const table = (titles, rows) => `<div class="scroll"><table>${head(titles)}<tbody>${rows.join('')}</tbody></table></div>`;
function num(x, digits = 3) {
    return x === null ? '–' : x.toFixed(x >= 100 ? 1 : digits);
}
function pct(x, signed = true) {
    return x === null ? '–' : `${signed && x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
function tablesHtml(c) {
    const failed = c.checks.filter((k) => !k.pass).length;
    const verdict = failed === 0 ? `Overall: PASS (all ${c.checks.length} checks).` : `Overall: FAIL (${failed} of ${c.checks.length} checks failed).`;
    const checks = table(['check', 'simulated', 'measured', 'error', 'limit', 'result', 'stretch limit', 'stretch'], c.checks.map((k) => `<tr>${cell(k.name)}${cell(num(k.simulated), true)}${cell(num(k.measured), true)}${cell(pct(k.error), true)}${cell(pct(k.limit, false), true)}${cell(k.pass ? 'PASS' : 'FAIL')}` +
        `${cell(pct(k.stretch.limit, false), true)}${cell(k.stretch.pass ? 'met' : 'not met')}</tr>`));
    const three = (d) => [d.p50, d.p90, d.p99, d.mean].map((x) => cell(num(x), true)).join('');
    const latency = table(['metric', 'sim p50', 'sim p90', 'sim p99', 'sim mean', 'live p50', 'live p90', 'live p99', 'live mean', 'error p50', 'error p90', 'error p99', 'error mean'], ['ttft_ms', 'tbt_ms', 'e2e_ms'].map((m) => {
        const x = c.metrics[m];
        return `<tr>${cell(m.replace('_ms', '').toUpperCase())}${three(x.simulated)}${three(x.live)}${[x.error.p50, x.error.p90, x.error.p99, x.error.mean].map((e) => cell(pct(e), true)).join('')}</tr>`;
    }));
    const t = c.throughput;
    const rates = table(['figure', 'simulated', 'live', 'error'], [
        ['throughput (req/s)', t.requests_per_s],
        ['output tokens/s', t.output_tokens_per_s],
        ['goodput (req/s)', t.goodput_rps],
    ].map(([name, r]) => {
        const x = r;
        return `<tr>${cell(name)}${cell(num(x.simulated), true)}${cell(num(x.live), true)}${cell(pct(x.error), true)}</tr>`;
    }).concat(`<tr>${cell('split time share')}${cell(pct(c.split_time_share.simulated, false), true)}${cell(pct(c.split_time_share.live, false), true)}${cell(`${pct(c.split_time_share.difference)} (points)`, true)}</tr>`));
    const p = c.per_request;
    const perRequest = p === null
        ? ''
        : `<h3>Per request, |simulated − live| / live (${p.matched} requests finished in both)</h3>` +
            table(['figure', 'requests', 'median', 'p90'], [['TTFT', p.ttft], ['mean TBT', p.mean_tbt], ['E2E', p.e2e]].map(([name, e]) => `<tr>${cell(name)}${cell(String(e.count), true)}${cell(pct(e.median_abs, false), true)}${cell(pct(e.p90_abs, false), true)}</tr>`)) +
            (p.unmatched.length === 0
                ? ''
                : table(['finished only in', 'in the other run', 'requests', 'first ids'], p.unmatched.map((g) => `<tr>${cell(g.finished_in)}${cell(g.other_status + (g.reject_reason ? ` (${g.reject_reason})` : ''))}${cell(String(g.count), true)}${cell(g.ids.join(', '))}</tr>`)));
    const w = c.split_windows;
    const splits = w === null
        ? ''
        : `<h3>Partitions (S_p, S_d, k): share of steps and of step time</h3>` +
            table(['partition', 'sim steps', 'sim time', 'live steps', 'live time'], w.rows.map((r) => `<tr>${cell(partitionLabel(r))}${cell(pct(r.simulated.step_share, false), true)}${cell(pct(r.simulated.time_share, false), true)}${cell(pct(r.live.step_share, false), true)}${cell(pct(r.live.time_share, false), true)}</tr>`));
    const meta = c.live.meta === null ? '' : `<h3>The live run</h3><pre>${escapeHtml(JSON.stringify(c.live.meta, null, 1))}</pre>`;
    return (`<p class="caption">${escapeHtml(`${verdict} The stretch column asks for half of each limit and is reported, not failed on. Percentiles: ${c.percentiles}.`)}</p>` +
        checks +
        `<h3>Latency (ms)</h3>${latency}` +
        `<h3>Throughput and split time</h3>${rates}` +
        perRequest +
        splits +
        (c.drift === null ? '' : `<h3>Where the latency model misses: each live step against the model's price of it (--step-records)</h3>${driftTableHtml(c.drift)}`) +
        meta);
}
