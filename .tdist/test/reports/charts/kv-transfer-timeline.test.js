import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kvTransferTimelineChart } from '../../../reports/charts/kv-transfer-timeline.js';
const run = (label, resolved) => ({ label, policy: 'chunked', file: `${label}.json`, result: { config: { resolved } } });
const input = (...runs) => ({ title: 't', sources: [], runs, studyPoints: [], capacities: [], calibration: [], calibrationFiles: [] });
const disaggregated = {
    instances: [{ id: 0, group: 'prefill' }, { id: 1, group: 'prefill' }, { id: 2, group: 'decode' }],
    cluster: {
        kv_transfers: {
            count: 5, gb: 3,
            series: { bucket_s: 2, links: [{ from_instance: 0, transfers: [1, 0, 2], bytes: [4e8, 0, 1.6e9] }, { from_instance: 1, transfers: [0, 2, 0], bytes: [0, 1e9, 0] }] },
        },
    },
};
test('a line per link, a row per bucket, GB/s over the bucket width', () => {
    const c = kvTransferTimelineChart(input(run('pd', disaggregated)));
    assert.ok(c !== null);
    assert.deepEqual(c.rows.map((r) => [r.link, r.t_s, r.transfers, r.gb_per_s]), [
        ['prefill #0', 0, 1, 0.2], ['prefill #0', 2, 0, 0], ['prefill #0', 4, 2, 0.8],
        ['prefill #1', 0, 0, 0], ['prefill #1', 2, 2, 0.5], ['prefill #1', 4, 0, 0],
    ]);
    // The rows add up to the run's totals.
    assert.equal(c.rows.reduce((n, r) => n + r.transfers, 0), 5);
    assert.ok(Math.abs(c.rows.reduce((n, r) => n + r.gb, 0) - 3) < 1e-12);
});
test('several runs: links are named by run too', () => {
    const c = kvTransferTimelineChart(input(run('a', disaggregated), run('b', disaggregated)));
    assert.deepEqual([...new Set(c?.rows.map((r) => r.link))], ['a · prefill #0', 'a · prefill #1', 'b · prefill #0', 'b · prefill #1']);
});
test('no chart for runs without a series: aggregated clusters, single GPUs, results written before it', () => {
    assert.equal(kvTransferTimelineChart(input(run('one', {}), run('agg', { cluster: { kv_transfers: null } }), run('old', { cluster: { kv_transfers: { count: 1, gb: 0 } } }))), null);
});
