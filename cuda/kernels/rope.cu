// Neox-style rotary embedding: element i of a head pairs with element
// i + dh/2. One block per token (and slice of heads): thread (c, h) owns the
// eight pairs 8c..8c+7 of heads h, h + 16, ..., with 16-byte loads from both
// halves. The angles depend on the token and the pair, not the head, so the
// block computes the token's 64 (cos, sin) once, one pair a thread, into shared
// memory, while its loads are in flight. The first version computed them per
// (token, head) and was compute-bound at 13% of the copy bandwidth on a 24-SM
// partition; the second, per thread (16 times per block), reached 64-77% below
// 64 SMs (kernel-compare.md, 2026-12-04). Once per block took 0.85-0.94x the
// second version's time on 8-24 SMs of an H100 at 4,096 tokens, 0.966x by median
// over all shapes (calibrate/data/h100-2026-12-05-kernel-quality/round9/ab-elementwise).
// All of a thread's loads are issued before any arithmetic, so an SM keeps
// enough bytes in flight on a small partition.
#include "kernels.h"
#include "bf16_vec.cuh"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace duet {
namespace {

constexpr int kDh = 128;
constexpr int kChunks = kDh / 2 / 8;         // 16-byte chunks in half a head: 8
constexpr int kHeadLanes = 16;
constexpr int kThreads = kChunks * kHeadLanes;  // 128
constexpr int kMaxHeadsPerThread = 3;          // a block covers up to 48 heads per token

// inv_freq_i = theta^(-2i/dh), as in the reference implementations; the angle pos * inv_freq is formed in fp32 as
// they do. It is reduced to [-pi, pi] by hand (two-constant Cody-Waite) so the fast __sincosf applies: sincosf's
// general path (Payne-Hanek for huge angles) costs ~50 registers a thread, which halved the blocks an SM holds.
__device__ __forceinline__ void rope_angle(float pos, int i, float theta, float* sin_out, float* cos_out) {
  const float angle = pos * expf(-logf(theta) * (2.f * i) / kDh);
  const float turns = rintf(angle * 0.159154943091895336f);  // 1 / (2 pi)
  float r = fmaf(-turns, 6.28318548202514648f, angle);        // 2 pi rounded up to fp32 ...
  r = fmaf(turns, 1.74845553146951720e-07f, r);               // ... and what that rounding added
  __sincosf(r, sin_out, cos_out);
}

// Thread c's eight (cos, sin) pairs 8c..8c+7 of one token, from the block's shared angles.
__device__ __forceinline__ void load_angles(const float* s_cos, const float* s_sin, int c, float (&cs)[8], float (&sn)[8]) {
#pragma unroll
  for (int j = 0; j < 8; j += 4) {
    const float4 cv = *reinterpret_cast<const float4*>(&s_cos[c * 8 + j]);
    const float4 sv = *reinterpret_cast<const float4*>(&s_sin[c * 8 + j]);
    cs[j] = cv.x, cs[j + 1] = cv.y, cs[j + 2] = cv.z, cs[j + 3] = cv.w;
    sn[j] = sv.x, sn[j + 1] = sv.y, sn[j + 2] = sv.z, sn[j + 3] = sv.w;
  }
}

// Six blocks an SM (80 registers a thread): 768 threads with up to 96 bytes in flight each.
__global__ void __launch_bounds__(kThreads, 6) rope_kernel(RopeParams p, int heads_per_thread) {
  const int heads = p.hq + p.hkv;
  const long long token = blockIdx.x;
  const int c = threadIdx.x % kChunks, hl = threadIdx.x / kChunks;
  const int head0 = blockIdx.y * kHeadLanes * heads_per_thread + hl;
  const float pos = (float)p.positions[token];
  Bf16x8 lo[kMaxHeadsPerThread], hi[kMaxHeadsPerThread];
#pragma unroll
  for (int u = 0; u < kMaxHeadsPerThread; ++u) {
    const int head = head0 + u * kHeadLanes;
    if (u < heads_per_thread && head < heads) {
      const __nv_bfloat16* src = p.qkv + token * p.row_stride + (long long)head * kDh + c * 8;
      lo[u] = load_bf16x8(src);
      hi[u] = load_bf16x8(src + kDh / 2);
    }
  }
  __shared__ __align__(16) float s_cos[kDh / 2], s_sin[kDh / 2];
  if (threadIdx.x < kDh / 2) rope_angle(pos, threadIdx.x, p.theta, &s_sin[threadIdx.x], &s_cos[threadIdx.x]);
  __syncthreads();
  float cs[8], sn[8];
  load_angles(s_cos, s_sin, c, cs, sn);
#pragma unroll
  for (int u = 0; u < kMaxHeadsPerThread; ++u) {
    const int head = head0 + u * kHeadLanes;
    if (u < heads_per_thread && head < heads) {
      float x1[8], x2[8], y1[8], y2[8];
      bf16x8_to_float(lo[u], x1);
      bf16x8_to_float(hi[u], x2);
#pragma unroll
      for (int j = 0; j < 8; ++j) {
        y1[j] = x1[j] * cs[j] - x2[j] * sn[j];
        y2[j] = x2[j] * cs[j] + x1[j] * sn[j];
      }
      __nv_bfloat16* dst = head < p.hq ? p.q_out + (token * p.hq + head) * kDh
                                       : p.qkv + token * p.row_stride + (long long)head * kDh;
      store_bf16x8(dst + c * 8, float_to_bf16x8(y1));
      store_bf16x8(dst + kDh / 2 + c * 8, float_to_bf16x8(y2));
    }
  }
}

// The pipelined variant (RopeParams::tokens 2, 4 or 8): one block takes kTokens consecutive tokens, every head of each
// (heads_per_thread of them a thread), computes all their angles once into shared memory while the first token's loads
// are in flight, and issues token t + 1's loads before it rotates and stores token t, so an SM's load queue does not
// drain between one short-lived block and the next (as qk_norm's pipelined path). Two token buffers in registers.
template <int kTokens>
__global__ void __launch_bounds__(kThreads, 5) rope_pipelined_kernel(RopeParams p, int heads_per_thread) {
  const int heads = p.hq + p.hkv;
  const long long tok0 = (long long)blockIdx.x * kTokens;
  const int c = threadIdx.x % kChunks, hl = threadIdx.x / kChunks;
  Bf16x8 lo[2][kMaxHeadsPerThread], hi[2][kMaxHeadsPerThread];
  const auto load_token = [&](int buf, long long token) {
    const __nv_bfloat16* src = p.qkv + token * p.row_stride + c * 8;
#pragma unroll
    for (int u = 0; u < kMaxHeadsPerThread; ++u) {
      const int head = hl + u * kHeadLanes;
      if (u < heads_per_thread && head < heads) {
        lo[buf][u] = load_bf16x8(src + (long long)head * kDh);
        hi[buf][u] = load_bf16x8(src + (long long)head * kDh + kDh / 2);
      }
    }
  };
  load_token(0, tok0);  // the grid has no block past the last token
  __shared__ __align__(16) float s_cos[kTokens][kDh / 2], s_sin[kTokens][kDh / 2];
  for (int k = threadIdx.x; k < kTokens * (kDh / 2); k += kThreads) {
    const int t = k / (kDh / 2), i = k % (kDh / 2);
    const long long token = tok0 + t;
    if (token < p.n) rope_angle((float)p.positions[token], i, p.theta, &s_sin[t][i], &s_cos[t][i]);
  }
  __syncthreads();
#pragma unroll
  for (int t = 0; t < kTokens; ++t) {
    const long long token = tok0 + t;
    if (token >= p.n) break;  // the same for every thread of the block
    const int cur = t & 1;
    if (t + 1 < kTokens && token + 1 < p.n) load_token(cur ^ 1, token + 1);
    float cs[8], sn[8];
    load_angles(s_cos[t], s_sin[t], c, cs, sn);
#pragma unroll
    for (int u = 0; u < kMaxHeadsPerThread; ++u) {
      const int head = hl + u * kHeadLanes;
      if (u < heads_per_thread && head < heads) {
        float x1[8], x2[8], y1[8], y2[8];
        bf16x8_to_float(lo[cur][u], x1);
        bf16x8_to_float(hi[cur][u], x2);
#pragma unroll
        for (int j = 0; j < 8; ++j) {
          y1[j] = x1[j] * cs[j] - x2[j] * sn[j];
          y2[j] = x2[j] * cs[j] + x1[j] * sn[j];
        }
        __nv_bfloat16* dst = head < p.hq ? p.q_out + (token * p.hq + head) * kDh : p.qkv + token * p.row_stride + (long long)head * kDh;
        store_bf16x8(dst + c * 8, float_to_bf16x8(y1));
        store_bf16x8(dst + kDh / 2 + c * 8, float_to_bf16x8(y2));
      }
    }
  }
}

// RopeParams::tokens when 0: DUET_ROPE_TOKENS=1|2|4|8 for tuning runs (cuda/NOTES.md), else 1 (one token a block).
int env_rope_tokens() {
  static const int tokens = [] {
    const char* env = std::getenv("DUET_ROPE_TOKENS");
    if (env == nullptr || *env == '\0') return 1;
    const std::string v(env);
    if (v != "1" && v != "2" && v != "4" && v != "8") throw std::runtime_error("DUET_ROPE_TOKENS must be 1, 2, 4 or 8, not '" + v + "'");
    return std::stoi(v);
  }();
  return tokens;
}

}  // namespace
}  // namespace duet

