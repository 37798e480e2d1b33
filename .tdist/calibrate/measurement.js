export const ELEMENTWISE_KINDS = ['add_rmsnorm', 'rope', 'qk_norm', 'silu_mul'];
export const RECORD_KINDS = ['ceiling_gemm', 'ceiling_bandwidth', 'op', 'forward', 'concurrent', 'clock_regime'];
