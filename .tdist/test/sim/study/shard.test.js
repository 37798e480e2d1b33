import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../sim/core/input-error.js';
import { parseShard, shardSlice } from '../../../sim/study/shard.js';
test('parseShard reads i/n and rejects out-of-range or malformed values', () => {
    assert.deepEqual(parseShard('2/8'), { index: 2, count: 8 });
    for (const bad of ['0/4', '5/4', '1/0', 'x', '1-4', '']) {
        assert.throws(() => parseShard(bad), (e) => e instanceof InputError && e.problems[0]?.field === 'shard', bad);
    }
});
test('the n slices partition the items, round-robin', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const slices = [1, 2, 3].map((index) => shardSlice(items, { index, count: 3 }));
    assert.deepEqual(slices[0], [0, 3, 6, 9]);
    assert.deepEqual(slices.flat().sort((a, b) => a - b), items);
});
