import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClusterYaml } from '../../../sim/cluster/load-cluster.js';
import { summarizeCluster } from '../../../sim/cluster/cluster-summary.js';
import { req } from '../../util/fixtures.js';
import { runClusterYaml } from '../../util/cluster-fixtures.js';
const TP_PD = `name: tp
router: round-robin
kvTransfer: whole
interconnect: nvlink4
groups:
  - { name: p, role: prefill, count: 3, tp: 2, model: tiny, hardware: kv10, policy: chunked }
  - { name: d, role: decode, count: 1, model: tiny, hardware: kv10, policy: chunked }
`;
test('a TP group counts as tp GPUs in the cluster totals; per-instance figures add up', () => {
    const run = runClusterYaml(TP_PD, [req(0, 0, 10, 2), req(1, 0, 10, 2), req(2, 0, 10, 1)]);
    const s = summarizeCluster(parseClusterYaml(TP_PD, 'tp.yaml'), run.built, run.result.summary.duration_s);
    assert.equal(s.cluster.gpus, 7);
    assert.equal(s.cluster.instances, 4);
    assert.deepEqual(s.instances.map((i) => [i.role, i.gpus, i.routed_requests, i.handoffs_out, i.handoffs_in]), [
        ['prefill', 2, 1, 1, 0],
        ['prefill', 2, 1, 1, 0],
        ['prefill', 2, 1, 0, 0], // one output token: finished on the prefill instance, nothing to hand off
        ['decode', 1, 0, 0, 2],
    ]);
    // Two prompts of 10 tokens, 8 bytes per token.
    assert.deepEqual([s.cluster.kv_transfers.count, s.cluster.kv_transfers.gb], [2, 0]);
    for (const i of s.instances)
        assert.ok(i.busy_share > 0 && i.busy_share <= 1);
});
test('the KV-transfer series per link sums to the transfer totals reported beside it', () => {
    const requests = Array.from({ length: 40 }, (_, i) => req(i, i * 400_000, 10 + 7 * (i % 5), 3));
    const run = runClusterYaml(TP_PD, requests);
    const s = summarizeCluster(parseClusterYaml(TP_PD, 'tp.yaml'), run.built, run.result.summary.duration_s);
    const t = s.cluster.kv_transfers;
    const sum = (pick) => t.series.links.reduce((n, l) => n + pick(l).reduce((a, b) => a + b, 0), 0);
    assert.equal(t.count, 40);
    assert.equal(sum((l) => l.transfers), t.count);
    assert.equal(sum((l) => l.bytes), run.built.transfers.bytes);
    assert.ok(Math.abs(sum((l) => l.bytes) / 1e9 - t.gb) <= 0.0005);
    // Three prefill instances send (ids 0-2), round robin; the run spans more than one bucket.
    assert.deepEqual(t.series.links.map((l) => l.from_instance), [0, 1, 2]);
    assert.ok(t.series.links.every((l) => l.transfers.length > 1 && l.transfers.length === t.series.links[0]?.transfers.length));
});
