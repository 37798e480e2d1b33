import { parameterCount, weightBytes } from '../model/model-spec.js';
export function summarizeModel(m) {
    return {
        name: m.name,
        parameterCount: parameterCount(m),
        weightBytes: weightBytes(m),
        numLayers: m.numLayers,
        hiddenSize: m.hiddenSize,
        numQHeads: m.numQHeads,
        numKvHeads: m.numKvHeads,
        dtypeBytes: m.dtypeBytes,
        source: m.source,
    };
}
export function summarizeHardware(c) {
    const hw = c.seed;
    return {
        name: hw.name,
        smCount: hw.smCount,
        peakBf16FlopsPerS: hw.peakBf16FlopsPerS,
        hbmBandwidthBytesPerS: hw.hbmBandwidthBytesPerS,
        hbmCapacityBytes: hw.hbmCapacityBytes,
        perf: c.calibrated === null ? 'seed' : 'calibrated',
        provenance: (c.calibrated ?? hw.perf).provenance,
    };
}
