// Tile-size entry point of the prefill attention kernel, for its test and
// micro-benchmark (cuda/tests/test_attn_prefill.cu). Production code calls
// launch_attn_prefill (kernels.h), which uses kAttnPrefillDefaultBlockM.
#ifndef DUET_CUDA_ATTN_PREFILL_TUNING_H
#define DUET_CUDA_ATTN_PREFILL_TUNING_H

#include "kernels.h"

// Query rows per thread block (16 per warp). 64 gives 4 warps and 80 KB of
// shared memory per block (two blocks share an SM); 128 gives 8 warps and 96 KB
// (one block per SM at 232 registers a thread). 128 is the default: it was
// 11-23% faster on all five timed shapes on H100 (ATTN_PREFILL.md).
constexpr int kAttnPrefillDefaultBlockM = 128;

// Same as launch_attn_prefill with an explicit block_m (64 or 128).
// Throws std::invalid_argument naming the field when params are out of range.
void launch_attn_prefill_tiled(const AttnPrefillParams& p, cudaStream_t stream, int block_m);

#endif  // DUET_CUDA_ATTN_PREFILL_TUNING_H
