import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kvTransferBytesPerLink, layerwiseArrivalUs, messageUs, parallelKvStreams, wholeArrivalUs } from '../../../sim/cluster/kv-transfer.js';
import { kvBytesPerToken } from '../../../sim/model/model-spec.js';
import { QWEN3_8B_LIKE } from '../../util/fixtures.js';
import { LINK_PRESETS } from '../../../sim/cluster/link-presets.js';
test('whole transfer: one message of α plus bytes over the bandwidth', () => {
    // Qwen3-8B: 2 (K,V) × 36 layers × 8 KV heads × 128 × 2 bytes = 147,456 bytes per token.
    assert.equal(kvBytesPerToken(QWEN3_8B_LIKE), 147_456);
    const bytes = kvTransferBytesPerLink(2048, 147_456, 1);
    assert.equal(bytes, 301_989_888);
    // Over InfiniBand NDR (50 GB/s, 2.5 µs): 2.5 + 301,989,888 / 50e9 s = 2.5 + 6039.79776 µs.
    assert.ok(Math.abs(messageUs(bytes, LINK_PRESETS['infiniband-ndr']) - 6042.29776) < 1e-6);
    assert.ok(Math.abs(wholeArrivalUs(1000, bytes, LINK_PRESETS['infiniband-ndr']) - 7042.29776) < 1e-6);
});
test('layer-wise transfer: only the last layer stays on the critical path when the link keeps up', () => {
    const link = { kind: 't', bandwidthBytesPerS: 1e6, latencyUs: 5 }; // 1 byte per µs
    // 2 layers, prefill 0 → 2100 µs, 160 bytes: τ = 5 + 80 = 85 µs per layer.
    // max(2100 + 85, 0 + 1050 + 2·85) = 2185, against 2100 + 165 whole.
    assert.equal(layerwiseArrivalUs(0, 2100, 2, 160, link), 2185);
    assert.equal(wholeArrivalUs(2100, 160, link), 2265);
});
test('layer-wise transfer: a slow link is bound by its own total after the first layer', () => {
    const link = { kind: 't', bandwidthBytesPerS: 5e4, latencyUs: 5 }; // 0.05 byte per µs
    // τ = 5 + 80 / 0.05 = 1605 µs: max(2100 + 1605, 1050 + 2·1605) = max(3705, 4260) = 4260.
    assert.equal(layerwiseArrivalUs(0, 2100, 2, 160, link), 4260);
    // Still earlier than sending it whole after the prefill: 2100 + 5 + 3200.
    assert.equal(wholeArrivalUs(2100, 160, link), 5305);
});
test('layer-wise with one layer is the whole transfer after the prefill', () => {
    const link = { kind: 't', bandwidthBytesPerS: 1e6, latencyUs: 5 };
    assert.equal(layerwiseArrivalUs(100, 1300, 1, 80, link), wholeArrivalUs(1300, 80, link));
});
test('TP groups send their KV shards over parallel links, at most one per KV head', () => {
    assert.equal(parallelKvStreams(1, 1, 8), 1);
    assert.equal(parallelKvStreams(4, 2, 8), 2);
    assert.equal(parallelKvStreams(8, 8, 4), 4);
    assert.equal(kvTransferBytesPerLink(100, 8, 2), 400);
});
test('layer-wise transfer waits for a busy link: the first layer leaves when the link frees', () => {
    const link = { kind: 't', bandwidthBytesPerS: 1e6, latencyUs: 5 };
    // As in the first layer-wise case (τ = 85) but the link is busy until 3000: 3000 + 2·85 = 3170.
    assert.equal(layerwiseArrivalUs(0, 2100, 2, 160, link, 3000), 3170);
    // A link free before the bound changes nothing.
    assert.equal(layerwiseArrivalUs(0, 2100, 2, 160, link, 500), 2185);
});
