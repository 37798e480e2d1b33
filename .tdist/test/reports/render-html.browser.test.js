import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportInputs } from '../../reports/load-inputs.js';
import { renderReportHtml, reportCharts } from '../../reports/render-html.js';
import { vendorBundles } from '../../reports/vendor-bundles.js';
import { writeReport } from '../../reports/write-report.js';
import { runScenario as runAnyScenario } from '../../sim/run/run-scenario.js';
import { pageChartProblems } from '../util/chart-checks.js';
import { TEST_OUTPUT_DIR, findChromium, pageStatus, renderInChromium, skipBrowser } from '../util/chromium.js';
import { runScenario } from '../util/fake-run-scenario.js';
import { HOSTILE, fixtureSpec, writeFixtures } from '../util/report-fixtures.js';
/**
 * Renders generated reports in headless chromium (see test/util/chromium.ts) and reads back the
 * status record the page writes once vega-embed has drawn every chart.
 */
async function browser(t) {
    const found = await findChromium();
    if ('path' in found)
        return found.path;
    if (skipBrowser()) {
        t.skip(`DUETSIM_SKIP_BROWSER=1: ${found.missing}`);
        return null;
    }
    assert.fail(found.missing);
}
const read = (file) => ({ file, text: readFileSync(file, 'utf8') });
test('the full report draws every chart: marks finite and inside the plot, axes covering the data, coloured pixels in every panel', async (t) => {
    const chromium = await browser(t);
    if (chromium === null)
        return;
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-browser-'));
    const f = await writeFixtures(dir);
    const input = loadReportInputs([...f.runs, f.study, f.capacity, f.calibration].map(read));
    const html = join(dir, 'report.html');
    writeFileSync(html, renderReportHtml(input, vendorBundles()));
    const shot = join(TEST_OUTPUT_DIR, 'report-full.png');
    const page = await renderInChromium(chromium, html, shot);
    const status = pageStatus(page.dom);
    assert.deepEqual(status.errors, []);
    assert.equal(status.done, true);
    const ids = reportCharts(input).map((c) => c.id);
    assert.deepEqual(Object.keys(status.charts).sort(), [...ids].sort());
    assert.deepEqual(pageChartProblems(status, shot), {});
    // Every setting's capacity is drawn on the attainment chart, each point inside its panel's plot area.
    const attainment = reportCharts(input).find((c) => c.id === 'slo-attainment-vs-load');
    const capacities = attainment?.rows.filter((r) => r.capacity_qps !== undefined).length ?? 0;
    assert.ok(capacities > 0, 'the fixtures have settings that cross the target');
    const drawn = Object.entries(status.charts['slo-attainment-vs-load']?.guides ?? {}).filter(([name]) => name.startsWith('guide_capacity'));
    assert.deepEqual(drawn.map(([, g]) => g), [{ marks: capacities, outside: 0 }]);
    assert.doesNotMatch(page.stderr, /Uncaught|CONSOLE.*Error|Content Security Policy/);
    // CSV links were built from the embedded data.
    for (const id of ids)
        assert.match(page.dom, new RegExp(`id="csv-${id}" download="${id}.csv" href="blob:`));
});
test('a hostile string renders as text: no script runs, no element is injected', async (t) => {
    const chromium = await browser(t);
    if (chromium === null)
        return;
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-browser-'));
    const f = await writeFixtures(dir, HOSTILE);
    // A file name is user input too (it is shown as the run's source); a name cannot hold '/', so this one has none.
    const hostileName = join(dir, `<img src=x onerror="document.title='pwned'">.json`);
    copyFileSync(f.runs[0], hostileName);
    const input = loadReportInputs([hostileName, ...f.runs, f.study, f.capacity, f.calibration].map(read));
    const html = join(dir, 'hostile.html');
    writeFileSync(html, renderReportHtml(input, vendorBundles()));
    const page = await renderInChromium(chromium, html, join(TEST_OUTPUT_DIR, 'report-hostile.png'));
    const status = pageStatus(page.dom);
    assert.deepEqual(status.errors, []);
    assert.equal(status.done, true);
    assert.deepEqual(pageChartProblems(status, join(TEST_OUTPUT_DIR, 'report-hostile.png')), {});
    assert.match(page.dom, /<title>duetsim report: sweep&lt;\/script&gt;&lt;script&gt;document.title='pwned'/);
    assert.doesNotMatch(page.dom, /<img src="x"/);
    assert.equal(page.dom.match(/<script[\s>]/g)?.length, 5);
    // The table cell holds the hostile policy name as text.
    assert.ok(page.dom.includes('<td>vllm&lt;/script&gt;&lt;script&gt;document.title=\'pwned\'&lt;/script&gt;&lt;img src=x onerror="document.title=\'pwned\'"&gt;&amp;amp;'));
});
test('writeReport (duetsim replay --report) renders a single run', async (t) => {
    const chromium = await browser(t);
    if (chromium === null)
        return;
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-browser-'));
    const html = join(dir, 'run.html');
    writeReport(runScenario(fixtureSpec()), html);
    const status = pageStatus((await renderInChromium(chromium, html, join(TEST_OUTPUT_DIR, 'report-single-run.png'))).dom);
    assert.deepEqual(status.errors, []);
    assert.deepEqual(pageChartProblems(status, join(TEST_OUTPUT_DIR, 'report-single-run.png')), {});
    assert.ok(Object.keys(status.charts).includes('partition-timeline'));
});
test('a disaggregated cluster run draws its instances and its KV transfers over time', async (t) => {
    const chromium = await browser(t);
    if (chromium === null)
        return;
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-browser-'));
    const html = join(dir, 'pd.html');
    // A real run (not the fake runner): the KV-transfer series comes from the cluster layer.
    writeReport(runAnyScenario(fixtureSpec({ cluster: 'configs/clusters/qwen3-8b-1p1d.yaml', rateQps: 4, limit: 120, policy: 'chunked' })), html);
    const shot = join(TEST_OUTPUT_DIR, 'report-cluster-pd.png');
    const status = pageStatus((await renderInChromium(chromium, html, shot)).dom);
    assert.deepEqual(status.errors, []);
    assert.deepEqual(pageChartProblems(status, shot), {});
    assert.ok(['cluster-instances', 'kv-transfer-timeline'].every((id) => id in status.charts), Object.keys(status.charts).join(', '));
});
test('the Content-Security-Policy blocks a script that got past escaping, and the charts still render without eval', async (t) => {
    const chromium = await browser(t);
    if (chromium === null)
        return;
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-browser-'));
    const f = await writeFixtures(dir);
    const input = loadReportInputs(f.runs.map(read));
    // Simulate an escaping bug: raw markup in the page body. The CSP hashes only the page's own scripts.
    // It goes after the page script, whose listener records CSP violations from then on.
    const html = renderReportHtml(input, vendorBundles()).replace('<footer>', `<script>document.title='pwned'</script><div style="color:red" id="styled"></div><footer>`);
    const csp = (/http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '').replace(/&#39;/g, "'");
    assert.match(csp, /script-src 'sha256-/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const file = join(dir, 'injected.html');
    writeFileSync(file, html);
    const page = await renderInChromium(chromium, file, join(TEST_OUTPUT_DIR, 'report-csp.png'));
    const status = pageStatus(page.dom);
    assert.doesNotMatch(page.dom, /<title>pwned/);
    assert.ok(status.errors.length > 0 && status.errors.every((e) => e.startsWith('csp: ')), JSON.stringify(status.errors));
    assert.ok(status.errors.some((e) => /script-src/.test(e)), 'the injected script was blocked');
    assert.deepEqual(pageChartProblems(status, join(TEST_OUTPUT_DIR, 'report-csp.png')), {});
});
