// Decode attention over the paged KV cache, flash-decoding style.
//
// Pass 1, one block of 128 threads per (split, kv head, sequence): a split is
// up to kAttnDecodeMaxSplitTokens consecutive context tokens. Each half-warp
// (16 lanes x 16 bytes = one 128-value K or V row) walks every 8th token of
// the split; the block
//   1. scores its tokens against all G = hq/hkv query heads of the kv head
//      (K read once for the group: that is the point of GQA), scores to
//      shared memory;
//   2. takes each head's max and exp-sum over the split (written to the
//      workspace);
//   3. accumulates the exp-weighted V rows, merges its half-warps and writes
//      the unnormalised partial output to the workspace.
// Pass 2, one block per (query head, sequence): merges the splits with their
// maxima and sums and writes bf16.
//
// Shared memory: G * max(split_tokens, 512) floats, at most 8 * 1024 * 4 =
// 32 KB, under the 48 KB a block gets without opting in.
#include "kernels.h"
#include "bf16_vec.cuh"

#include <cfloat>

namespace duet {
namespace {

constexpr int kThreads = 128;
constexpr int kHalfWarps = kThreads / 16;
constexpr int kWarps = kThreads / 32;
constexpr int kDh = 128;
constexpr int kUnroll = 4;  // K/V rows a half-warp has in flight

struct Workspace {
  float* acc;  // [num_seqs, hq, num_splits, dh]
  float* m;    // [num_seqs, hq, num_splits]
  float* l;    // [num_seqs, hq, num_splits]
};

__host__ __device__ inline Workspace split_workspace(float* base, int num_seqs, int hq, int num_splits) {
  const size_t parts = (size_t)num_seqs * hq * num_splits;
  return Workspace{base, base + parts * kDh, base + parts * kDh + parts};
}

__device__ __forceinline__ const __nv_bfloat16* cache_row(const __nv_bfloat16* cache, const int* table, int t,
                                                          const AttnDecodeParams& p, int kvh, int lane16) {
  const long long block = table[t / p.block_tokens];
  const long long slot = block * p.block_tokens + t % p.block_tokens;
  return cache + (slot * p.hkv + kvh) * kDh + lane16 * 8;
}

template <int G>
__global__ void __launch_bounds__(kThreads) attn_decode_split_kernel(AttnDecodeParams p) {
  extern __shared__ float smem[];  // scores [G][stride], later partial sums [kWarps][G][kDh]
  const int split = blockIdx.x, kvh = blockIdx.y, seq = blockIdx.z;
  const int ctx = p.context_len[seq];
  const int t0 = split * p.split_tokens;
  if (t0 >= ctx) return;  // this sequence is shorter than the longest; pass 2 skips the split
  const int ntok = min(p.split_tokens, ctx - t0);
  const int stride = max(p.split_tokens, 512);
  const int lane16 = threadIdx.x % 16, hw = threadIdx.x / 16;
  const int* table = p.block_table + (long long)seq * p.max_blocks_per_seq;

  // q for the G heads of this kv head, pre-scaled: lane16 owns dims lane16*8..+8.
  float q[G][8];
#pragma unroll
  for (int g = 0; g < G; ++g) {
    bf16x8_to_float(load_bf16x8(p.q + ((long long)seq * p.hq + kvh * G + g) * kDh + lane16 * 8), q[g]);
#pragma unroll
    for (int j = 0; j < 8; ++j) q[g][j] *= p.scale;
  }

  // 1. scores. The loop bound is the same for the whole block: the shuffles
  // below need every lane of the warp, so no half-warp may leave early.
  constexpr int kStep = kHalfWarps * kUnroll;
  for (int base = hw; base - hw < ntok; base += kStep) {
    Bf16x8 kv[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int i = base + u * kHalfWarps;
      if (i < ntok) kv[u] = load_bf16x8(cache_row(p.k_cache, table, t0 + i, p, kvh, lane16));
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int i = base + u * kHalfWarps;
      float k[8];
      bf16x8_to_float(kv[u], k);
#pragma unroll
      for (int g = 0; g < G; ++g) {
        float s = 0.f;
#pragma unroll
        for (int j = 0; j < 8; ++j) s += q[g][j] * k[j];
#pragma unroll
        for (int o = 8; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
        if (lane16 == 0 && i < ntok) smem[g * stride + i] = s;
      }
    }
  }
  __syncthreads();

  // 2. per-head max and exp-sum; warp w takes heads w, w+kWarps, ...
  const Workspace ws = split_workspace(p.workspace, p.num_seqs, p.hq, p.num_splits);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  for (int g = warp; g < G; g += kWarps) {
    float* s = smem + g * stride;
    float mx = -FLT_MAX;
    for (int i = lane; i < ntok; i += 32) mx = fmaxf(mx, s[i]);
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, o));
    float sum = 0.f;
    for (int i = lane; i < ntok; i += 32) {
      const float e = __expf(s[i] - mx);
      s[i] = e;
      sum += e;
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
    if (lane == 0) {
      const size_t part = ((size_t)seq * p.hq + kvh * G + g) * p.num_splits + split;
      ws.m[part] = mx;
      ws.l[part] = sum;
    }
  }
  __syncthreads();

  // 3. exp-weighted sum of V rows
  float acc[G][8];
#pragma unroll
  for (int g = 0; g < G; ++g)
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[g][j] = 0.f;
  for (int base = hw; base - hw < ntok; base += kStep) {
    Bf16x8 vv[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int i = base + u * kHalfWarps;
      if (i < ntok) vv[u] = load_bf16x8(cache_row(p.v_cache, table, t0 + i, p, kvh, lane16));
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int i = base + u * kHalfWarps;
      if (i < ntok) {
        float v[8];
        bf16x8_to_float(vv[u], v);
#pragma unroll
        for (int g = 0; g < G; ++g) {
          const float w = smem[g * stride + i];
#pragma unroll
          for (int j = 0; j < 8; ++j) acc[g][j] += w * v[j];
        }
      }
    }
  }
  // Merge the two half-warps of each warp, then the warps through shared memory.
#pragma unroll
  for (int g = 0; g < G; ++g)
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[g][j] += __shfl_xor_sync(0xffffffffu, acc[g][j], 16);
  __syncthreads();  // scores are no longer read; reuse the space
  if (lane < 16) {
#pragma unroll
    for (int g = 0; g < G; ++g)
#pragma unroll
      for (int j = 0; j < 8; ++j) smem[(warp * G + g) * kDh + lane16 * 8 + j] = acc[g][j];
  }
  __syncthreads();
  for (int g = 0; g < G; ++g) {
    float sum = 0.f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) sum += smem[(w * G + g) * kDh + threadIdx.x];
    const size_t part = ((size_t)seq * p.hq + kvh * G + g) * p.num_splits + split;
    ws.acc[part * kDh + threadIdx.x] = sum;
  }
}

__global__ void __launch_bounds__(kDh) attn_decode_reduce_kernel(AttnDecodeParams p) {
  const int head = blockIdx.x, seq = blockIdx.y;
  const Workspace ws = split_workspace(p.workspace, p.num_seqs, p.hq, p.num_splits);
  const int valid = (p.context_len[seq] + p.split_tokens - 1) / p.split_tokens;
  const size_t first = ((size_t)seq * p.hq + head) * p.num_splits;
  float mx = -FLT_MAX;
  for (int s = 0; s < valid; ++s) mx = fmaxf(mx, ws.m[first + s]);
  float num = 0.f, den = 0.f;
  for (int s = 0; s < valid; ++s) {
    const float w = __expf(ws.m[first + s] - mx);
    den += w * ws.l[first + s];
    num += w * ws.acc[(first + s) * kDh + threadIdx.x];
  }
  p.out[((size_t)seq * p.hq + head) * kDh + threadIdx.x] = __float2bfloat16(num / den);
}

template <int G>
void launch_group(const AttnDecodeParams& p, cudaStream_t stream) {
  const dim3 grid(p.num_splits, p.hkv, p.num_seqs);
  const size_t smem = (size_t)G * (p.split_tokens > 512 ? p.split_tokens : 512) * sizeof(float);
  attn_decode_split_kernel<G><<<grid, kThreads, smem, stream>>>(p);
  check_launch("attn_decode (split pass)");
}

}  // namespace
}  // namespace duet

