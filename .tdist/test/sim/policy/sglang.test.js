import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sglang } from '../../../sim/policy/sglang.js';
import { vllm } from '../../../sim/policy/vllm.js';
import { req, requestRowsOf, runTiny } from '../../util/fixtures.js';
const rows = requestRowsOf;
test('sglang defaults to its 80 GB-GPU settings: 8192-token chunks, no mixed chunking', () => {
    assert.equal(sglang.params.chunked_prefill_size.default, 8192);
    assert.equal(sglang.params.max_prefill_tokens.default, 16384);
    assert.equal(sglang.params.mixed_chunk.default, false);
});
test('sglang runs prefill chunks on their own while decodes wait (hand-computed)', () => {
    // floorOnlyHardware: every forward that is prefill-only or decode-only costs 1200 µs.
    // 0→1200 r0's prompt (first token 1.2 ms). r1 (arrived at 1 µs) then takes three prefill-only steps of
    // 128, 128 and 44 tokens (1200→4800; r1's first token at 4800), r0 stalled meanwhile. Then both
    // decode: 4800→6000 (r0's 2nd token, r1's 2nd and last), 6000→7200, 7200→8400 (r0's 4th).
    const requests = [req(0, 0, 10, 4), req(1, 1, 300, 2)];
    const r = runTiny(requests, sglang, { params: { chunked_prefill_size: 128 } });
    assert.ok(r.steps.every((s) => s.prefills.length === 0 || s.decodes.length === 0), 'no step mixes prefill and decode');
    assert.deepEqual(r.steps.flatMap((s) => s.prefills.map((p) => [p.id, p.newTokens, p.cachedTokens])), [
        [0, 10, 0],
        [1, 128, 0],
        [1, 128, 128],
        [1, 44, 256],
    ]);
    const [, r0, r1] = rows(r, requests);
    // r0: TTFT 1.2 ms, gaps 4800 (the stall), 1200, 1200; p99 of its gaps (R-7) = 4.728 ms; E2E 8.4 ms.
    assert.equal(r0, '0,test:1,completed,0.000000,10,4,1.2,2.4,8.4,0,4.728,0,1,');
    assert.equal(r1, '1,test:2,completed,0.000001,300,2,4.799,1.2,5.999,1.199,1.2,0,1,');
});
test('sglang mixed_chunk puts the decodes in the prefill batch, within the chunk budget', () => {
    const requests = [req(0, 0, 10, 4), req(1, 1, 300, 2)];
    const r = runTiny(requests, sglang, { params: { chunked_prefill_size: 128, mixed_chunk: true } });
    assert.ok(r.steps.some((s) => s.prefills.length > 0 && s.decodes.length > 0));
    for (const s of r.steps)
        assert.ok(s.decodes.length + s.prefills.reduce((a, p) => a + p.newTokens, 0) <= 128);
    // With mixing it is the decode-first hybrid batch: the same schedule as vllm with the same budget.
    assert.deepEqual(rows(r, requests), rows(runTiny(requests, vllm, { params: { max_num_batched_tokens: 128 } }), requests));
});
test('sglang never puts more prompt tokens than the chunk size in a step (property)', () => {
    const requests = Array.from({ length: 100 }, (_, i) => req(i, i * 200, 20 + ((i * 53) % 700), 2 + (i % 9)));
    const r = runTiny(requests, sglang, { params: { chunked_prefill_size: 256, max_running_requests: 10 }, kvBlocks: 5000 });
    assert.equal(r.result.summary.completed, requests.length);
    for (const s of r.steps) {
        assert.ok(s.prefills.reduce((a, p) => a + p.newTokens, 0) <= 256);
        assert.ok(s.decodes.length <= 10);
    }
});
test('at light load sglang schedules like vllm (one request at a time, prompts under the chunk)', () => {
    const requests = Array.from({ length: 12 }, (_, i) => req(i, i * 100_000, 5 + ((i * 13) % 90), 2 + (i % 6)));
    assert.deepEqual(rows(runTiny(requests, sglang), requests), rows(runTiny(requests, vllm), requests));
});
