import { PLAN_VERSION } from './plan-format.js';
import { opExperiment, opShapes, partitionSizes, toPlanModel } from './plan.js';
const CEILING_BANDWIDTH_BYTES = 2 ** 31;
const LADDER_GROUPS = [1, 2, 3, 4, 6, 8, 12];
export function kernelQualityLadder(hw) {
    const all = partitionSizes(hw);
    const g = hw.partition.granularitySms;
    const sizes = new Set(LADDER_GROUPS.map((k) => k * g).filter((s) => all.includes(s)));
    sizes.add(hw.smCount);
    return [...sizes].sort((a, b) => a - b);
}
export function generateKernelQualityPlan(opts) {
    const hw = opts.hardware;
    const every = partitionSizes(hw);
    const ladder = kernelQualityLadder(hw);
    const experiments = [];
    for (const sms of every)
        experiments.push({ id: `ceil-bw-s${sms}`, kind: 'ceiling_bandwidth', sms, bytes: CEILING_BANDWIDTH_BYTES });
    for (const { spec } of opts.models) {
        const shapes = opShapes(spec).filter((s) => s.op !== 'gemm');
        for (const sms of every)
            for (const s of shapes)
                if (s.op === 'attn_decode')
                    experiments.push(opExperiment(s, sms));
        for (const sms of ladder)
            for (const s of shapes)
                if (s.op !== 'attn_decode')
                    experiments.push(opExperiment(s, sms));
    }
    // Two models with the same head counts share shapes (and ids): keep the first.
    const seen = new Set();
    const unique = experiments.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
    const models = {};
    for (const { key, spec } of opts.models)
        models[key] = toPlanModel(spec);
    return { version: PLAN_VERSION, models, repeats: opts.repeats, warmup: opts.warmup, experiments: unique };
}