AttnDecodeSplit attn_decode_choose_split(int num_seqs, int hkv, int max_context, int sm_count) {
  duet::require(num_seqs > 0 && hkv > 0 && max_context > 0 && sm_count > 0, "attn_decode_choose_split",
                "num_seqs, hkv, max_context and sm_count must be positive");
  // About two blocks per SM keeps every SM busy while one block waits on loads.
  const long long target_blocks = 2LL * sm_count;
  const long long base_blocks = (long long)num_seqs * hkv;
  long long splits = (target_blocks + base_blocks - 1) / base_blocks;
  if (splits < 1) splits = 1;
  long long tokens = (max_context + splits - 1) / splits;
  tokens = (tokens + 15) / 16 * 16;  // whole cache blocks per split
  if (tokens < 16) tokens = 16;
  if (tokens > kAttnDecodeMaxSplitTokens) tokens = kAttnDecodeMaxSplitTokens;
  const long long num_splits = (max_context + tokens - 1) / tokens;
  return AttnDecodeSplit{(int)tokens, (int)num_splits};
}

size_t attn_decode_workspace_floats(int num_seqs, int hq, int num_splits, int dh) {
  return (size_t)num_seqs * hq * num_splits * (dh + 2);
}

void launch_attn_decode(const AttnDecodeParams& p, cudaStream_t stream) {
  duet::require(p.num_seqs > 0, "attn_decode", "num_seqs must be positive");
  duet::require(p.dh == duet::kDh, "attn_decode", "dh must be 128");
  duet::require(p.hkv > 0 && p.hq % p.hkv == 0, "attn_decode", "hq must be a multiple of hkv");
  duet::require(p.block_tokens > 0 && p.max_blocks_per_seq > 0, "attn_decode",
                "block_tokens and max_blocks_per_seq must be positive");
  duet::require(p.split_tokens > 0 && p.split_tokens <= kAttnDecodeMaxSplitTokens && p.num_splits > 0, "attn_decode",
                "split_tokens must be in 1..kAttnDecodeMaxSplitTokens and num_splits positive");
  duet::require(p.workspace != nullptr, "attn_decode", "workspace must be set");
  switch (p.hq / p.hkv) {
    case 1: duet::launch_group<1>(p, stream); break;
    case 2: duet::launch_group<2>(p, stream); break;
    case 3: duet::launch_group<3>(p, stream); break;
    case 4: duet::launch_group<4>(p, stream); break;
    case 5: duet::launch_group<5>(p, stream); break;
    case 6: duet::launch_group<6>(p, stream); break;
    case 7: duet::launch_group<7>(p, stream); break;
    case 8: duet::launch_group<8>(p, stream); break;
    default: duet::require(false, "attn_decode", "hq / hkv must be at most kAttnDecodeMaxGroup (8)");
  }
  duet::attn_decode_reduce_kernel<<<dim3(p.hq, p.num_seqs), duet::kDh, 0, stream>>>(p);
  duet::check_launch("attn_decode (reduce pass)");
}
