import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdfQuantiles, distribution, relDiff } from '../../../calibrate/closed-loop/stats.js';
test('percentiles are R-7: linear between the order statistics at (n − 1)·p', () => {
    const d = distribution([4, 1, 3, 2]);
    assert.equal(d.count, 4);
    assert.equal(d.p50, 2.5);
    assert.ok(Math.abs(d.p90 - 3.7) < 1e-12);
    assert.ok(Math.abs(d.p99 - 3.97) < 1e-12);
    assert.equal(d.mean, 2.5);
});
test('no samples: NaN statistics, no CDF; relDiff is null where it has no meaning', () => {
    const d = distribution([]);
    assert.equal(d.count, 0);
    assert.ok(Number.isNaN(d.p50) && Number.isNaN(d.mean));
    assert.deepEqual(cdfQuantiles([]), []);
    assert.equal(relDiff(1, 0), null);
    assert.equal(relDiff(NaN, 1), null);
    assert.equal(relDiff(1.1, 1.0), 1.1 / 1.0 - 1);
});
test('the CDF holds the 0th to 100th percentile', () => {
    const q = cdfQuantiles([10, 0, 5]);
    assert.equal(q.length, 101);
    assert.deepEqual([q[0], q[50], q[100]], [0, 5, 10]);
});
