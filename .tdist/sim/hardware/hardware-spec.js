/** Operator classes of the latency model; each gets its own efficiency. */
export const OP_CLASSES = ['gemm', 'attn_prefill', 'attn_decode', 'elementwise', 'lm_head'];
export const CLOCK_REGIMES = ['calibration', 'back-to-back', 'serving'];
