/**
 * Paged KV cache of one instance: a pool of fixed-size blocks, counted rather than addressed (the
 * simulator needs how many are free, not where they are), plus an optional prefix cache of whole
 * hash blocks (Mooncake `hash_ids`, 512 tokens each) with reference counts and LRU eviction.
 *
 * Conservation invariant (tested): freeBlocks + Σ owned blocks + Σ prefix-entry blocks = totalBlocks.
 */
export class KvCache {
    totalBlocks;
    blockTokens;
    free;
    /** hash id → entry; Map order doubles as LRU order among unreferenced entries (oldest first). */
    entries = new Map();
    lru = new Map();
    evictableBlocks = 0;
    cachedBlocks = 0;
    constructor(totalBlocks, blockTokens) {
        this.totalBlocks = totalBlocks;
        this.blockTokens = blockTokens;
        if (!Number.isInteger(totalBlocks) || totalBlocks <= 0)
            throw new Error(`KV cache needs a positive block count, got ${totalBlocks}`);
        this.free = totalBlocks;
    }
    /** Blocks that an allocation can take now: free ones plus unreferenced prefix entries (evicted on demand). */
    get availableBlocks() {
        return this.free + this.evictableBlocks;
    }
    get usedBlocks() {
        return this.totalBlocks - this.free - this.evictableBlocks;
    }
    get prefixCachedBlocks() {
        return this.cachedBlocks;
    }
    blocksForTokens(tokens) {
        return Math.ceil(tokens / this.blockTokens);
    }
    /** Takes `n` blocks, evicting least recently used prefix entries if needed. Throws if impossible (a policy bug). */
    allocate(n) {
        if (n < 0 || !Number.isInteger(n))
            throw new Error(`bad block count ${n}`);
        if (n > this.availableBlocks)
            throw new Error(`KV cache over-committed: asked ${n}, available ${this.availableBlocks}`);
        while (this.free < n) {
            const oldest = this.lru.values().next().value;
            this.lru.delete(oldest.hashId);
            this.entries.delete(oldest.hashId);
            this.evictableBlocks -= oldest.blocks;
            this.cachedBlocks -= oldest.blocks;
            this.free += oldest.blocks;
        }
        this.free -= n;
    }
    release(n) {
        this.free += n;
        if (this.free + this.evictableBlocks > this.totalBlocks) {
            throw new Error('KV cache released more blocks than it holds');
        }
    }
    /**
     * Longest run of leading hash ids present in the cache. Returns how many hash blocks matched; does
     * not pin them (call `pin`).
     */
    matchPrefix(hashIds) {
        let i = 0;
        while (i < hashIds.length && this.entries.has(hashIds[i]))
            i++;
        return i;
    }
    /** References the entries of the given hash ids (all must be cached), taking them off the LRU list. */
    pin(hashIds, nowUs) {
        for (const h of hashIds) {
            const e = this.entries.get(h);
            if (!e)
                throw new Error(`prefix entry ${h} not cached`);
            if (e.refs === 0) {
                this.lru.delete(h);
                this.evictableBlocks -= e.blocks;
            }
            e.refs++;
            e.lastUsedUs = nowUs;
        }
    }
    unpin(hashIds) {
        for (const h of hashIds) {
            const e = this.entries.get(h);
            if (!e || e.refs === 0)
                throw new Error(`prefix entry ${h} unpinned more often than pinned`);
            e.refs--;
            if (e.refs === 0) {
                this.lru.set(h, e);
                this.evictableBlocks += e.blocks;
            }
        }
    }
    /**
     * Turns `blocks` blocks a finishing sequence owns into an unreferenced prefix entry for `hashId`.
     * Returns false (and leaves the blocks with the caller) if the id is already cached.
     */
    donate(hashId, blocks, nowUs) {
        if (this.entries.has(hashId))
            return false;
        const e = { hashId, blocks, refs: 0, lastUsedUs: nowUs };
        this.entries.set(hashId, e);
        this.lru.set(hashId, e);
        this.evictableBlocks += blocks;
        this.cachedBlocks += blocks;
        return true;
    }
}
