import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareClosedLoop } from '../../../calibrate/closed-loop/compare.js';
import { parseExecResult } from '../../../calibrate/closed-loop/exec-result.js';
import { parseSchedule } from '../../../calibrate/closed-loop/schedule.js';
import { closedLoopCdfChart, driftGroupsChart, stepDriftChart } from '../../../reports/charts/closed-loop.js';
import { execResultJsonl, TINY_MEASURED, TINY_SCHEDULE } from '../../util/closed-loop-fixtures.js';
function tinyCompare() {
    const s = parseSchedule(TINY_SCHEDULE, 'tiny.jsonl');
    return compareClosedLoop(s, parseExecResult(execResultJsonl(s, TINY_MEASURED), 'run.jsonl', s));
}
test('CDF rows: simulated and executed curves over 0..100 percent, one panel per phase with samples', () => {
    const c = tinyCompare();
    const ttft = closedLoopCdfChart(c, 'ttft_ms');
    assert.ok(ttft);
    assert.equal(ttft.rows.length, 3 * 2 * 101);
    assert.deepEqual([...new Set(ttft.rows.map((r) => `${r.phase}|${r.curve}`))], [
        'all requests|simulated', 'all requests|executed', 'aggregated steps|simulated', 'aggregated steps|executed', 'split windows|simulated', 'split windows|executed',
    ]);
    assert.deepEqual(ttft.rows.slice(0, 3).map((r) => r.percentile), [0, 1, 2]);
    assert.equal(ttft.rows[100].ttft_ms, c.cdf.ttft_ms.all.simulated[100]);
    assert.equal(ttft.spec.facet.row.sort.length, 3);
    assert.equal((ttft.spec.spec.encoding.x.scale.type), 'log');
    assert.match(ttft.caption, /rebuilt from the GPU times measured when the same schedule ran on NVIDIA H100/);
    // A phase without samples has no panel.
    const noSplit = { ...c, cdf: { ...c.cdf, tbt_ms: { ...c.cdf.tbt_ms, split: { simulated: [], executed: [] } } } };
    assert.equal(closedLoopCdfChart(noSplit, 'tbt_ms')?.rows.length, 2 * 2 * 101);
    const none = { ...c, cdf: { ...c.cdf, tbt_ms: { all: { simulated: [], executed: [] }, aggregated: { simulated: [], executed: [] }, split: { simulated: [], executed: [] } } } };
    assert.equal(closedLoopCdfChart(none, 'tbt_ms'), null);
});
test('drift over time: one point per step and lane; the groups chart is left out when no group is large enough', () => {
    const c = tinyCompare();
    const d = stepDriftChart(c);
    assert.deepEqual(d?.rows.map((r) => [r.lane, r.from_step]), [['aggregated step', 0], ['aggregated step', 2], ['aggregated step', 3], ['split: decode lane', 1], ['split: prefill lane', 1]]);
    assert.match(d?.caption ?? '', /Each dot is one step/);
    assert.equal(driftGroupsChart(c.drift), null);
    const withTop = { ...c, drift: { ...c.drift, top: c.drift.lanes } };
    assert.deepEqual(driftGroupsChart(withTop.drift)?.rows.map((r) => r.group), c.drift.lanes.map((g) => g.label));
});
