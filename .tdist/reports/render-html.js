import { createHash } from 'node:crypto';
import { calibrationResidualsChart } from './charts/calibration-residuals.js';
import { capacityChart } from './charts/capacity.js';
import { clusterInstancesChart } from './charts/cluster-instances.js';
import { goodputChart } from './charts/goodput.js';
import { kvTransferTimelineChart } from './charts/kv-transfer-timeline.js';
import { latencyCdfChart, latencyTailChart } from './charts/latency-cdf.js';
import { attainmentChart, goodputVsLoadChart, splitShareChart, tailLatencyCharts, throughputChart } from './charts/load-sweep.js';
import { partitionTimelineChart } from './charts/partition-timeline.js';
import { requestScatterChart } from './charts/request-scatter.js';
import { engineStateChart, tbtOverTimeChart } from './charts/timeline.js';
import { reportSettings, settingsHtml } from './settings-header.js';
import { assertScriptSafe, escapeHtml, jsonForScript } from './escape.js';
import { PAGE_SCRIPT } from './page-script.js';
import { summaryTableHtml } from './summary-table.js';
/** The charts in page order; each returns null when the inputs hold nothing for it. */
export function reportCharts(input) {
    return [
        latencyCdfChart(input, 'ttft_ms'),
        latencyTailChart(input, 'ttft_ms'),
        latencyCdfChart(input, 'tbt_ms'),
        latencyTailChart(input, 'tbt_ms'),
        tbtOverTimeChart(input),
        engineStateChart(input),
        partitionTimelineChart(input),
        requestScatterChart(input),
        clusterInstancesChart(input),
        kvTransferTimelineChart(input),
        attainmentChart(input),
        goodputVsLoadChart(input),
        throughputChart(input),
        ...tailLatencyCharts(input),
        splitShareChart(input),
        goodputChart(input),
        capacityChart(input),
        calibrationResidualsChart(input),
    ].filter((c) => c !== null);
}
/**
 * The page's Content-Security-Policy: no network (it fetches nothing, so it behaves the same offline),
 * and only the page's own inline scripts and stylesheet run, each allowed by its SHA-256 hash. No
 * 'unsafe-inline': a script or style element that escaped escaping would still not run. No
 * 'unsafe-eval': the page script runs vega with its expression interpreter (page-script.ts). Inline
 * style attributes are not needed either: vega and vega-embed set styles through the CSSOM (element.style),
 * which CSP does not govern. img-src blob: is for nothing vega draws today; data: for vega's image marks.
 */
export function contentSecurityPolicy(scripts, styles) {
    const hashes = (texts) => texts.map((t) => `'sha256-${createHash('sha256').update(t, 'utf8').digest('base64')}'`).join(' ');
    return `default-src 'none'; script-src ${hashes(scripts)}; style-src ${hashes(styles)}; img-src data: blob:; base-uri 'none'; form-action 'none'`;
}
const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:62rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.2rem}p.caption{color:#444;max-width:48rem}
table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto;max-height:28rem}
a.csv{font-size:13px}footer{margin-top:3rem;color:#777;font-size:12px}
table.settings th{font-weight:600;white-space:nowrap;vertical-align:top}table.settings td{max-width:44rem}
.pass{color:#1a7f37;font-weight:600}.fail{color:#b42318;font-weight:600}
.vega-embed{position:relative;display:inline-block}.vega-embed svg{display:block}
#vg-tooltip-element{visibility:hidden;position:fixed;z-index:1000;padding:6px;background:#fff;border:1px solid #bbb;font:12px system-ui,sans-serif;pointer-events:none}
#vg-tooltip-element.visible{visibility:visible}#vg-tooltip-element td.key{color:#555;padding-right:6px}`;
/** The whole report as one HTML document (see `renderChartPage`). */
export function renderReportHtml(input, bundles) {
    const settings = reportSettings(input);
    return renderChartPage({
        title: `duetsim report: ${input.title}`,
        intro: `From ${input.sources.join(', ')}. ${introWords(input)} Every chart's numbers can be downloaded as CSV below it.`,
        settingsHtml: settingsHtml(settings),
        settings,
        tablesHtml: summaryTableHtml(input),
        charts: reportCharts(input),
    }, bundles);
}
/** What the numbers on the page are: simulated serving results, measured GPU times, or both. */
function introWords(input) {
    const simulated = input.runs.length > 0 || input.studyPoints.length > 0 || input.capacities.length > 0;
    const parts = [];
    if (simulated)
        parts.push("Serving results are simulated by duetsim's latency model for the GPU named in the settings (calibrated on that GPU where its hardware file says so).");
    if (input.calibration.length > 0)
        parts.push("Calibration points are GPU times measured on the GPU named below, each beside what duetsim's latency model predicts for it; only points held out of the fit are shown.");
    return parts.join(' ');
}
/**
 * One self-contained page: user-derived text is HTML-escaped; chart data travels as escaped JSON in a
 * script block of type application/json (never executed); the vega bundles are inlined after a check
 * that they cannot close their script element. The report and `duetsim calibrate compare --html` use it.
 */
export function renderChartPage(page, bundles) {
    const charts = page.charts;
    const sections = charts
        .map((c) => `<section id="section-${c.id}">
<h2>${escapeHtml(c.title)}</h2>
<p class="caption">${escapeHtml(c.caption)}</p>
<div class="chart" id="chart-${c.id}"></div>
<a class="csv" id="csv-${c.id}" download="${c.id}.csv">Download this chart's data (CSV, ${c.rows.length} rows)</a>
</section>`)
        .join('\n');
    const data = { settings: page.settings ?? null, charts: charts.map((c) => ({ id: c.id, rows: c.rows, spec: c.spec })) };
    const scriptTexts = [...bundles.map((b) => `/* ${b.name} ${b.version} */\n${b.code}\n`), assertScriptSafe(PAGE_SCRIPT, 'the page script')];
    const scripts = scriptTexts.map((t) => `<script>${t}</script>`).join('\n');
    const versions = bundles.map((b) => `${b.name} ${b.version}`).join(', ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(scriptTexts, [STYLE]))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<p class="caption">${escapeHtml(page.intro)}</p>
${page.settingsHtml ? `<h2>Settings</h2>\n${page.settingsHtml}` : ''}
${page.tablesHtml ? `<h2>Summary</h2>\n${page.tablesHtml}` : ''}
${sections}
<pre id="duetsim-status" hidden>{"done":false}</pre>
<script type="application/json" id="duetsim-data">${jsonForScript(data)}</script>
${scripts}
<footer>Made by duetsim with ${escapeHtml(versions)}, inlined so the page works offline.</footer>
</body>
</html>
`;
}
