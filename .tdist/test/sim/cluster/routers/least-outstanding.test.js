import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leastOutstanding } from '../../../../sim/cluster/routers/least-outstanding.js';
import { req } from '../../../util/fixtures.js';
import { fakeLoads } from '../../../util/fake-loads.js';
const r = leastOutstanding.create({}, { seed: 0, stream: 'router' });
test('least-outstanding picks the instance with the fewest outstanding tokens', () => {
    assert.equal(r.pick(req(0, 0, 10, 1), fakeLoads([500, 20, 300])), 1);
    // Tokens, not requests: one long prompt outweighs many short ones.
    assert.equal(r.pick(req(0, 0, 10, 1), fakeLoads([8000, 900], [1, 30])), 1);
});
test('least-outstanding breaks ties by the lowest index', () => {
    assert.equal(r.pick(req(0, 0, 10, 1), fakeLoads([7, 3, 3, 3])), 1);
    assert.equal(r.pick(req(0, 0, 10, 1), fakeLoads([0, 0])), 0);
});
