/** Number of parameters, embeddings and LM head included. */
export function parameterCount(m) {
    const d = m.hiddenSize;
    const qDim = m.numQHeads * m.headDim;
    const kvDim = m.numKvHeads * m.headDim;
    const attn = d * (qDim + 2 * kvDim) + qDim * d;
    const mlp = 3 * d * m.ffnSize;
    const norms = 2 * d + (m.qkNorm ? 2 * m.headDim : 0);
    const perLayer = attn + mlp + norms;
    const embed = m.vocabSize * d;
    const lmHead = m.tiedEmbeddings ? 0 : m.vocabSize * d;
    return m.numLayers * perLayer + embed + lmHead + d;
}
export function weightBytes(m) {
    return parameterCount(m) * m.dtypeBytes;
}
/** KV cache bytes for one token across all layers (K and V). */
export function kvBytesPerToken(m) {
    return 2 * m.numLayers * m.numKvHeads * m.headDim * m.dtypeBytes;
}
