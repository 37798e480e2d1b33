import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vllm } from '../../../sim/policy/vllm.js';
import { vllmV0 } from '../../../sim/policy/vllm-v0.js';
import { chunked } from '../../../sim/policy/chunked.js';
import { req, requestRowsOf, runTiny } from '../../util/fixtures.js';
const rows = requestRowsOf;
test('vllm defaults to vLLM V1 on an 80 GB GPU: 8192 batched tokens and 1024 sequences', () => {
    assert.equal(vllm.params.max_num_batched_tokens.default, 8192);
    assert.equal(vllm.params.max_num_seqs.default, 1024);
});
test('vllm chunks a prompt longer than its token budget, decodes first (hand-computed)', () => {
    // floorOnlyHardware: a forward costs 1200 µs, 1300 µs when it mixes prefill and decode.
    // t=0: r0's whole 10-token prompt (1200 µs). t=1200: r0 decodes (1 token) + 127 of r1's 300; then 127
    // more; then the last 46 with r0's third decode, which finishes r0 (4 outputs)... see the assertions.
    const requests = [req(0, 0, 10, 4), req(1, 1, 300, 2)];
    const r = runTiny(requests, vllm, { params: { max_num_batched_tokens: 128 } });
    const chunks = r.steps.flatMap((s) => s.prefills.filter((p) => p.id === 1).map((p) => [p.newTokens, p.cachedTokens]));
    assert.deepEqual(chunks, [[127, 0], [127, 127], [46, 254]]);
    for (const s of r.steps)
        assert.ok(s.decodes.length + s.prefills.reduce((a, p) => a + p.newTokens, 0) <= 128);
    // r0's decodes ride along every step: its gaps are the mixed steps' 1300 µs, never a stall.
    const [, r0] = rows(r, requests);
    assert.equal(r0, '0,test:1,completed,0.000000,10,4,1.2,1.3,5.1,0,1.3,0,1,');
});
test('vllm respects max_num_batched_tokens and max_num_seqs in every step (property)', () => {
    const requests = Array.from({ length: 120 }, (_, i) => req(i, i * 150, 20 + ((i * 37) % 400), 3 + (i % 11)));
    const r = runTiny(requests, vllm, { params: { max_num_batched_tokens: 256, max_num_seqs: 12 }, kvBlocks: 5000 });
    assert.equal(r.result.summary.completed, requests.length);
    const running = new Set();
    for (const s of r.steps) {
        assert.ok(s.decodes.length + s.prefills.reduce((a, p) => a + p.newTokens, 0) <= 256);
        for (const p of s.prefills)
            running.add(p.id);
        const inStep = new Set([...s.prefills.map((p) => p.id), ...s.decodes.map((d) => d.id)]);
        assert.ok(inStep.size <= 12, `${inStep.size} sequences in one step`);
    }
});
test('at light load (one request at a time, prompts under the budget) vllm, chunked and vllm-v0 schedule alike', () => {
    const requests = Array.from({ length: 12 }, (_, i) => req(i, i * 100_000, 5 + ((i * 13) % 90), 2 + (i % 6)));
    const a = rows(runTiny(requests, vllm), requests);
    assert.deepEqual(rows(runTiny(requests, chunked), requests), a);
    assert.deepEqual(rows(runTiny(requests, vllmV0), requests), a);
});
