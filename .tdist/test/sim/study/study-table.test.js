import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pivotTable, studyTable, toCsv, toMarkdown } from '../../../sim/study/study-table.js';
function point(policy, rate, tput, tbtP99) {
    const p = { p50: 0, p90: 0, p99: tbtP99, mean: 0, max: 0 };
    const summary = { throughput_rps: tput, tbt_ms: p, ttft_ms: p };
    return { schema: 'duetsim.study-line/1', study: 's', study_name: 's', kind: 'point', point_id: `${policy}${rate}`, coords: { policy, rateQps: rate }, spec: {}, summary, cdf: { ttft_ms: [], tbt_ms: [] } };
}
test('a study table has one row per point, sorted by its coordinates (numbers numerically)', () => {
    const t = studyTable([point('vllm', 10, 9.5, 80), point('chunked', 2, 2, 20), point('chunked', 10, 9.9, 55.55555)], ['completed_rps', 'tbt_p99_ms']);
    assert.deepEqual(t.header, ['policy', 'rateQps', 'completed_rps', 'tbt_p99_ms']);
    assert.deepEqual(t.rows, [['chunked', '2', 2, 20], ['chunked', '10', 9.9, 55.556], ['vllm', '10', 9.5, 80]]);
    assert.equal(toCsv(t).split('\n')[1], 'chunked,2,2,20');
    assert.match(toMarkdown(t), /^\| policy \| rateQps \| completed_rps \| tbt_p99_ms \|\n\|---\|---\|---:\|---:\|/);
});
test('a pivot lays one metric out against an axis, one row per other coordinate', () => {
    const t = pivotTable([point('vllm', 10, 9.5, 80), point('chunked', 2, 2, 20), point('chunked', 10, 9.9, 55)], 'completed_rps', 'rateQps');
    assert.deepEqual(t.header, ['policy', 'rateQps=2', 'rateQps=10']);
    assert.deepEqual(t.rows, [['chunked', 2, 9.9], ['vllm', '', 9.5]]);
});
