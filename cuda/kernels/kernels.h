// Launch functions of duetsim's CUDA kernels: one plain params struct and one
// launch function per kernel (STYLE.md §8).
// Created by the attention-prefill kernel's author because the file did not
// exist yet; the cuda/ core owner owns this file: other kernels' declarations
// go below the prefill attention block.
#ifndef DUET_CUDA_KERNELS_H
#define DUET_CUDA_KERNELS_H

#include <cuda_runtime.h>
#include <cuda_bf16.h>

// Causal prefill attention over a paged KV cache, several sequences per launch
// (cuda/kernels/attn_prefill.cu).
struct AttnPrefillParams {
  const __nv_bfloat16* q;        // [total_new_tokens, hq, dh]  (row-major, tokens of chunk i contiguous)
  const __nv_bfloat16* k_cache;  // paged: [num_blocks, block_tokens, hkv, dh]
  const __nv_bfloat16* v_cache;  // same layout
  const int* block_table;        // [num_seqs, max_blocks_per_seq]
  const int* q_start;            // [num_seqs+1] prefix sums of new tokens
  const int* cached_len;         // [num_seqs] tokens already in cache before this chunk (the chunk's own K/V are already written to the cache at positions cached_len..cached_len+new-1)
  __nv_bfloat16* out;            // [total_new_tokens, hq, dh]
  int num_seqs, hq, hkv, dh /*=128*/, block_tokens /*16*/, max_blocks_per_seq, max_new_tokens;
  float scale;
};
void launch_attn_prefill(const AttnPrefillParams&, cudaStream_t);

// Declarations of the other kernels go below.

#endif  // DUET_CUDA_KERNELS_H
