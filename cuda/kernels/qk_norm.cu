// Per-head RMSNorm of q and k (Qwen3), in place in the fused qkv buffer. One
// block per token (and slice of heads): 16 lanes hold one head (eight values
// each, 16-byte accesses) and reduce its sum of squares by shuffle; a thread
// owns heads h, h + 8, ... and issues all its loads before any arithmetic, so a
// small partition still has enough bytes in flight (the first version, one warp
// of 8-byte loads per head, reached 27% of the copy bandwidth on 24 SMs).
// The q and k weights (256 bytes each) are staged in shared memory by the first
// 32 threads after the data loads are issued, not read inside the head loop
// (where each read sat behind the previous head's store, qkv possibly aliasing
// the weights). Measured against the in-loop reads on an H100 it is the same
// speed (1.004x by median, 0.93-1.04x; calibrate/data/h100-2026-12-05-kernel-
// quality/round9/ab-elementwise), so the round trips were not what holds this
// kernel at 51-76% of the copy bandwidth below 96 SMs; it is kept because the
// H100 own-kernel calibration of that day was measured with it, and it spills
// less (2 bytes against 4).
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kDh = 128;
constexpr int kLanesPerHead = kDh / 8;          // 16
constexpr int kHeadLanes = 8;
constexpr int kThreads = kLanesPerHead * kHeadLanes;  // 128
constexpr int kMaxHeadsPerThread = 6;          // a block covers up to 48 heads per token

// Eight blocks an SM (64 registers a thread): 1,024 threads with up to 96 bytes in flight each.
__global__ void __launch_bounds__(kThreads, 8) qk_norm_kernel(QkNormParams p, int heads_per_thread) {
  const int heads = p.hq + p.hkv;
  const long long token = blockIdx.x;
  const int c = threadIdx.x % kLanesPerHead, hl = threadIdx.x / kLanesPerHead;
  const int head0 = blockIdx.y * kHeadLanes * heads_per_thread + hl;
  __nv_bfloat16* row = p.qkv + token * p.row_stride + c * 8;
  Bf16x8 x[kMaxHeadsPerThread];
#pragma unroll
  for (int u = 0; u < kMaxHeadsPerThread; ++u) {
    const int head = head0 + u * kHeadLanes;
    if (u < heads_per_thread && head < heads) x[u] = load_bf16x8(row + (long long)head * kDh);
  }
  // After the data loads are issued: the shared store waits for its weight.
  __shared__ Bf16x8 s_w[2][kLanesPerHead];  // [q, k][chunk]
  if (threadIdx.x < 2 * kLanesPerHead) {
    const int which = threadIdx.x / kLanesPerHead, chunk = threadIdx.x % kLanesPerHead;
    if (which == 0 || p.hkv > 0) s_w[which][chunk] = load_bf16x8((which == 0 ? p.q_weight : p.k_weight) + chunk * 8);
  }
  __syncthreads();
#pragma unroll
  for (int u = 0; u < kMaxHeadsPerThread; ++u) {
    const int head = head0 + u * kHeadLanes;
    // Every lane of a head takes the same branch, and the 16 lanes of a head are one half-warp: the
    // shuffle below needs only them (mask of this half-warp).
    if (u < heads_per_thread && head < heads) {
      float v[8];
      bf16x8_to_float(x[u], v);
      float sq = 0.f;
#pragma unroll
      for (int j = 0; j < 8; ++j) sq += v[j] * v[j];
      const unsigned half_mask = 0xffffu << (threadIdx.x & 16);
#pragma unroll
      for (int o = 8; o > 0; o >>= 1) sq += __shfl_xor_sync(half_mask, sq, o);
      const float inv_rms = rsqrtf(sq / kDh + p.eps);
      float w[8];
      bf16x8_to_float(s_w[head < p.hq ? 0 : 1][c], w);
#pragma unroll
      for (int j = 0; j < 8; ++j) v[j] *= inv_rms * w[j];
      store_bf16x8(row + (long long)head * kDh, float_to_bf16x8(v));
    }
  }
}

}  // namespace
}  // namespace duet

void launch_qk_norm(const QkNormParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "qk_norm", "n must be positive");
  duet::require(p.dh == duet::kDh, "qk_norm", "dh must be 128");
  duet::require(p.hq > 0 && p.hkv >= 0, "qk_norm", "hq must be positive and hkv non-negative");
  duet::require(p.row_stride >= (p.hq + p.hkv) * p.dh && p.row_stride % 8 == 0, "qk_norm",
                "row_stride must cover hq+hkv heads and be a multiple of 8");
  const int heads = p.hq + p.hkv;
  // Few tokens: one head per thread, so heads spread over more blocks; many: all heads of a token in one.
  const int per_thread = p.n < 256 ? 1 : (heads + duet::kHeadLanes - 1) / duet::kHeadLanes;
  duet::require(per_thread <= duet::kMaxHeadsPerThread, "qk_norm", "hq + hkv must be at most 48");
  const int slices = (heads + duet::kHeadLanes * per_thread - 1) / (duet::kHeadLanes * per_thread);
  duet::qk_norm_kernel<<<dim3((unsigned)p.n, (unsigned)slices), duet::kThreads, 0, stream>>>(p, per_thread);
  duet::check_launch("qk_norm");
}
