import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareClosedLoop } from '../../calibrate/closed-loop/compare.js';
import { parseExecResult } from '../../calibrate/closed-loop/exec-result.js';
import { predictedAsMeasured } from '../../calibrate/closed-loop/rebuild.js';
import { parseSchedule } from '../../calibrate/closed-loop/schedule.js';
import { compareCharts, renderComparePage } from '../../reports/compare-page.js';
import { vendorBundles } from '../../reports/vendor-bundles.js';
import { emittedSchedule, execResultJsonl, scaled, TINY_SCHEDULE, TINY_MEASURED } from '../util/closed-loop-fixtures.js';
import { HOSTILE } from '../util/report-fixtures.js';
test('the page has the tables, every chart with a caption and a CSV link, and the vega bundles inlined', () => {
    const s = emittedSchedule('duetserve');
    const c = compareClosedLoop(s, parseExecResult(execResultJsonl(s, scaled(predictedAsMeasured(s), 1.1)), 'run.jsonl', s));
    const charts = compareCharts(c);
    assert.deepEqual(charts.map((x) => x.id), ['closed-loop-ttft-cdf', 'closed-loop-tbt-cdf', 'step-drift', 'drift-groups']);
    const html = renderComparePage(c, vendorBundles());
    for (const x of charts) {
        assert.ok(html.includes(`<div class="chart" id="chart-${x.id}"></div>`), x.id);
        assert.ok(html.includes(`id="csv-${x.id}" download="${x.id}.csv"`), x.id);
    }
    assert.match(html, /<td>TBT p50 within 5%<\/td>.*<td>FAIL<\/td>/);
    assert.match(html, /<h3>Latency percentiles \(ms\)<\/h3>/);
    // The drift-free diagnostic sits beside the checks, labelled as not a check.
    assert.match(html, /<h3>Diagnostic: executed steps at their simulated starts<\/h3><p class="caption">Not a check\./);
    assert.match(html, /<td>TTFT<\/td>(<td class="num">[^<]*<\/td>){6}<\/tr>/);
    assert.doesNotMatch(html, /<script[^>]+src=/);
    assert.equal(html.match(/<script[\s>]/g)?.length, 5);
});
test('names from the schedule and the GPU meta stay text', () => {
    const text = TINY_SCHEDULE.replace('"model":"qwen3-8b"', `"model":${JSON.stringify(`qwen${HOSTILE}`)}`);
    const s = parseSchedule(text, `tiny${HOSTILE}.jsonl`);
    const c = compareClosedLoop(s, parseExecResult(execResultJsonl(s, TINY_MEASURED, { meta: { gpu: `H100${HOSTILE}` } }), 'run.jsonl', s));
    const html = renderComparePage(c, vendorBundles());
    assert.doesNotMatch(html, /<img src=x/);
    assert.equal(html.match(/<\/script>/g)?.length, 5);
    assert.ok(html.includes('qwen&#60;/script&#62;&#60;script&#62;'));
    assert.ok(html.includes('H100&#60;/script&#62;'));
});
