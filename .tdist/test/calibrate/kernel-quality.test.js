import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePlan } from '../../calibrate/plan.js';
import { kernelQuality } from '../../calibrate/kernel-quality.js';
import { parseTorchRef } from '../../calibrate/parse-torch-ref.js';
import { qwenModels, synthesizeSet, testHardware, TRUE_PERF } from '../util/calibration-fixtures.js';
import { expectInputError } from '../util/expect-input-error.js';
const models = qwenModels();
const plan = generatePlan({ models: Object.entries(models).map(([key, spec]) => ({ key, spec })), hardware: testHardware(), repeats: 10, warmup: 2 });
const data = synthesizeSet(plan, models, testHardware(), 0, 'q');
const lmHeads = Object.values(models).map((m) => ({ hiddenSize: m.hiddenSize, vocabSize: m.vocabSize }));
test('a kernel running at its efficiency reaches that fraction of the ceiling', () => {
    const q = kernelQuality(data, lmHeads, null);
    const big = q.kernels.find((k) => k.id === 'gemm-n2048-4096x24576-s132');
    assert.ok(big);
    assert.equal(big.bound, 'compute');
    assert.ok(Math.abs(big.compute_fraction - TRUE_PERF.efficiency.gemm.compute) < 1e-9);
    const decode = q.kernels.find((k) => k.id === 'ad-32q8kv-256x4096-s64');
    assert.ok(decode);
    assert.equal(decode.bound, 'memory');
    assert.ok(Math.abs(decode.memory_fraction - TRUE_PERF.efficiency.attn_decode.memory) < 1e-9);
    assert.equal(q.by_class.gemm?.failed_checks, 0);
});
test('PyTorch baselines are matched to our whole-GPU attention of the same heads and sequences', () => {
    const text = JSON.stringify({
        meta: { gpu: 'G', sm_count: 132, torch: '2.11' },
        results: [
            { shape: '1x2048 c0', hq: 32, hkv: 8, seqs: [[2048, 0]], baseline: 'sdpa-flash', median_us: 500 },
            { shape: '1x2048 c0', hq: 32, hkv: 8, seqs: [[2048, 0]], baseline: 'sdpa-cudnn', error: 'RuntimeError: no kernel' },
            { shape: '1x3 c0', hq: 32, hkv: 8, seqs: [[3, 0]], baseline: 'sdpa', median_us: 9 },
            { shape: 'decode 16x4096', op: 'attn_decode', hq: 40, hkv: 8, seqs: new Array(16).fill([1, 4095]), baseline: 'sdpa', median_us: 70 },
        ],
    });
    const torch = parseTorchRef(text, 'torch.json');
    const q = kernelQuality(data, lmHeads, torch);
    const ours = data.records.find((r) => r.id === 'ap-32q8kv-p2048+0-s132');
    assert.ok(ours && ours.kind === 'op');
    assert.equal(q.torch[0].ours_id, ours.id);
    assert.ok(Math.abs(q.torch[0].speedup - 500 / ours.medianUs) < 1e-12);
    assert.equal(q.torch[1].speedup, null);
    assert.match(q.torch[1].note, /no kernel/);
    assert.match(q.torch[2].note, /no whole-GPU attn_prefill record/);
    const decode = data.records.find((r) => r.id === 'ad-40q8kv-16x4096-s132');
    assert.ok(decode);
    assert.equal(q.torch[3].ours_id, decode.id);
});
test('a malformed baselines file is refused with the field named', () => {
    const text = JSON.stringify({ meta: { gpu: 'G', sm_count: 132 }, results: [{ shape: 's', hq: 32, hkv: 8, seqs: [[0, 0]], baseline: 'b', median_us: 1 }] });
    expectInputError(() => parseTorchRef(text, 'torch.json'), [{ code: 'calib.range', field: 'results[0].seqs[0][0]' }]);
});
