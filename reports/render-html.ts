import type { ChartSection } from './chart.js';
import { capacityChart } from './charts/capacity.js';
import { goodputChart } from './charts/goodput.js';
import { latencyCdfChart } from './charts/latency-cdf.js';
import { attainmentChart, tailLatencyChart, throughputChart } from './charts/load-sweep.js';
import { predictedVsMeasuredChart } from './charts/predicted-vs-measured.js';
import { smSplitChart } from './charts/sm-split.js';
import { queueOverTimeChart, tbtOverTimeChart } from './charts/timeline.js';
import { assertScriptSafe, escapeHtml, jsonForScript } from './escape.js';
import { PAGE_SCRIPT } from './page-script.js';
import type { ReportInput } from './report-input.js';
import { summaryTableHtml } from './summary-table.js';
import type { VendorBundle } from './vendor-bundles.js';

/** The charts in page order; each returns null when the inputs hold nothing for it. */
export function reportCharts(input: ReportInput): ChartSection[] {
  return [
    latencyCdfChart(input, 'ttft_ms'),
    latencyCdfChart(input, 'tbt_ms'),
    tbtOverTimeChart(input),
    queueOverTimeChart(input),
    smSplitChart(input),
    throughputChart(input),
    tailLatencyChart(input),
    attainmentChart(input),
    goodputChart(input),
    capacityChart(input),
    predictedVsMeasuredChart(input),
  ].filter((c): c is ChartSection => c !== null);
}

/**
 * No network: the page may run its own inline scripts (vega compiles expressions with `new Function`,
 * hence 'unsafe-eval') but may fetch nothing, so it behaves the same offline as online.
 */
const CSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:";

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:62rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.2rem}p.caption{color:#444;max-width:48rem}
table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto;max-height:28rem}
a.csv{font-size:13px}footer{margin-top:3rem;color:#777;font-size:12px}`;

/** What one page holds: its title, a caption under it, tables (already escaped HTML) and charts. */
export interface ChartPage {
  readonly title: string;
  /** Plain text (escaped here). */
  readonly intro: string;
  /** HTML built with escapeHtml, shown under the "Summary" heading. */
  readonly tablesHtml: string;
  readonly charts: readonly ChartSection[];
}

/** The whole report as one HTML document (see `renderChartPage`). */
export function renderReportHtml(input: ReportInput, bundles: readonly VendorBundle[]): string {
  return renderChartPage(
    {
      title: `duetsim report: ${input.title}`,
      intro: `From ${input.sources.join(', ')}. Latencies are simulated by duetsim's calibrated model, not measured on a server. Every chart's numbers can be downloaded as CSV below it.`,
      tablesHtml: summaryTableHtml(input),
      charts: reportCharts(input),
    },
    bundles,
  );
}

/**
 * One self-contained page: user-derived text is HTML-escaped; chart data travels as escaped JSON in a
 * script block of type application/json (never executed); the vega bundles are inlined after a check
 * that they cannot close their script element. The report and `duetsim calibrate compare --html` use it.
 */
export function renderChartPage(page: ChartPage, bundles: readonly VendorBundle[]): string {
  const charts = page.charts;
  const sections = charts
    .map(
      (c) => `<section id="section-${c.id}">
<h2>${escapeHtml(c.title)}</h2>
<p class="caption">${escapeHtml(c.caption)}</p>
<div class="chart" id="chart-${c.id}"></div>
<a class="csv" id="csv-${c.id}" download="${c.id}.csv">Download this chart's data (CSV, ${c.rows.length} rows)</a>
</section>`,
    )
    .join('\n');
  const data = { charts: charts.map((c) => ({ id: c.id, rows: c.rows, spec: c.spec })) };
  const scripts = bundles.map((b) => `<script>/* ${b.name} ${b.version} */\n${b.code}\n</script>`).join('\n');
  const versions = bundles.map((b) => `${b.name} ${b.version}`).join(', ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<p class="caption">${escapeHtml(page.intro)}</p>
<h2>Summary</h2>
${page.tablesHtml}
${sections}
<pre id="duetsim-status" hidden>{"done":false}</pre>
<script type="application/json" id="duetsim-data">${jsonForScript(data)}</script>
${scripts}
<script>${assertScriptSafe(PAGE_SCRIPT, 'the page script')}</script>
<footer>Made by duetsim with ${escapeHtml(versions)}, inlined so the page works offline.</footer>
</body>
</html>
`;
}
