import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateGemmRowsPlan, GEMM_ROW_SWEEP, remainderSizes } from '../../calibrate/plan-gemm-rows.js';
import { kernelQualityLadder } from '../../calibrate/plan-kernel-quality.js';
import { parsePlan } from '../../calibrate/parse-plan.js';
import { loadHardware } from '../../sim/config/load-hardware.js';
import { loadModel } from '../../sim/config/load-model.js';
import { packageRoot } from '../../sim/trace/bundled.js';
const hw = loadHardware('h200');
const m = (n) => ({ key: n, spec: loadModel(n) });
const plan = generateGemmRowsPlan({ models: [m('qwen3-8b'), m('qwen3-14b')], hardware: hw, repeats: 8, warmup: 1 });
test('remainderSizes: the small partitions that are not whole groups (H200: 132 SMs in 8-SM groups)', () => {
    assert.deepEqual(remainderSizes(hw), [12, 20, 28, 36]);
    assert.deepEqual(remainderSizes({ ...hw, smCount: 128 }), [], 'no remainder, no such sizes');
});
test('gemm-rows: every projection of both models at every swept token count on the ladder and the remainder sizes, once', () => {
    const ladder = [8, 12, 16, 20, 24, 28, 32, 36, 48, 64, 96, 132];
    assert.deepEqual([...kernelQualityLadder(hw), ...remainderSizes(hw)].sort((a, b) => a - b), ladder);
    const ops = plan.experiments.filter((e) => e.kind === 'op');
    // Qwen3-8B and Qwen3-14B share no projection shape: 4 each.
    assert.equal(ops.length, GEMM_ROW_SWEEP.length * 8 * ladder.length);
    assert.equal(new Set(plan.experiments.map((e) => e.id)).size, plan.experiments.length);
    for (const spec of [loadModel('qwen3-8b'), loadModel('qwen3-14b')]) {
        const d = spec.hiddenSize;
        const qkv = (spec.numQHeads + 2 * spec.numKvHeads) * spec.headDim;
        for (const [dIn, dOut] of [
            [d, qkv],
            [spec.numQHeads * spec.headDim, d],
            [d, 2 * spec.ffnSize],
            [spec.ffnSize, d],
        ]) {
            for (const n of [320, 544, 1040, 1088]) {
                for (const sms of ladder)
                    assert.ok(plan.experiments.some((e) => e.id === `gemm-n${n}-${dIn}x${dOut}-s${sms}`), `n ${n}, ${dIn}x${dOut}, ${sms} SMs`);
            }
        }
    }
    // No LM head (the reference plan measures it) and the GEMM ceiling on every partition of the sweep.
    assert.ok(ops.every((e) => e.kind === 'op' && e.op === 'gemm' && e.d_out !== 151936));
    assert.deepEqual(plan.experiments.filter((e) => e.kind === 'ceiling_gemm').map((e) => e.sms), ladder);
});
test('gemm-rows: the committed plan is the generated one and parses as a plan', () => {
    const path = join(packageRoot(), 'calibrate', 'plans', 'gemm-rows-hopper.json');
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(plan)));
    assert.equal(parsePlan(text, path).experiments.length, plan.experiments.length);
});
test('gemm-rows: the runtime estimate prices the remainder-alone experiments without the kernel table instead of failing', async () => {
    const { estimatePlan } = await import('../../calibrate/plan.js');
    const h200 = hw;
    assert.ok(h200.perf.gemmKernels, 'h200.yaml records a kernel table');
    const models = Object.fromEntries(['qwen3-8b', 'qwen3-14b'].map((n) => [n, loadModel(n)]));
    const e = estimatePlan(plan, models, h200);
    assert.equal(e.experiments, plan.experiments.length);
    assert.ok(e.gpuSeconds > 0 && Number.isFinite(e.gpuSeconds));
});
