import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFakeSession } from '../../../calibrate/live/fake-session.js';
import { liveHeader } from '../../../calibrate/live/live-header.js';
import { DEFAULT_ENGINE } from '../../../sim/engine/scenario.js';
import { hopperLike, QWEN3_8B_LIKE } from '../../util/fixtures.js';
import { aggregatedGpuUs } from '../../../sim/latency/iteration-timing.js';
const hw = hopperLike();
const header = { ...liveHeader(QWEN3_8B_LIKE, hw, DEFAULT_ENGINE, 'duetserve', 10), kv_blocks: 10 };
test('live header: the simulator\'s pool plus look-ahead headroom per sequence; a splitting policy\'s partitions listed', () => {
    const h = liveHeader(QWEN3_8B_LIKE, hw, DEFAULT_ENGINE, 'duetserve', 1000);
    // 256 sequences × (⌈64/16⌉ + 1) blocks.
    assert.equal(h.kv_blocks, 1000 + 256 * 5);
    assert.equal(h.block_tokens, 16);
    assert.ok(h.splits.length > 0 && h.splits.every(([p, d]) => p + d === 132 && (p % 8 === 0 || d % 8 === 0)));
    assert.deepEqual(liveHeader(QWEN3_8B_LIKE, hw, DEFAULT_ENGINE, 'chunked', 1000).splits, []);
});
test('fake session: answers with the model\'s lanes, counts KV by the executor\'s rule, frees on release', () => {
    const s = openFakeSession(header, QWEN3_8B_LIKE, hw);
    // 40 tokens → 3 blocks of 16.
    const r0 = JSON.parse(s.step('{"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[1,40,0]],"decodes":[],"release":[]}'));
    assert.equal(r0.gpu_us, aggregatedGpuUs(QWEN3_8B_LIKE, hw, { prefills: [{ newTokens: 40, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 }, 132, 1));
    assert.equal(r0.kv_used_blocks, 3);
    assert.equal(r0.idle_before_us, null);
    // A split decode writes all k = 8 look-ahead tokens: context 41 + 8 − 1 = 48 tokens → 3 blocks; the prefill 100 → 7.
    const r1 = JSON.parse(s.step('{"step":1,"mode":"split","prefill_sms":96,"decode_sms":36,"k":8,"free":[],"prefills":[[2,100,0]],"decodes":[[1,41,2]],"release":[1]}'));
    assert.equal(r1.kv_used_blocks, 10);
    assert.equal(r1.decode_end_us.length, 8);
    assert.equal(r1.smids_ok, true);
    // Request 1 was released: its 3 blocks are free again, so 3 more fit.
    const r2 = JSON.parse(s.step('{"step":2,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[3,48,0]],"decodes":[],"release":[]}'));
    assert.equal(r2.kv_used_blocks, 10);
});
test('fake session: refuses what the GPU executor would, naming the step and field, and changes nothing', () => {
    const s = openFakeSession(header, QWEN3_8B_LIKE, hw);
    assert.throws(() => s.step('{"step":1,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[],"decodes":[],"release":[]}'), /<live step 0>.*step.*step 1 where step 0/s);
    assert.throws(() => s.step('{"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[1,161,0]],"decodes":[],"release":[]}'), /<live step 0>.*needs 11 KV blocks; the pool holds 10/s);
    assert.throws(() => s.step('{"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[4],"prefills":[[1,16,0]],"decodes":[],"release":[]}'), /free.*request 4 is freed but holds no KV/s);
    assert.throws(() => s.step('{"step":0,"mode":"split","prefill_sms":96,"decode_sms":48,"k":1,"free":[],"prefills":[[1,16,0]],"decodes":[],"release":[]}'), /96 \+ 48 SMs exceed the GPU's 132/);
    assert.throws(() => s.step('{"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[1,-3,0]],"decodes":[],"release":[]}'), /prefills\[0\].*three non-negative integers/s);
    // Nothing above changed the session: step 0 still fits the whole pool.
    assert.equal(JSON.parse(s.step('{"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[1,160,0]],"decodes":[],"release":[]}')).kv_used_blocks, 10);
    s.close();
    assert.throws(() => s.step('{}'), /after close/);
});
