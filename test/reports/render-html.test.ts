import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportInputs } from '../../reports/load-inputs.js';
import { renderReportHtml, reportCharts } from '../../reports/render-html.js';
import { vendorBundles } from '../../reports/vendor-bundles.js';
import { HOSTILE, writeFixtures } from '../util/report-fixtures.js';

const read = (file: string) => ({ file, text: readFileSync(file, 'utf8') });

async function fullInput(hostile = '') {
  const f = await writeFixtures(mkdtempSync(join(tmpdir(), 'duetsim-report-')), hostile);
  return loadReportInputs([...f.runs, f.study, f.capacity, f.calibration].map(read));
}

test('every chart is present with a caption and a CSV link, in page order', async () => {
  const input = await fullInput();
  const charts = reportCharts(input);
  assert.deepEqual(charts.map((c) => c.id), [
    'ttft-cdf', 'ttft-tail', 'tbt-cdf', 'tbt-tail', 'tbt-over-time', 'engine-state-over-time', 'partition-timeline', 'request-scatter',
    'slo-attainment-vs-load', 'goodput-vs-load', 'throughput-vs-load', 'ttft-p99-vs-load', 'tbt-p99-vs-load', 'split-share-vs-load',
    'goodput', 'capacity', 'calibration-residuals',
  ]);
  const html = renderReportHtml(input, vendorBundles());
  for (const c of charts) {
    assert.ok(html.includes(`<div class="chart" id="chart-${c.id}"></div>`), c.id);
    assert.ok(html.includes(`id="csv-${c.id}" download="${c.id}.csv"`), c.id);
    assert.ok(c.caption.length > 40, `${c.id} has a plain-language caption`);
  }
});

test('charts without data are left out: a calibration file alone gives one chart', async () => {
  const f = await writeFixtures(mkdtempSync(join(tmpdir(), 'duetsim-report-')));
  const charts = reportCharts(loadReportInputs([read(f.calibration)]));
  assert.deepEqual(charts.map((c) => c.id), ['calibration-residuals']);
  assert.match(charts[0]?.caption ?? '', /attention.* 11\.1% \(1 points\); gemm 5\.8% \(2 points\)/);
});

test('the page is self-contained: vega, vega-lite and vega-embed inlined, no external scripts or styles', async () => {
  const html = renderReportHtml(await fullInput(), vendorBundles());
  assert.doesNotMatch(html, /<script[^>]*\ssrc=/i);
  assert.doesNotMatch(html, /<link[^>]*\shref=/i);
  for (const name of ['vega', 'vega-lite', 'vega-embed']) assert.match(html, new RegExp(`<script>/\\* ${name} \\d+\\.\\d+\\.\\d+ \\*/`));
  assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;/);
});

test('a hostile string in configs, study names and calibration ids never appears as markup', async () => {
  const html = renderReportHtml(await fullInput(HOSTILE), vendorBundles());
  assert.ok(!html.includes(HOSTILE), 'the raw string is not in the page');
  assert.ok(!html.includes("<script>document.title='pwned'"));
  assert.ok(!html.includes('<img src=x'));
  // One data block, three bundles, the page script: nothing else opened a script element.
  assert.equal(html.match(/<script[\s>]/g)?.length, 5);
  assert.ok(html.includes('&#60;/script&#62;&#60;script&#62;document.title='), 'escaped in the table and title');
});

test("the calibration chart's tooltip names a pair lane's partner batch where the validation file has one, and only then", async () => {
  const f = await writeFixtures(mkdtempSync(join(tmpdir(), 'duetsim-report-')));
  const tooltipFields = (input: { file: string; text: string }) => {
    const [chart] = reportCharts(loadReportInputs([input]));
    return ((chart?.spec as { encoding?: { tooltip?: { field: string }[] } }).encoding?.tooltip ?? []).map((t) => t.field);
  };
  assert.ok(!tooltipFields(read(f.calibration)).includes('partner_batch'));
  const withPartner = {
    file: 'validation.json',
    text: JSON.stringify({
      points: [
        { id: 'vcc-a', kind: 'concurrent_decode', batch_kind: 'decode', partner_batch: '2048+2048', predicted_us: 110, measured_us: 100 },
        { id: 'vcc-b', kind: 'concurrent_decode', batch_kind: 'decode', partner_batch: '4096+0', predicted_us: 98, measured_us: 100 },
      ],
    }),
  };
  assert.ok(tooltipFields(withPartner).includes('partner_batch'));
});
