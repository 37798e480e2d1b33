import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveCompareCharts } from '../../reports/live-compare-page.js';
import { writeLiveComparePage } from '../../reports/write-report.js';
import { pageChartProblems } from '../util/chart-checks.js';
import { TEST_OUTPUT_DIR, findChromium, pageStatus, renderInChromium, skipBrowser } from '../util/chromium.js';
import { fullLiveCompare } from '../util/live-compare-fixtures.js';

/** Renders the `calibrate compare --simulated … --live … --html` page in headless chromium, as the report's browser tests do. */
test('the live-compare page draws every chart (finite marks inside the plot, axes covering the data, coloured pixels) with no errors', async (t) => {
  const found = await findChromium();
  if (!('path' in found)) {
    if (skipBrowser()) return t.skip(`DUETSIM_SKIP_BROWSER=1: ${found.missing}`);
    assert.fail(found.missing);
  }
  const c = fullLiveCompare();
  const html = join(mkdtempSync(join(tmpdir(), 'duetsim-browser-')), 'live-compare.html');
  writeLiveComparePage(c, html);
  const shot = join(TEST_OUTPUT_DIR, 'live-compare.png');
  const page = await renderInChromium(found.path, html, shot);
  const status = pageStatus(page.dom);
  assert.deepEqual(status.errors, []);
  assert.equal(status.done, true);
  assert.deepEqual(Object.keys(status.charts).sort(), liveCompareCharts(c).map((x) => x.id).sort());
  assert.deepEqual(pageChartProblems(status, shot), {});
  for (const id of Object.keys(status.charts)) assert.match(page.dom, new RegExp(`id="csv-${id}" download="${id}.csv" href="blob:`));
});
