import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateKernelTargets, type KernelPair } from '../../calibrate/kernel-compare.js';

function pair(p: Partial<KernelPair> & Pick<KernelPair, 'shape' | 'op_class' | 'sm_count' | 'rows' | 'ratio'>): KernelPair {
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
  const get = (t: string, sms: number) => r.find((x) => x.target === t && x.sm_count === sms);
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

test('copy-ceiling shortfalls: a judged shape reading above the copy ceiling is named per partition, the furthest above', async () => {
  const { ceilingShortfalls } = await import('../../calibrate/kernel-compare.js');
  const pairs = [
    // 40 SMs: cuDNN's decode at 107%, ours at 95%: the reference is named.
    pair({ shape: 'd256', op_class: 'attn_decode', sm_count: 40, rows: 256, ratio: 1.13, ours_copy_fraction: 0.95, reference_copy_fraction: 1.07 }),
    pair({ shape: 'd64', op_class: 'attn_decode', sm_count: 40, rows: 64, ratio: 1.05, ours_copy_fraction: 1.02, reference_copy_fraction: 1.03 }),
    // A shape no target judges (16 sequences: small enough for L2) never counts, however fast.
    pair({ shape: 'd16', op_class: 'attn_decode', sm_count: 72, rows: 16, ratio: 1, ours_copy_fraction: 1.5, reference_copy_fraction: 1.4 }),
    // Exactly at the ceiling is not above it; prefill has no bandwidth target.
    pair({ shape: 'd64', op_class: 'attn_decode', sm_count: 132, rows: 64, ratio: 1, ours_copy_fraction: 1, reference_copy_fraction: 0.99 }),
    pair({ shape: 'p512', op_class: 'attn_prefill', sm_count: 132, rows: 512, ratio: 1, ours_copy_fraction: 2, reference_copy_fraction: 2 }),
    // Elementwise of 4,096+ tokens is judged: ours above on 8 SMs.
    pair({ shape: 'e4096', op_class: 'elementwise', sm_count: 8, rows: 4096, ratio: 1, ours_copy_fraction: 1.04, reference_copy_fraction: 0.5 }),
  ];
  assert.deepEqual(ceilingShortfalls(pairs), [
    { sm_count: 8, shape: 'e4096', backend: 'ours', copy_fraction: 1.04 },
    { sm_count: 40, shape: 'd256', backend: 'reference', copy_fraction: 1.07 },
  ]);
  assert.deepEqual(ceilingShortfalls(pairs.filter((p) => p.sm_count === 132)), []);
});
