import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staticPolicy } from '../../../sim/policy/static.js';
import { req, runTiny, hopperLike, QWEN3_8B_LIKE } from '../../util/fixtures.js';
test('static always runs on its fixed partitions, even when one side is idle', () => {
    const requests = Array.from({ length: 20 }, (_, i) => req(i, i * 20000, 500 + i * 50, 10));
    const r = runTiny(requests, staticPolicy, { hw: hopperLike(), model: QWEN3_8B_LIKE, params: { prefill_sms: 64 }, kvBlocks: 100000 });
    assert.ok(r.steps.every((s) => s.mode === 'split' && s.prefillSms === 64 && s.decodeSms === 68));
    assert.equal(r.result.summary.completed, 20);
    assert.equal(r.result.summary.split_time_share, 1);
});
