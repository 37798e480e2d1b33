import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransferSeries } from '../../../sim/cluster/transfer-series.js';
test('transfers land in the bucket of their landing time, per link, links padded to one length', () => {
    const s = new TransferSeries(8, 1e6);
    s.add(3, 500_000, 10);
    s.add(3, 1_500_000, 20);
    s.add(3, 1_900_000, 5);
    s.add(1, 3_200_000, 7);
    assert.deepEqual(s.toJson(), {
        bucket_s: 1,
        links: [
            { from_instance: 1, transfers: [0, 0, 0, 1], bytes: [0, 0, 0, 7] },
            { from_instance: 3, transfers: [1, 2, 0, 0], bytes: [10, 25, 0, 0] },
        ],
    });
});
test('a transfer past the last bucket doubles the bucket width, merging neighbours, until it fits', () => {
    const s = new TransferSeries(4, 1e6);
    for (const [t, b] of [[0.5, 1], [1.5, 2], [2.5, 4], [3.5, 8]])
        s.add(0, t * 1e6, b);
    // 9.5 s needs index 9 at 1 s, 4 at 2 s, 2 at 4 s: two widenings.
    s.add(0, 9.5e6, 16);
    assert.deepEqual(s.toJson(), { bucket_s: 4, links: [{ from_instance: 0, transfers: [4, 0, 1], bytes: [15, 0, 16] }] });
});
test('however long the run, at most `limit` buckets, and nothing is lost', () => {
    const s = new TransferSeries(16, 1e6);
    let bytes = 0;
    for (let i = 0; i < 5000; i++) {
        s.add(i % 3, i * 7.3e6, 1000 + i);
        bytes += 1000 + i;
    }
    const j = s.toJson();
    assert.ok(j.links.every((l) => l.transfers.length <= 16));
    assert.equal(j.links.reduce((n, l) => n + l.transfers.reduce((a, b) => a + b, 0), 0), 5000);
    assert.equal(j.links.reduce((n, l) => n + l.bytes.reduce((a, b) => a + b, 0), 0), bytes);
});
