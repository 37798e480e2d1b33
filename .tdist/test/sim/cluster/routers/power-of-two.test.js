import { test } from 'node:test';
import assert from 'node:assert/strict';
import { powerOfTwo } from '../../../../sim/cluster/routers/power-of-two.js';
import { req } from '../../../util/fixtures.js';
import { fakeLoads } from '../../../util/fake-loads.js';
const picks = (seed, pool = fakeLoads([5, 1, 4, 2, 3, 0, 6, 7]), n = 200) => {
    const r = powerOfTwo.create({}, { seed, stream: 'router' });
    return Array.from({ length: n }, (_, i) => r.pick(req(i, 0, 10, 1), pool));
};
test('power-of-two: the same seed gives the same choices, another seed other choices', () => {
    assert.deepEqual(picks(7), picks(7));
    assert.notDeepEqual(picks(7), picks(8));
});
test('power-of-two never picks the most loaded of the pool (it loses every pair it is drawn in)', () => {
    const chosen = new Set(picks(3));
    assert.ok(!chosen.has(7), 'instance 7 holds the most tokens');
    // …and the least loaded wins every pair it is in, so it is picked often (2/8 of draws include it).
    assert.ok(picks(3).filter((i) => i === 5).length > 20);
});
test('power-of-two draws two distinct instances: with two, the lighter one always wins', () => {
    assert.ok(picks(11, fakeLoads([9, 1])).every((i) => i === 1));
    // Equal loads: the lower index of the pair.
    assert.ok(picks(11, fakeLoads([4, 4])).every((i) => i === 0));
});
test('power-of-two uses its own RNG stream: the decode router draws differently from the arrival router', () => {
    const a = powerOfTwo.create({}, { seed: 1, stream: 'router' });
    const b = powerOfTwo.create({}, { seed: 1, stream: 'router/decode' });
    const pool = fakeLoads([0, 0, 0, 0, 0, 0, 0, 0].map((_, i) => i));
    const pa = Array.from({ length: 50 }, (_, i) => a.pick(req(i, 0, 1, 1), pool));
    const pb = Array.from({ length: 50 }, (_, i) => b.pick(req(i, 0, 1, 1), pool));
    assert.notDeepEqual(pa, pb);
});
