import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vllmV0 } from '../../../sim/policy/vllm-v0.js';
import { chunked } from '../../../sim/policy/chunked.js';
import { req, runTiny } from '../../util/fixtures.js';
// A step that admits two prompts where the first one's KV allocation must evict cached prefix blocks and
// the second one's chunk was sized on a prefix hit over those same blocks. Cache: 20 blocks of 16 tokens;
// hash blocks of 32 tokens (2 KV blocks each).
//  - r0 (t=0): 128-token prompt, hashes [1,2,3,4], one output token: finishes at its prefill and donates
//    4 entries = 8 blocks, evictable, LRU order 1,2,3,4. Free: 12.
//  - r1 (224-token prompt, no hashes) and r2 (96 tokens, hashes [1,2,9]) arrive together later. The policy
//    sees r2 hit 64 tokens and budgets 14 blocks for r1 plus 6 for r2 (its prefix included): 20 ≤ 20.
//    r1's 14 blocks exceed the 12 free, so its allocation evicts entry 1 unless r2's prefix is pinned first.
const requests = [req(0, 0, 128, 1, [1, 2, 3, 4], 32), req(1, 1e6, 224, 2), req(2, 1e6, 96, 2, [1, 2, 9], 32)];
const opts = { kvBlocks: 20, engine: { blockTokens: 16, prefixCaching: true } };
test('an admission that evicts cached blocks does not take the prefix a later admission in the same step was scheduled on', () => {
    const r = runTiny(requests, vllmV0, opts);
    assert.equal(r.result.summary.completed, 3);
    assert.equal(r.result.summary.prefix_hit_tokens, 64);
    // r1 and r2 are prefilled whole in one step: r2 computes only its 32 uncached tokens.
    const both = r.steps.find((s) => s.prefills.length === 2);
    assert.deepEqual(both.prefills.map((p) => [p.id, p.newTokens, p.cachedTokens, p.completes]), [
        [1, 224, 0, true],
        [2, 32, 64, true],
    ]);
    assert.equal(r.instance.kv.usedBlocks, 0);
});
test('chunked: the same admission keeps its prefix hit (its chunk completes the prompt)', () => {
    const r = runTiny(requests, chunked, { ...opts, params: { token_budget: 512 } });
    assert.equal(r.result.summary.completed, 3);
    const both = r.steps.find((s) => s.prefills.length === 2);
    assert.deepEqual(both.prefills[1], { id: 2, newTokens: 32, cachedTokens: 64, completes: true });
});
