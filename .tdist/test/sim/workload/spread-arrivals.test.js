import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spreadEqualArrivals } from '../../../sim/workload/spread-arrivals.js';
import { createRng } from '../../../sim/core/rng.js';
import { invariantViolation, requestsAt } from '../../util/requests.js';
test('even spreading places k equal arrivals at t + i·w/k inside the bucket', () => {
    const s = spreadEqualArrivals(requestsAt([0, 0, 0, 0, 3_000_000, 3_000_000, 6_000_000]), 3_000_000, 'even', createRng(0, 'spread'));
    assert.deepEqual(s.map((r) => r.arrivalUs), [0, 750_000, 1_500_000, 2_250_000, 3_000_000, 4_500_000, 6_000_000]);
    assert.deepEqual(s.map((r) => r.origin), requestsAt([0, 0, 0, 0, 0, 0, 0]).map((r) => r.origin));
});
test('the bucket narrows to the next distinct arrival so order is kept', () => {
    const s = spreadEqualArrivals(requestsAt([0, 0, 1_000_000]), 3_000_000, 'even', createRng(0, 'spread'));
    assert.deepEqual(s.map((r) => r.arrivalUs), [0, 500_000, 1_000_000]);
});
test('uniform spreading is seeded, stays inside each bucket and keeps the order', () => {
    const input = requestsAt([...Array(20).fill(0), ...Array(20).fill(3_000_000)]);
    const a = spreadEqualArrivals(input, 3_000_000, 'uniform', createRng(4, 'spread'));
    const b = spreadEqualArrivals(input, 3_000_000, 'uniform', createRng(4, 'spread'));
    assert.deepEqual(a, b);
    assert.equal(invariantViolation(a), null);
    // Each group of 20 stays inside its own 3 s bucket (the clock is re-based to the first draw).
    assert.ok(a[19].arrivalUs < 3_000_000 && a[39].arrivalUs - a[20].arrivalUs < 3_000_000);
    assert.ok(new Set(a.map((r) => r.arrivalUs)).size > 30, 'ties broken');
    assert.notDeepEqual(a, spreadEqualArrivals(input, 3_000_000, 'uniform', createRng(5, 'spread')));
});
