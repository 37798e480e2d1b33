import { PLAN_VERSION, uniqueExperiments } from './plan-format.js';
import { opExperiment, opShapes, toPlanModel } from './plan.js';
import { kernelQualityLadder } from './plan-kernel-quality.js';
/** Token counts: decode batches, the mixed batches of the reference forwards and their neighbours, chunk sizes. */
export const GEMM_ROW_SWEEP = [
    1, 8, 16, 32, 48, 64, 96, 128, 160, 192, 256, 288, 320, 384, 448, 512, 544, 576, 640, 768, 896, 1024, 1040, 1088, 1280, 1536, 2048, 3072, 4096,
];
const CEILING_GEMM_DIM = 8192;
/**
 * Partition sizes below 40 SMs that are not whole 8-SM groups: the complements of a prefill partition of whole
 * groups (H200: 132 − 120…96 = 12, 20, 28, 36), so they hold the SMs left over when the GPU is cut into groups
 * (cuda/reference/torch_runner.py gives them the 12-SM remainder group). They are the decode side of the splits
 * DuetServe picks under load. Decode forwards of 64 × 2048 ran 11–39% slower there than the model predicts alone,
 * and within 6% on 8 and 16 SMs (h200-2026-12-04 reference and validation pairs); the ladder has none of them.
 */
export function remainderSizes(hw) {
    const g = hw.partition.granularitySms;
    const sizes = [];
    for (let k = Math.floor(hw.smCount / g); k >= 1; k--) {
        const s = hw.smCount - k * g;
        if (s >= 40)
            break;
        if (s % g !== 0 && s >= hw.partition.minSms)
            sizes.push(s);
    }
    return sizes;
}
export function generateGemmRowsPlan(opts) {
    const ladder = [...new Set([...kernelQualityLadder(opts.hardware), ...remainderSizes(opts.hardware)])].sort((a, b) => a - b);
    const { experiments, add } = uniqueExperiments();
    for (const sms of ladder)
        add({ id: `ceil-gemm-s${sms}`, kind: 'ceiling_gemm', sms, m: CEILING_GEMM_DIM, n: CEILING_GEMM_DIM, k: CEILING_GEMM_DIM });
    for (const { spec } of opts.models) {
        // The four projections of a layer (the LM head is measured by the reference plan).
        const linears = opShapes(spec).filter((s) => s.op === 'gemm' && s.n === 1 && s.dOut !== spec.vocabSize);
        for (const sms of ladder)
            for (const n of GEMM_ROW_SWEEP)
                for (const s of linears)
                    if (s.op === 'gemm')
                        add(opExperiment({ ...s, n }, sms));
    }
    const models = {};
    for (const { key, spec } of opts.models)
        models[key] = toPlanModel(spec);
    return { version: PLAN_VERSION, models, repeats: opts.repeats, warmup: opts.warmup, experiments };
}
