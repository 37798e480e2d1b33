import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHART_HEIGHT, CHART_WIDTH, lineSpec } from '../../reports/chart.js';
import { renderChartPage } from '../../reports/render-html.js';
import { vendorBundles } from '../../reports/vendor-bundles.js';
import { pageChartProblems } from '../util/chart-checks.js';
import { TEST_OUTPUT_DIR, findChromium, pageStatus, renderInChromium, skipBrowser } from '../util/chromium.js';
/**
 * The chart checks browser tests rely on (page-script.ts measures, test/util/chart-checks.ts judges)
 * must fail on a blank or broken chart, not only pass on good ones: one page holds a good chart and one
 * broken in each way a chart can look fine to a scenegraph count.
 */
const cdfRows = (v) => Array.from({ length: 101 }, (_, i) => ({ curve: 'run', percentile: i, ttft_ms: v(i) }));
const cdf = (id, rows, over = {}) => ({
    id, title: id, caption: 'a chart built to test the chart checks', rows,
    spec: { ...lineSpec({ x: 'ttft_ms', y: 'percentile', xTitle: 'TTFT (ms)', yTitle: 'percent', series: 'curve' }), ...over },
});
const baseEncoding = lineSpec({ x: 'ttft_ms', y: 'percentile', xTitle: 'TTFT (ms)', yTitle: 'percent', series: 'curve' }).encoding;
const withScale = (scale) => ({ encoding: { ...baseEncoding, x: { ...baseEncoding.x, scale } } });
const good = (i) => 50 + i;
test('the chart checks fail on a blank, empty, zero-size, off-domain, clamped or transparent chart, and pass a good one', async (t) => {
    const found = await findChromium();
    if (!('path' in found)) {
        if (skipBrowser())
            return t.skip(`DUETSIM_SKIP_BROWSER=1: ${found.missing}`);
        assert.fail(found.missing);
    }
    const charts = [
        cdf('good', cdfRows(good)),
        cdf('all-null', cdfRows(() => null)),
        cdf('no-rows', []),
        cdf('zero-size', cdfRows(good), { width: 0, height: 0 }),
        cdf('off-domain', cdfRows(good), withScale({ domain: [0, 10] })),
        cdf('clamped', cdfRows(good), withScale({ domain: [0, 10], clamp: true })),
        cdf('transparent', cdfRows(good), { mark: { type: 'line', opacity: 0 } }),
        // Drawn, but only in grey, like the gridlines: the pixel check cannot tell it from an empty plot, so it must fail.
        cdf('grey', cdfRows(good), { encoding: { ...baseEncoding, color: { value: '#999999' } }, width: CHART_WIDTH, height: CHART_HEIGHT }),
    ];
    const html = join(mkdtempSync(join(tmpdir(), 'duetsim-browser-')), 'broken.html');
    writeFileSync(html, renderChartPage({ title: 'broken charts', intro: 'each chart below is broken on purpose', tablesHtml: '', charts }, vendorBundles()));
    const shot = join(TEST_OUTPUT_DIR, 'broken-charts.png');
    const status = pageStatus((await renderInChromium(found.path, html, shot)).dom);
    assert.equal(status.done, true);
    assert.deepEqual(status.errors, []);
    const problems = pageChartProblems(status, shot);
    const has = (id, re) => assert.ok((problems[id] ?? []).some((p) => re.test(p)), `${id}: ${JSON.stringify(problems[id])}`);
    assert.equal(problems.good, undefined, JSON.stringify(problems.good));
    has('all-null', /no data marks|non-finite/);
    has('all-null', /no coloured pixels/);
    has('no-rows', /no data marks/);
    has('zero-size', /zero size/);
    has('off-domain', /outside the plot area/);
    has('off-domain', /x domain \[0, 10\] does not cover the data \[50, 150\]/);
    has('clamped', /x domain \[0, 10\] does not cover the data/);
    has('transparent', /no coloured pixels/);
    has('grey', /no coloured pixels/);
    assert.deepEqual(Object.keys(problems).sort(), ['all-null', 'clamped', 'grey', 'no-rows', 'off-domain', 'transparent', 'zero-size']);
});