void launch_rope(const RopeParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "rope", "n must be positive");
  duet::require(p.dh == duet::kDh, "rope", "dh must be 128");
  duet::require(p.hq > 0 && p.hkv >= 0, "rope", "hq must be positive and hkv non-negative");
  duet::require(p.row_stride >= (p.hq + p.hkv) * p.dh && p.row_stride % 8 == 0, "rope",
                "row_stride must cover hq+hkv heads and be a multiple of 8");
  duet::require(p.theta > 1.f, "rope", "theta must be > 1");
  const int heads = p.hq + p.hkv;
  // Few tokens: one head per thread, so the heads spread over more blocks (and SMs).
  // Many: every head of a token in one block, so its angles are computed once.
  const int per_thread = p.n < 256 ? 1 : (heads + duet::kHeadLanes - 1) / duet::kHeadLanes;
  duet::require(per_thread <= duet::kMaxHeadsPerThread, "rope", "hq + hkv must be at most 48");
  duet::require(p.tokens == 0 || p.tokens == 1 || p.tokens == 2 || p.tokens == 4 || p.tokens == 8, "rope", "tokens must be 0 (default), 1, 2, 4 or 8");
  const int tokens = p.tokens > 0 ? p.tokens : duet::env_rope_tokens();
  if (p.n >= 256 && tokens > 1) {
    // Every head of a token in one block, several tokens a block (rope_pipelined_kernel).
    const unsigned blocks = (unsigned)((p.n + tokens - 1) / tokens);
    switch (tokens) {
      case 2: duet::rope_pipelined_kernel<2><<<blocks, duet::kThreads, 0, stream>>>(p, per_thread); break;
      case 4: duet::rope_pipelined_kernel<4><<<blocks, duet::kThreads, 0, stream>>>(p, per_thread); break;
      default: duet::rope_pipelined_kernel<8><<<blocks, duet::kThreads, 0, stream>>>(p, per_thread); break;
    }
    duet::check_launch("rope (pipelined)");
    return;
  }
  const int slices = (heads + duet::kHeadLanes * per_thread - 1) / (duet::kHeadLanes * per_thread);
  duet::rope_kernel<<<dim3((unsigned)p.n, (unsigned)slices), duet::kThreads, 0, stream>>>(p, per_thread);
  duet::check_launch("rope");
}
