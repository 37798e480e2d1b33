import { aggregatedGpuUs, splitTiming } from '../latency/iteration-timing.js';
/** The latency model's price of a step: what the simulator has always charged. */
export function modelStepLanes(model, hw, tpDegree, spec) {
    if (spec.mode === 'aggregated') {
        const batch = {
            prefills: spec.prefillBatch.prefills,
            decodeCount: spec.decodeBatch.decodeCount,
            decodeContextTokens: spec.decodeBatch.decodeContextTokens,
        };
        return { mode: 'aggregated', gpuUs: aggregatedGpuUs(model, hw, batch, hw.smCount, tpDegree) };
    }
    const t = splitTiming(model, hw, spec.prefillBatch, spec.decodeBatch, spec.prefillSms, spec.decodeSms, spec.lookaheadK, tpDegree);
    return { mode: 'split', prefillEndUs: spec.prefillBatch.prefills.length > 0 ? t.prefillGpuUs : null, decodeEndsUs: t.decodeEndsUs };
}
export function modelStepTimer(model, hw, tpDegree) {
    return { name: 'model', measuresHost: false, time: (spec) => ({ lanes: modelStepLanes(model, hw, tpDegree, spec) }) };
}
