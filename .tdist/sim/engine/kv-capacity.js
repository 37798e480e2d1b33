import { kvBytesPerToken, weightBytes } from '../model/model-spec.js';
/**
 * KV blocks one GPU holds for this model: memory × utilisation, less the weights (split N ways under
 * tensor parallelism) and the activation reserve, over the bytes of one block (KV heads split N ways).
 */
export function kvCapacityBlocks(model, hw, engine, tpDegree) {
    const usable = hw.hbmCapacityBytes * engine.gpuMemoryUtilization - weightBytes(model) / tpDegree - engine.activationReserveBytes;
    const perBlock = (kvBytesPerToken(model) / Math.min(tpDegree, model.numKvHeads)) * engine.blockTokens;
    return Math.floor(usable / perBlock);
}
