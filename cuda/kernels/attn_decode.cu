// Decode attention over the paged KV cache, flash-decoding style.
//
// Pass 1, one block of 128 threads per (split, kv head, sequence): a split is
// up to kAttnDecodeMaxSplitTokens consecutive context tokens. Each half-warp
// (16 lanes x 16 bytes = one 128-value K or V row) walks every 8th token of
// the split, kUnroll tokens at a time with their K and V rows loaded together
// (2 x kUnroll 16-byte loads in flight per lane), and keeps an online softmax
// (running max, sum and exp-weighted V) for all G = hq/hkv query heads of the
// kv head: K and V are read once per group, which is the point of GQA. The
// split's block-table slice is staged in shared memory first, so cache
// addresses do not wait on a dependent global load. Half-warps then merge by
// shuffle, warps through shared memory, and the block writes its unnormalised
// partial output, max and sum to the workspace.
// Pass 2, one block per (query head, sequence): merges the splits with their
// maxima and sums and writes bf16.
#include "kernels.h"
#include "bf16_vec.cuh"

#include <cfloat>

namespace duet {
namespace {

constexpr int kThreads = 128;
constexpr int kHalfWarps = kThreads / 16;
constexpr int kWarps = kThreads / 32;
constexpr int kDh = 128;
constexpr int kUnroll = 4;  // tokens per half-warp per step (K and V rows: 8 loads in flight per lane)
constexpr int kStep = kHalfWarps * kUnroll;
constexpr int kBlockTokens = 16;

struct Workspace {
  float* acc;  // [num_seqs, hq, num_splits, dh]
  float* m;    // [num_seqs, hq, num_splits]
  float* l;    // [num_seqs, hq, num_splits]
};

__host__ __device__ inline Workspace split_workspace(float* base, int num_seqs, int hq, int num_splits) {
  const size_t parts = (size_t)num_seqs * hq * num_splits;
  return Workspace{base, base + parts * kDh, base + parts * kDh + parts};
}

template <int G>
__global__ void __launch_bounds__(kThreads) attn_decode_split_kernel(AttnDecodeParams p) {
  __shared__ int s_blocks[kAttnDecodeMaxSplitTokens / kBlockTokens];
  __shared__ float s_m[kWarps][G], s_l[kWarps][G];
  __shared__ float s_acc[kWarps][G][kDh];
  const int split = blockIdx.x, kvh = blockIdx.y, seq = blockIdx.z;
  const int ctx = p.context_len[seq];
  const int t0 = split * p.split_tokens;  // a multiple of kBlockTokens
  if (t0 >= ctx) return;  // this sequence is shorter than the longest; pass 2 skips the split
  const int ntok = min(p.split_tokens, ctx - t0);
  const int lane16 = threadIdx.x % 16, hw = threadIdx.x / 16;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int* table = p.block_table + (long long)seq * p.max_blocks_per_seq + t0 / kBlockTokens;
  for (int j = threadIdx.x; j * kBlockTokens < ntok; j += kThreads) s_blocks[j] = table[j];

  // q for the G heads of this kv head, pre-scaled: lane16 owns dims lane16*8..+8.
  float q[G][8];
#pragma unroll
  for (int g = 0; g < G; ++g) {
    bf16x8_to_float(load_bf16x8(p.q + ((long long)seq * p.hq + kvh * G + g) * kDh + lane16 * 8), q[g]);
#pragma unroll
    for (int j = 0; j < 8; ++j) q[g][j] *= p.scale;
  }
  float m[G], l[G], acc[G][8];
#pragma unroll
  for (int g = 0; g < G; ++g) {
    m[g] = -FLT_MAX;
    l[g] = 0.f;
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[g][j] = 0.f;
  }
  __syncthreads();

  // The loop bound is the same for the whole block: the shuffles below need
  // every lane of the warp, so no half-warp may leave early.
  for (int base = hw; base - hw < ntok; base += kStep) {
    Bf16x8 kr[kUnroll], vr[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int i = base + u * kHalfWarps;
      if (i < ntok) {
        const long long slot = (long long)s_blocks[i / kBlockTokens] * kBlockTokens + (t0 + i) % kBlockTokens;
        const long long off = (slot * p.hkv + kvh) * kDh + lane16 * 8;
        kr[u] = load_bf16x8(p.k_cache + off);
        vr[u] = load_bf16x8(p.v_cache + off);
      }
    }
    float s[kUnroll][G];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      float k[8];
      bf16x8_to_float(kr[u], k);
#pragma unroll
      for (int g = 0; g < G; ++g) {
        float d = 0.f;
#pragma unroll
        for (int j = 0; j < 8; ++j) d += q[g][j] * k[j];
#pragma unroll
        for (int o = 8; o > 0; o >>= 1) d += __shfl_xor_sync(0xffffffffu, d, o);
        s[u][g] = d;
      }
    }
#pragma unroll
    for (int g = 0; g < G; ++g) {
      float mx = m[g];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u)
        if (base + u * kHalfWarps < ntok) mx = fmaxf(mx, s[u][g]);
      const float rescale = __expf(m[g] - mx);
      l[g] *= rescale;
#pragma unroll
      for (int j = 0; j < 8; ++j) acc[g][j] *= rescale;
      m[g] = mx;
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      if (base + u * kHalfWarps >= ntok) continue;
      float v[8];
      bf16x8_to_float(vr[u], v);
#pragma unroll
      for (int g = 0; g < G; ++g) {
        const float w = __expf(s[u][g] - m[g]);
        l[g] += w;
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[g][j] += w * v[j];
      }
    }
  }

