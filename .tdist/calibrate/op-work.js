/** bf16: the runner's weights, activations and KV cache. */
export const RUNNER_DTYPE_BYTES = 2;
/** Bytes an elementwise kernel moves per token per unit of `dim`, as the roofline charges them. */
const ELEMENTWISE_BYTES_PER_ELEMENT = {
    // Fused residual add + RMSNorm: read x and the residual, write both.
    add_rmsnorm: 4,
    // RoPE on q and k in place: read and write.
    rope: 2,
    qk_norm: 2,
    // Read gate and up (2·ffn), write ffn: dim is the ffn width.
    silu_mul: 3,
};
export function opWork(shape, lmHeads, s = RUNNER_DTYPE_BYTES) {
    switch (shape.op) {
        case 'gemm': {
            const { n, dIn, dOut } = shape;
            const isLmHead = lmHeads.some((m) => m.hiddenSize === dIn && m.vocabSize === dOut);
            return { opClass: isLmHead ? 'lm_head' : 'gemm', flops: 2 * n * dIn * dOut, bytes: (n * dIn + dIn * dOut + n * dOut) * s, gemm: { n, dIn, dOut } };
        }
        case 'attn_prefill': {
            const { hq, hkv, dh } = shape;
            let flops = 0;
            let cachedPrefixFlops = 0;
            let bytes = 0;
            for (const { newTokens: q, cachedTokens: c } of shape.chunks) {
                const f = 4 * hq * dh * (q * c + (q * q) / 2);
                flops += f;
                if (c > 0)
                    cachedPrefixFlops += f;
                bytes += (2 * hq * q * dh + 2 * hkv * (q + c) * dh + 2 * hkv * q * dh) * s;
            }
            return { opClass: 'attn_prefill', flops, bytes, cachedPrefixFlops };
        }
        case 'attn_decode': {
            const { hq, hkv, dh } = shape;
            const count = shape.contexts.length;
            let c = 0;
            for (const x of shape.contexts)
                c += x;
            return { opClass: 'attn_decode', flops: 4 * hq * dh * c, bytes: (2 * hq * dh * count + 2 * hkv * c * dh + 2 * hkv * dh * count) * s };
        }
        case 'elementwise':
            return { opClass: 'elementwise', flops: 0, bytes: ELEMENTWISE_BYTES_PER_ELEMENT[shape.which] * shape.n * shape.dim * s };
    }
}
