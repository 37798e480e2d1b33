import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLiveRun } from '../../calibrate/live-compare/compare.js';
import { parseRunResult } from '../../calibrate/live-compare/run-files.js';
import { liveCompareCharts, renderLiveComparePage } from '../../reports/live-compare-page.js';
import { vendorBundles } from '../../reports/vendor-bundles.js';
import { fullLiveCompare, resultJson, TINY_CONFIG } from '../util/live-compare-fixtures.js';
import { HOSTILE } from '../util/report-fixtures.js';
test('the page has the checks table, the CDFs and the split histogram, each chart with a caption and a CSV link', () => {
    const c = fullLiveCompare();
    const charts = liveCompareCharts(c);
    assert.deepEqual(charts.map((x) => x.id), ['live-ttft-cdf', 'live-tbt-cdf', 'split-histogram']);
    const html = renderLiveComparePage(c, vendorBundles());
    for (const x of charts) {
        assert.ok(html.includes(`<div class="chart" id="chart-${x.id}"></div>`), x.id);
        assert.ok(html.includes(`id="csv-${x.id}" download="${x.id}.csv"`), x.id);
    }
    assert.match(html, /<td>TTFT p50 within 10%<\/td><td class="num">120\.0<\/td><td class="num">100\.0<\/td><td class="num">\+20\.0%<\/td><td class="num">10\.0%<\/td><td>FAIL<\/td>/);
    assert.match(html, /Overall: FAIL \(1 of 5 checks failed\)\./);
    assert.match(html, /<td>S_p 80 · S_d 52 · k 4<\/td>/);
    assert.match(html, /<td>simulated<\/td><td>rejected \(exceeds-kv-capacity\)<\/td><td class="num">1<\/td><td>2<\/td>/);
    assert.match(html, /<h3>The live run<\/h3><pre>/);
    assert.doesNotMatch(html, /<script[^>]+src=/);
    assert.equal(html.match(/<script[\s>]/g)?.length, 5);
    // The histogram has a bar per partition, run and measure; the partition the live run never ran is at 0.
    const histogram = charts[2];
    assert.equal(histogram.rows.length, 3 * 2 * 2);
    assert.deepEqual(histogram.rows.filter((r) => r.partition === 'S_p 64 · S_d 68 · k 2' && r.run === 'live').map((r) => r.share_pct), [0, 0]);
});
test('without step CSVs there is no histogram, and identical runs read PASS', () => {
    const text = resultJson();
    const side = { result: parseRunResult(text, 'a.json'), requests: null, steps: null };
    const c = compareLiveRun({ simulated: side, live: side });
    assert.deepEqual(liveCompareCharts(c).map((x) => x.id), ['live-ttft-cdf', 'live-tbt-cdf']);
    assert.match(renderLiveComparePage(c, vendorBundles()), /Overall: PASS \(all 5 checks\)\./);
});
test('names from the configs, the live object and the request CSVs stay text (an inert page)', () => {
    const config = { ...TINY_CONFIG, model: `qwen${HOSTILE}`, trace: `t${HOSTILE}.csv`, policyParams: { note: HOSTILE } };
    const c = fullLiveCompare({ config }, { config, live: { backend: `addon${HOSTILE}`, gpu: { name: `H200${HOSTILE}` }, [HOSTILE]: HOSTILE } }, `origin${HOSTILE}`);
    const html = renderLiveComparePage(c, vendorBundles());
    assert.doesNotMatch(html, /<img src=x/);
    assert.doesNotMatch(html, /<script>document/);
    assert.equal(html.match(/<\/script>/g)?.length, 5);
    assert.equal(html.match(/<script[\s>]/g)?.length, 5);
    assert.ok(html.includes('qwen&#60;/script&#62;&#60;script&#62;'));
    assert.ok(html.includes('addon&#60;/script&#62;'));
});
