import { kvBytesPerToken, weightBytes } from '../model/model-spec.js';
import { loadModel } from '../config/load-model.js';
import { loadHardware } from '../config/load-hardware.js';
import { getPolicy } from '../policy/registry.js';
import { inputError } from '../core/input-error.js';
import { Instance } from '../engine/instance.js';
import { kvCapacityBlocks } from '../engine/kv-capacity.js';
import { DUETSIM_VERSION } from '../core/version.js';
import { roundTo } from './scenario-collector.js';
/** One instance on one GPU: the scenario's model, hardware and policy, loaded by name. */
export function singleInstance(spec, stepTimer) {
    const model = loadModel(spec.model);
    const hw = loadHardware(spec.hardware, { useCalibration: spec.useCalibration });
    const factory = getPolicy(spec.policy);
    const policy = factory.create(spec.policyParams, { model, hw, tpDegree: 1, sloTbtMs: spec.sloTbtMs });
    return {
        build: (metrics, onStep) => {
            const kvBlocks = kvCapacityBlocks(model, hw, spec.engine, 1);
            if (kvBlocks <= 0) {
                const leftBytes = hw.hbmCapacityBytes * spec.engine.gpuMemoryUtilization - weightBytes(model) - spec.engine.activationReserveBytes;
                // Room left, but not one block of it: the block size is what is wrong (--block-size 1e9), not the model.
                if (leftBytes > 0) {
                    throw inputError('model-does-not-fit', '<command line>', 0, '--block-size', `one KV block of ${spec.engine.blockTokens} tokens (${((kvBytesPerToken(model) * spec.engine.blockTokens) / 1e9).toPrecision(3)} GB) is larger than the ${(leftBytes / 1e9).toFixed(1)} GB left for the KV cache on ${hw.name}`);
                }
                throw inputError('model-does-not-fit', spec.hardware, 0, 'hbmCapacityBytes', `${model.name} weights (${(weightBytes(model) / 1e9).toFixed(1)} GB) leave no room for a KV cache on ${hw.name} at gpuMemoryUtilization ${spec.engine.gpuMemoryUtilization}`);
            }
            const timer = stepTimer?.({ model, hw, engine: spec.engine, policy: spec.policy, kvBlocks });
            const instance = new Instance({ id: 0, model, hw, tpDegree: 1, engine: spec.engine, policy, kvBlocks, ...(timer ? { timer } : {}) }, metrics, onStep);
            return {
                instances: [instance],
                route: () => 0,
                loop: null,
                hardware: hw,
                resolved: () => ({
                    kv_blocks: kvBlocks,
                    kv_tokens: kvBlocks * spec.engine.blockTokens,
                    model_weight_gb: roundTo(weightBytes(model) / 1e9, 3),
                    sm_count: hw.smCount,
                    hardware_perf: hw.perf.provenance,
                    duetsim_version: DUETSIM_VERSION,
                }),
            };
        },
    };
}
