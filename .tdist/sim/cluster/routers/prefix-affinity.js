import { leastOutstandingIndex } from './router.js';
/**
 * Prefix affinity over Mooncake `hash_ids`: requests whose first hash block is equal go to the same
 * instance (a hash of that block id, modulo the pool size), so a shared system prompt or an earlier turn of
 * the same conversation finds its KV in that instance's prefix cache. When the chosen instance is
 * overloaded the request goes to the least loaded one instead, and a request without hash ids always does.
 *
 * `key_blocks` widens the key to the first N blocks. It matters on the bundled Mooncake conversation
 * trace: all 12,031 of its requests start with hash block 0 (one shared system prompt), so a one-block key
 * sends everything to one instance, while the first two blocks split them into 7,373 groups of at most 43
 * (counted from traces/mooncake-fast25/conversation_trace.jsonl).
 *
 * "Overloaded" follows the balance rule of the SGLang and vLLM routers' cache_aware policy: the target
 * holds more than `balance_abs_requests` requests over the emptiest instance AND more than `balance_rel`
 * times its count. The defaults are those routers' defaults (--balance-abs-threshold 64,
 * --balance-rel-threshold 1.5, as documented for sglang-gateway and vllm-router).
 */
export const prefixAffinity = {
    description: 'same first hash block → same instance (prefix-cache reuse); least outstanding tokens when that instance is overloaded',
    params: {
        balance_abs_requests: { doc: 'overloaded only with more than this many requests over the emptiest instance', default: 64, rule: { min: 0 } },
        balance_rel: { doc: '…and more than this many times its request count', default: 1.5, rule: { min: 1 } },
        key_blocks: { doc: 'leading hash blocks that form the affinity key', default: 1, rule: { integer: true, min: 1 } },
    },
    create(params) {
        const abs = params.balance_abs_requests;
        const rel = params.balance_rel;
        const keyBlocks = params.key_blocks;
        return {
            name: 'prefix-affinity',
            pick(req, pool) {
                if (req.hashIds.length === 0)
                    return leastOutstandingIndex(pool);
                const target = affinityKey(req.hashIds, keyBlocks) % pool.length;
                let minCount = Infinity;
                for (const inst of pool)
                    minCount = Math.min(minCount, inst.requestCount());
                const count = pool[target].requestCount();
                const overloaded = count - minCount > abs && count > rel * minCount;
                return overloaded ? leastOutstandingIndex(pool) : target;
            },
        };
    },
};
/** A 32-bit key of the first `blocks` hash ids (fewer when the request has fewer), order-sensitive. */
export function affinityKey(hashIds, blocks) {
    let h = mixHash(hashIds[0]);
    for (let i = 1; i < Math.min(blocks, hashIds.length); i++)
        h = mixHash((Math.imul(h, 31) ^ mixHash(hashIds[i])) >>> 0);
    return h;
}
/**
 * A 32-bit avalanche of a hash id (MurmurHash3's finaliser over the low and high words), so that
 * consecutive ids — Mooncake numbers blocks densely — spread over instances instead of striding.
 */
export function mixHash(id) {
    let h = (id >>> 0) ^ Math.floor(id / 2 ** 32);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}
