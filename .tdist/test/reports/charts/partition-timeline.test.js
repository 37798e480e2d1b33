import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionTimelineChart } from '../../../reports/charts/partition-timeline.js';
import { runScenario } from '../../util/fake-run-scenario.js';
import { fixtureSpec } from '../../util/report-fixtures.js';
const input = (policy) => ({
    title: 't', sources: [], studyPoints: [], capacities: [], calibration: [], calibrationFiles: [],
    runs: [{ label: policy, policy, file: `${policy}.json`, result: runScenario(fixtureSpec({ policy })) }],
});
test('no partition chart when nothing split: no lines at 0', () => {
    assert.equal(partitionTimelineChart(input('vllm')), null);
});
test('only split segments are drawn, each as S_p, S_d and k spanning its steps', () => {
    const c = partitionTimelineChart(input('duetserve'));
    assert.ok(c !== null);
    assert.equal(c.rows.length, 5 * 3);
    assert.ok(c.rows.every((r) => r.end_s > r.start_s && r.value > 0));
    assert.deepEqual(c.rows.slice(0, 3).map((r) => [r.series, r.value]), [['duetserve · S_p (prefill)', 80], ['duetserve · S_d (decode)', 52], ['duetserve · k', 4]]);
});
