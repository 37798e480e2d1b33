import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vllmV0 } from '../../../sim/policy/vllm-v0.js';
import { req, runTiny } from '../../util/fixtures.js';
test('vllm-v0 never mixes prefill and decode in one step', () => {
    const requests = Array.from({ length: 30 }, (_, i) => req(i, i * 700, 5 + (i % 7) * 13, 2 + (i % 5)));
    const r = runTiny(requests, vllmV0);
    assert.ok(r.steps.every((s) => s.prefills.length === 0 || s.decodes.length === 0));
    assert.equal(r.result.summary.completed, 30);
});
test('vllm-v0 runs whole prompts: no prefill is ever chunked', () => {
    const requests = [req(0, 0, 5000, 2), req(1, 0, 3000, 2)];
    const r = runTiny(requests, vllmV0, { params: { max_prefill_tokens: 4096 }, kvBlocks: 10000 });
    const chunks = r.steps.flatMap((s) => s.prefills);
    assert.deepEqual(chunks.map((c) => [c.id, c.newTokens, c.cachedTokens]), [[0, 5000, 0], [1, 3000, 0]]);
});
