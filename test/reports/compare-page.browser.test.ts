import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareClosedLoop } from '../../calibrate/closed-loop/compare.js';
import { parseExecResult } from '../../calibrate/closed-loop/exec-result.js';
import { predictedAsMeasured } from '../../calibrate/closed-loop/rebuild.js';
import { compareCharts } from '../../reports/compare-page.js';
import { writeComparePage } from '../../reports/write-report.js';
import { pageChartProblems } from '../util/chart-checks.js';
import { TEST_OUTPUT_DIR, findChromium, pageStatus, renderInChromium, skipBrowser } from '../util/chromium.js';
import { emittedSchedule, execResultJsonl, scaled } from '../util/closed-loop-fixtures.js';

/** Renders the `calibrate compare --html` page in headless chromium (test/util/chromium.ts), as the report's browser tests do. */
test('the closed-loop page draws every chart (finite marks inside the plot, axes covering the data, coloured pixels) with no errors', async (t) => {
  const found = await findChromium();
  if (!('path' in found)) {
    if (skipBrowser()) return t.skip(`DUETSIM_SKIP_BROWSER=1: ${found.missing}`);
    assert.fail(found.missing);
  }
  const s = emittedSchedule('duetserve');
  const c = compareClosedLoop(s, parseExecResult(execResultJsonl(s, scaled(predictedAsMeasured(s), 1.1)), 'run.jsonl', s));
  const html = join(mkdtempSync(join(tmpdir(), 'duetsim-browser-')), 'compare.html');
  writeComparePage(c, html);
  const shot = join(TEST_OUTPUT_DIR, 'closed-loop-compare.png');
  const page = await renderInChromium(found.path, html, shot);
  const status = pageStatus(page.dom);
  assert.deepEqual(status.errors, []);
  assert.equal(status.done, true);
  assert.deepEqual(Object.keys(status.charts).sort(), compareCharts(c).map((x) => x.id).sort());
  assert.deepEqual(pageChartProblems(status, shot), {});
  for (const id of Object.keys(status.charts)) assert.match(page.dom, new RegExp(`id="csv-${id}" download="${id}.csv" href="blob:`));
});
