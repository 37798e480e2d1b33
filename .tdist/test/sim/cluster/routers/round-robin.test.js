import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundRobin } from '../../../../sim/cluster/routers/round-robin.js';
import { req } from '../../../util/fixtures.js';
import { fakeLoads } from '../../../util/fake-loads.js';
test('round-robin visits instances in index order and wraps, ignoring load', () => {
    const r = roundRobin.create({}, { seed: 0, stream: 'router' });
    const pool = fakeLoads([0, 1e9, 5]);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((i) => r.pick(req(i, 0, 10, 1), pool)), [0, 1, 2, 0, 1, 2, 0]);
});
test('round-robin routers are independent: each run starts at instance 0', () => {
    const a = roundRobin.create({}, { seed: 0, stream: 'router' });
    a.pick(req(0, 0, 1, 1), fakeLoads([0, 0]));
    const b = roundRobin.create({}, { seed: 0, stream: 'router' });
    assert.equal(b.pick(req(0, 0, 1, 1), fakeLoads([0, 0])), 0);
});