  // Merge the two half-warps of each warp (lane ^ 16), then the warps.
#pragma unroll
  for (int g = 0; g < G; ++g) {
    const float mo = __shfl_xor_sync(0xffffffffu, m[g], 16);
    const float lo = __shfl_xor_sync(0xffffffffu, l[g], 16);
    const float mx = fmaxf(m[g], mo);
    const float a = __expf(m[g] - mx), b = __expf(mo - mx);
    l[g] = l[g] * a + lo * b;
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[g][j] = acc[g][j] * a + __shfl_xor_sync(0xffffffffu, acc[g][j], 16) * b;
    m[g] = mx;
  }
  if (lane < 16) {
#pragma unroll
    for (int g = 0; g < G; ++g) {
      if (lane == 0) {
        s_m[warp][g] = m[g];
        s_l[warp][g] = l[g];
      }
#pragma unroll
      for (int j = 0; j < 8; ++j) s_acc[warp][g][lane16 * 8 + j] = acc[g][j];
    }
  }
  __syncthreads();
  const Workspace ws = split_workspace(p.workspace, p.num_seqs, p.hq, p.num_splits);
  for (int g = 0; g < G; ++g) {
    float mx = -FLT_MAX;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) mx = fmaxf(mx, s_m[w][g]);
    float sum = 0.f, out = 0.f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) {
      const float f = __expf(s_m[w][g] - mx);
      sum += s_l[w][g] * f;
      out += s_acc[w][g][threadIdx.x] * f;
    }
    const size_t part = ((size_t)seq * p.hq + kvh * G + g) * p.num_splits + split;
    ws.acc[part * kDh + threadIdx.x] = out;
    if (threadIdx.x == 0) {
      ws.m[part] = mx;
      ws.l[part] = sum;
    }
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
  attn_decode_split_kernel<G><<<grid, kThreads, 0, stream>>>(p);
  check_launch("attn_decode (split pass)");
}

}  // namespace
}  // namespace duet

AttnDecodeSplit attn_decode_choose_split(int num_seqs, int hkv, int max_context, int sm_count) {
  using duet::kBlockTokens;
  duet::require(num_seqs > 0 && hkv > 0 && max_context > 0 && sm_count > 0, "attn_decode_choose_split",
                "num_seqs, hkv, max_context and sm_count must be positive");
  // About two blocks per SM keeps every SM busy while one block waits on loads.
  const long long target_blocks = 2LL * sm_count;
  const long long base_blocks = (long long)num_seqs * hkv;
  long long splits = (target_blocks + base_blocks - 1) / base_blocks;
  if (splits < 1) splits = 1;
  long long tokens = (max_context + splits - 1) / splits;
  tokens = (tokens + kBlockTokens - 1) / kBlockTokens * kBlockTokens;  // whole cache blocks per split
  if (tokens < kBlockTokens) tokens = kBlockTokens;
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
  duet::require(p.block_tokens == duet::kBlockTokens && p.max_blocks_per_seq > 0, "attn_decode",
                "block_tokens must be 16 and max_blocks_per_seq positive");
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
