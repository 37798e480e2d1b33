import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportInputs } from '../../reports/load-inputs.js';
import { renderReportHtml, reportCharts } from '../../reports/render-html.js';
import { vendorBundles } from '../../reports/vendor-bundles.js';
import { writeReport } from '../../reports/write-report.js';
import { TEST_OUTPUT_DIR, findChromium, pageStatus, renderInChromium, skipBrowser } from '../util/chromium.js';
import { runScenario } from '../util/fake-run-scenario.js';
import { HOSTILE, fixtureSpec, writeFixtures } from '../util/report-fixtures.js';

/**
 * Renders generated reports in headless chromium (see test/util/chromium.ts) and reads back the
 * status record the page writes once vega-embed has drawn every chart.
 */
async function browser(t: { skip: (m: string) => void }): Promise<string | null> {
  const found = await findChromium();
  if ('path' in found) return found.path;
  if (skipBrowser()) {
    t.skip(`DUETSIM_SKIP_BROWSER=1: ${found.missing}`);
    return null;
  }
  assert.fail(found.missing);
}

const read = (file: string) => ({ file, text: readFileSync(file, 'utf8') });

test('the full report renders every chart with one mark per data row and no errors', async (t) => {
  const chromium = await browser(t);
  if (chromium === null) return;
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
  const expected = Object.fromEntries(reportCharts(input).map((c) => [c.id, c.rows.length]));
  assert.deepEqual(status.charts, expected);
  assert.doesNotMatch(page.stderr, /Uncaught|CONSOLE.*Error/);
  // CSV links were built from the embedded data.
  for (const id of Object.keys(expected)) assert.match(page.dom, new RegExp(`id="csv-${id}" download="${id}.csv" href="blob:`));
  assert.ok(statSync(shot).size > 10_000, 'screenshot written');
});

test('a hostile string renders as text: no script runs, no element is injected', async (t) => {
  const chromium = await browser(t);
  if (chromium === null) return;
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-browser-'));
  const f = await writeFixtures(dir, HOSTILE);
  const input = loadReportInputs([...f.runs, f.study, f.capacity, f.calibration].map(read));
  const html = join(dir, 'hostile.html');
  writeFileSync(html, renderReportHtml(input, vendorBundles()));
  const page = await renderInChromium(chromium, html, join(TEST_OUTPUT_DIR, 'report-hostile.png'));
  const status = pageStatus(page.dom);
  assert.deepEqual(status.errors, []);
  assert.equal(status.done, true);
  assert.deepEqual(status.charts, Object.fromEntries(reportCharts(input).map((c) => [c.id, c.rows.length])));
  assert.match(page.dom, /<title>duetsim report: sweep&lt;\/script&gt;&lt;script&gt;document.title='pwned'/);
  assert.doesNotMatch(page.dom, /<img src="x"/);
  assert.equal(page.dom.match(/<script[\s>]/g)?.length, 5);
  // The table cell holds the hostile policy name as text.
  assert.ok(page.dom.includes('<td>vllm&lt;/script&gt;&lt;script&gt;document.title=\'pwned\'&lt;/script&gt;&lt;img src=x onerror="document.title=\'pwned\'"&gt;&amp;amp;'));
});

test('writeReport (duetsim replay --report) renders a single run', async (t) => {
  const chromium = await browser(t);
  if (chromium === null) return;
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-browser-'));
  const html = join(dir, 'run.html');
  writeReport(runScenario(fixtureSpec()), html);
  const status = pageStatus((await renderInChromium(chromium, html, join(TEST_OUTPUT_DIR, 'report-single-run.png'))).dom);
  assert.deepEqual(status.errors, []);
  assert.deepEqual(Object.keys(status.charts), ['ttft-cdf', 'tbt-cdf', 'tbt-over-time', 'queue-over-time', 'sm-split', 'goodput']);
  assert.equal(status.charts['sm-split'], 5 * 4);
});
