export const DEFAULT_ENGINE = {
    blockTokens: 16,
    gpuMemoryUtilization: 0.9,
    activationReserveBytes: 4 * 2 ** 30,
    maxNumSeqs: 256,
    maxBatchTokens: 2048,
    prefixCaching: false,
};
