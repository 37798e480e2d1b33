import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affinityKey, mixHash, prefixAffinity } from '../../../../sim/cluster/routers/prefix-affinity.js';
import { req } from '../../../util/fixtures.js';
import { fakeLoads } from '../../../util/fake-loads.js';
const defaults = { balance_abs_requests: 64, balance_rel: 1.5, key_blocks: 1 };
const r = prefixAffinity.create(defaults, { seed: 0, stream: 'router' });
const withHashes = (id, hashIds) => req(id, 0, 2048, 10, hashIds, 512);
test('prefix-affinity sends requests with the same first hash block to the same instance', () => {
    const pool = fakeLoads([0, 0, 0, 0, 0, 0, 0, 0]);
    const target = r.pick(withHashes(0, [42, 7]), pool);
    assert.equal(target, mixHash(42) % 8);
    // Later turns of the conversation (same first block, more blocks) and other loads stick to it.
    assert.equal(r.pick(withHashes(1, [42, 7, 9, 11]), fakeLoads([9, 9, 9, 9, 9, 9, 9, 9], [3, 3, 3, 3, 3, 3, 3, 3])), target);
    assert.equal(r.pick(withHashes(2, [42]), fakeLoads([100, 0, 0, 0, 0, 0, 0, 0].map((t, i) => (i === target ? 5000 : t)))), target);
});
test('prefix-affinity spreads different first blocks (consecutive ids do not stride)', () => {
    const pool = fakeLoads(new Array(8).fill(0));
    const hit = new Set(Array.from({ length: 64 }, (_, i) => r.pick(withHashes(i, [i]), pool)));
    assert.equal(hit.size, 8);
});
test('prefix-affinity falls back to the least loaded when the target is overloaded by both thresholds', () => {
    const target = mixHash(5) % 3;
    const counts = [10, 10, 10];
    counts[target] = 100; // 90 over the emptiest (> 64) and 10× its count (> 1.5×)
    const tokens = [300, 200, 100];
    tokens[target] = 9000;
    assert.equal(r.pick(withHashes(0, [5]), fakeLoads(tokens, counts)), tokensArgmin(tokens));
    assert.notEqual(tokensArgmin(tokens), target);
});
test('prefix-affinity stays on the target when only one threshold is crossed', () => {
    const target = mixHash(5) % 3;
    const tokens = [300, 200, 100];
    tokens[target] = 9000;
    // 70 over the emptiest (> 64) but not 1.5× its count (270 vs 200).
    const absOnly = [200, 200, 200];
    absOnly[target] = 270;
    assert.equal(r.pick(withHashes(0, [5]), fakeLoads(tokens, absOnly)), target);
    // 3× the emptiest but only 20 over it.
    const relOnly = [10, 10, 10];
    relOnly[target] = 30;
    assert.equal(r.pick(withHashes(0, [5]), fakeLoads(tokens, relOnly)), target);
});
test('prefix-affinity without hash ids routes to the fewest outstanding tokens', () => {
    assert.equal(r.pick(req(0, 0, 10, 1), fakeLoads([30, 10, 20])), 1);
});
function tokensArgmin(tokens) {
    let best = 0;
    for (let i = 1; i < tokens.length; i++)
        if (tokens[i] < tokens[best])
            best = i;
    return best;
}
test('prefix-affinity with key_blocks 2 separates conversations that share only their first block', () => {
    const r2 = prefixAffinity.create({ ...defaults, key_blocks: 2 }, { seed: 0, stream: 'router' });
    const pool = fakeLoads(new Array(8).fill(0));
    // Every request shares block 0 (as in the Mooncake conversation trace); block 1 names the conversation.
    const hit = new Set(Array.from({ length: 64 }, (_, i) => r2.pick(withHashes(i, [0, 100 + i, 7]), pool)));
    assert.ok(hit.size >= 6, `${hit.size} instances used`);
    assert.equal(new Set(Array.from({ length: 64 }, (_, i) => r.pick(withHashes(i, [0, 100 + i]), pool))).size, 1);
    // A conversation's later turns keep its first two blocks, so they stick; the third block does not matter.
    assert.equal(r2.pick(withHashes(0, [0, 5, 9, 9]), pool), r2.pick(withHashes(1, [0, 5, 1]), pool));
    assert.equal(r2.pick(withHashes(0, [0, 5]), pool), affinityKey([0, 5], 2) % 8);
    // A request with one block uses what it has.
    assert.equal(affinityKey([42], 2), mixHash(42));
});
