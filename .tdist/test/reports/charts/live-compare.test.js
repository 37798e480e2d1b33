import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLiveRun } from '../../../calibrate/live-compare/compare.js';
import { parseRequestsCsv, parseRunResult } from '../../../calibrate/live-compare/run-files.js';
import { liveCdfChart, partitionLabel, splitHistogramChart } from '../../../reports/charts/live-compare.js';
import { fullLiveCompare, requestsCsv, resultJson } from '../../util/live-compare-fixtures.js';
test('each CDF has a curve of 101 percentiles per run, simulated first', () => {
    const c = fullLiveCompare();
    const chart = liveCdfChart(c, 'ttft_ms');
    assert.equal(chart.rows.length, 202);
    assert.deepEqual(chart.rows[0], { run: 'simulated', percentile: 0, ttft_ms: 0 });
    assert.deepEqual(chart.rows[201], { run: 'live', percentile: 100, ttft_ms: 200 });
    assert.match(chart.caption, /Both curves are over the whole run/);
    // A curve starting at 0 ms cannot go on a log axis.
    assert.doesNotMatch(chart.caption, /logarithmic/);
});
test('an interrupted comparison says its CDFs are over the requests both finished, TBT one mean gap per request', () => {
    const rows = [{ id: 0, ttft_ms: 10, tpot_ms: 5, e2e_ms: 100 }, { id: 1, ttft_ms: 12, tpot_ms: 6, e2e_ms: 120 }];
    const side = (live) => ({ result: parseRunResult(resultJson(live ? { live: { interrupted: { reason: '--max-steps 40 reached', after_steps: 40, unfinished_requests: 3 } } } : {}), 'x.json'), requests: parseRequestsCsv(requestsCsv(rows), 'x.csv'), steps: null });
    const c = compareLiveRun({ simulated: side(false), live: side(true) });
    const chart = liveCdfChart(c, 'tbt_ms');
    assert.match(chart.caption, /over the 2 requests both runs finished, one sample per request: its mean gap between tokens\. The x axis is logarithmic\.$/);
    assert.equal(splitHistogramChart(c), null);
});
test('partitions are labelled by S_p, S_d and k; aggregated steps by name', () => {
    assert.equal(partitionLabel({ mode: 'aggregated', prefill_sms: 0, decode_sms: 0, lookahead_k: 1 }), 'aggregated');
    assert.equal(partitionLabel({ mode: 'split', prefill_sms: 80, decode_sms: 52, lookahead_k: 4 }), 'S_p 80 · S_d 52 · k 4');
});
