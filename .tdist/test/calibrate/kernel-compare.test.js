import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateKernelTargets } from '../../calibrate/kernel-compare.js';
function pair(p) {
    return { ours_us: 1, reference_us: 1, ours_gbytes_per_s: 1, reference_gbytes_per_s: 1, ours_copy_fraction: null, reference_copy_fraction: null, ...p };
}
test('kernel targets: the worst shape per partition decides, in the right direction for times and for bandwidth', () => {
    const pairs = [
        pair({ shape: 'd1', op_class: 'attn_decode', sm_count: 8, rows: 1, ratio: 1.3, ours_copy_fraction: 0.1 }),
        pair({ shape: 'd16', op_class: 'attn_decode', sm_count: 8, rows: 16, ratio: 1.05, ours_copy_fraction: 0.3 }),
        pair({ shape: 'd64', op_class: 'attn_decode', sm_count: 8, rows: 64, ratio: 1.05, ours_copy_fraction: 0.6 }),
        pair({ shape: 'd256', op_class: 'attn_decode', sm_count: 8, rows: 256, ratio: 1.0, ours_copy_fraction: 0.9 }),
        pair({ shape: 'd64', op_class: 'attn_decode', sm_count: 132, rows: 64, ratio: 1.1, ours_copy_fraction: 0.86 }),
        pair({ shape: 'p512', op_class: 'attn_prefill', sm_count: 132, rows: 512, ratio: 1.26 }),
        pair({ shape: 'e16', op_class: 'elementwise', sm_count: 132, rows: 16, ratio: 1, ours_copy_fraction: 0.05 }),
        pair({ shape: 'e4096', op_class: 'elementwise', sm_count: 132, rows: 4096, ratio: 1, ours_copy_fraction: 0.8 }),
    ];
    const r = evaluateKernelTargets(pairs);
    const get = (t, sms) => r.find((x) => x.target === t && x.sm_count === sms);
    // Speed: every shape counts, the largest ratio is the worst; the bound itself passes.
    assert.deepEqual([get('decode-speed', 8)?.worst_shape, get('decode-speed', 8)?.worst, get('decode-speed', 8)?.pass], ['d1', 1.3, false]);
    assert.equal(get('decode-speed', 132)?.pass, true);
    // Bandwidth: decodes of fewer than 64 sequences are not judged; the smallest fraction is the worst.
    assert.deepEqual([get('decode-bandwidth', 8)?.shapes, get('decode-bandwidth', 8)?.worst_shape, get('decode-bandwidth', 8)?.pass], [2, 'd64', false]);
    assert.equal(get('decode-bandwidth', 132)?.pass, true);
    assert.deepEqual([get('prefill-speed', 132)?.worst, get('prefill-speed', 132)?.pass], [1.26, false]);
    assert.deepEqual([get('elementwise-bandwidth', 132)?.shapes, get('elementwise-bandwidth', 132)?.pass], [1, true]);
    // No prefill or elementwise shape on 8 SMs: nothing judged there.
    assert.equal(get('prefill-speed', 8), undefined);
    assert.equal(r.length, 6);
});
