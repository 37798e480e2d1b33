import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KvCache } from '../../../sim/engine/kv-cache.js';
test('allocation beyond the available blocks throws instead of over-committing', () => {
    const kv = new KvCache(10, 16);
    kv.allocate(7);
    assert.equal(kv.availableBlocks, 3);
    assert.throws(() => kv.allocate(4), /over-committed/);
    kv.release(7);
    assert.equal(kv.availableBlocks, 10);
});
test('donated prefix entries are reusable, pinned entries are not evicted, unpinned ones are, oldest first', () => {
    const kv = new KvCache(10, 16);
    kv.allocate(6);
    assert.ok(kv.donate(100, 3, 0));
    assert.ok(kv.donate(101, 3, 1));
    // The 6 blocks now sit in the cache, evictable: all 10 are available.
    assert.equal(kv.availableBlocks, 10);
    assert.equal(kv.matchPrefix([100, 101, 102]), 2);
    kv.pin([101], 2);
    assert.equal(kv.availableBlocks, 7);
    kv.allocate(7); // evicts entry 100 (unpinned), keeps 101
    assert.equal(kv.matchPrefix([100]), 0);
    assert.equal(kv.matchPrefix([101]), 1);
    assert.throws(() => kv.allocate(1), /over-committed/);
    kv.unpin([101]);
    assert.equal(kv.availableBlocks, 3);
    assert.throws(() => kv.unpin([101]), /unpinned/);
});
