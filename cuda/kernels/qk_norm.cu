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
// From 1,024 tokens on sm_90 a second path takes over (qk_norm_bulk_kernel below:
// each token's heads through the copy engine into shared memory), 0.84-0.87x the
// time at 4,096 tokens on 8-64 SMs of an H200. Nsight Compute on the register
// path (4,096 tokens, 8 SMs) puts its warps behind the per-head shuffle/rsqrt
// chain (short scoreboard, 3.9 warps per issued instruction) as much as behind
// memory (long scoreboard, 2.4): round10/ncu of the kernel-quality data.
// Tried and removed (round 14, f552fd6): the copy kernel's shape, a fixed grid of at most 1,056 blocks striding over
// every (token, head) pair with 2/4/8 pairs in flight a thread, loaded into registers or by cp.async into each thread's
// own shared slots, in fp32 or with HF's bf16 scaling order. Slower than these paths everywhere on an H100: the best
// (4 a thread, registers, bf16 scaling) 1.05-1.18x their time at 4,096 tokens on 8-64 SMs and 1.03-1.04x on 96-132,
// 1.09-1.78x at 512 tokens; cp.async 1.03-1.75x (calibrate/data/h100-2026-12-05-kernel-quality/round14).
#include "kernels.h"
#include "bf16_vec.cuh"
#include "bulk_copy.cuh"
#include "env_choice.h"
#include "mma_sm80.cuh"

#include <cstdlib>
#include <string>

namespace duet {
namespace {

constexpr int kDh = 128;
constexpr int kLanesPerHead = kDh / 8;          // 16
constexpr int kHeadLanes = 8;
constexpr int kThreads = kLanesPerHead * kHeadLanes;  // 128
constexpr int kMaxHeadsPerThread = 6;          // a block covers up to 48 heads per token

// One head's RMSNorm by its 16 lanes (a half-warp; `x` holds this lane's eight values, `w` its eight weights):
// the sum of squares by shuffle within the half-warp, then the scaled values to `dst`. Both paths use it.
__device__ __forceinline__ void normalize_head(const Bf16x8& x, const Bf16x8& w8, float eps, __nv_bfloat16* dst) {
  float v[8];
  bf16x8_to_float(x, v);
  float sq = 0.f;
#pragma unroll
  for (int j = 0; j < 8; ++j) sq += v[j] * v[j];
  const unsigned half_mask = 0xffffu << (threadIdx.x & 16);
#pragma unroll
  for (int o = 8; o > 0; o >>= 1) sq += __shfl_xor_sync(half_mask, sq, o);
  const float inv_rms = rsqrtf(sq / kDh + eps);
  float w[8];
  bf16x8_to_float(w8, w);
#pragma unroll
  for (int j = 0; j < 8; ++j) v[j] *= inv_rms * w[j];
  store_bf16x8(dst, float_to_bf16x8(v));
}

// The q and k weights into shared memory by the block's first 32 threads ([q, k][16-byte chunk]); the caller syncs.
__device__ __forceinline__ void stage_weights(const QkNormParams& p, Bf16x8 (&s_w)[2][kLanesPerHead]) {
  if (threadIdx.x < 2 * kLanesPerHead) {
    const int which = threadIdx.x / kLanesPerHead, chunk = threadIdx.x % kLanesPerHead;
    if (which == 0 || p.hkv > 0) s_w[which][chunk] = load_bf16x8((which == 0 ? p.q_weight : p.k_weight) + chunk * 8);
  }
}

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
  stage_weights(p, s_w);
  __syncthreads();
#pragma unroll
  for (int u = 0; u < kMaxHeadsPerThread; ++u) {
    const int head = head0 + u * kHeadLanes;
    // Every lane of a head takes the same branch, and the 16 lanes of a head are one half-warp: the
    // shuffle below needs only them (mask of this half-warp).
    if (u < heads_per_thread && head < heads) normalize_head(x[u], s_w[head < p.hq ? 0 : 1][c], p.eps, row + (long long)head * kDh);
  }
}

// The pipelined path (QkNormLoad::Pipelined): the register path over kTokens consecutive tokens a block, token t + 1's
// loads issued before token t is normalised and stored. The register path's block lives for one token: its loads, a
// wait of a full memory latency with nothing else in flight, the shuffle/rsqrt chain, its stores, its exit and the next
// block's launch; on a small partition that leaves the SM's load queue empty for much of the block's life (round 10's
// profile: as many warps behind the chain as behind memory). Here a block keeps one token's loads in flight while it
// works on the previous one, and pays its launch and weight staging once per kTokens tokens. Two token buffers in
// registers (6 heads × 16 bytes each), so six blocks an SM rather than eight.
template <int kTokens>
__global__ void __launch_bounds__(kThreads, 6) qk_norm_pipelined_kernel(QkNormParams p, int heads_per_thread) {
  const int heads = p.hq + p.hkv;
  const long long tok0 = (long long)blockIdx.x * kTokens;
  const int c = threadIdx.x % kLanesPerHead, hl = threadIdx.x / kLanesPerHead;
  Bf16x8 cur[kMaxHeadsPerThread], nxt[kMaxHeadsPerThread];
  const auto load_token = [&](Bf16x8 (&x)[kMaxHeadsPerThread], long long token) {
    const __nv_bfloat16* row = p.qkv + token * p.row_stride + c * 8;
#pragma unroll
    for (int u = 0; u < kMaxHeadsPerThread; ++u) {
      const int head = hl + u * kHeadLanes;
      if (u < heads_per_thread && head < heads) x[u] = load_bf16x8(row + (long long)head * kDh);
    }
  };
  load_token(cur, tok0);  // the grid has no block past the last token
  __shared__ Bf16x8 s_w[2][kLanesPerHead];  // [q, k][chunk]
  stage_weights(p, s_w);
  __syncthreads();
#pragma unroll
  for (int t = 0; t < kTokens; ++t) {
    const long long token = tok0 + t;
    if (token >= p.n) break;  // the same for every thread of the block
    // The next token's loads go out first: they are in flight while this one is normalised (its stores come after
    // them in program order, so qkv aliasing cannot reorder a store before them).
    if (t + 1 < kTokens && token + 1 < p.n) load_token(nxt, token + 1);
    __nv_bfloat16* row = p.qkv + token * p.row_stride + c * 8;
#pragma unroll
    for (int u = 0; u < kMaxHeadsPerThread; ++u) {
      const int head = hl + u * kHeadLanes;
      if (u < heads_per_thread && head < heads) normalize_head(cur[u], s_w[head < p.hq ? 0 : 1][c], p.eps, row + (long long)head * kDh);
    }
#pragma unroll
    for (int u = 0; u < kMaxHeadsPerThread; ++u) cur[u] = nxt[u];
  }
}

// The bulk path (QkNormLoad::Bulk, sm_90): a block of 128 threads takes `tokens` consecutive tokens; thread 0
// asks the copy engine for each token's q and k heads (one contiguous span of (hq + hkv) x 256 bytes) into
// shared memory, each completing on its own mbarrier, and all threads normalise token t as soon as it lands
// while the later ones are still on their way. What a block keeps in flight is then bounded by shared memory
// (up to 96 KB a block), not by registers (96 bytes a thread in the register path: 96 KB an SM at 8 blocks).
constexpr int kMaxBulkTokens = 8;
constexpr int kMaxHeads = kHeadLanes * kMaxHeadsPerThread;  // 48
constexpr int kBulkSmemBytes = kMaxBulkTokens * kMaxHeads * kDh * 2;

__global__ void __launch_bounds__(kThreads) qk_norm_bulk_kernel(QkNormParams p, int tokens) {
  extern __shared__ __align__(128) uint8_t smem[];
  __shared__ __align__(8) uint64_t s_bar[kMaxBulkTokens];
  __shared__ Bf16x8 s_w[2][kLanesPerHead];  // [q, k][chunk]
  const int heads = p.hq + p.hkv;
  const uint32_t span_bytes = (uint32_t)heads * kDh * 2;
  const long long tok0 = (long long)blockIdx.x * tokens;
  const int ntok = (int)min((long long)tokens, (long long)p.n - tok0);
  if (threadIdx.x == 0) {
    for (int t = 0; t < ntok; ++t) bulk::mbar_init(mma::smem_addr(&s_bar[t]), 1);
    bulk::mbar_fence_init();
    for (int t = 0; t < ntok; ++t) {
      const uint32_t bar = mma::smem_addr(&s_bar[t]);
      bulk::mbar_arrive_expect(bar, span_bytes);
      bulk::copy_g2s(mma::smem_addr(smem + t * span_bytes), p.qkv + (tok0 + t) * p.row_stride, span_bytes, bar);
    }
  }
  const int c = threadIdx.x % kLanesPerHead, hl = threadIdx.x / kLanesPerHead;
  if (threadIdx.x < 2 * kLanesPerHead) {
    const int which = threadIdx.x / kLanesPerHead;
    if (which == 0 || p.hkv > 0) s_w[which][c] = load_bf16x8((which == 0 ? p.q_weight : p.k_weight) + c * 8);
  }
  __syncthreads();  // the barriers are initialised and the weights staged before any thread waits or reads them
  for (int t = 0; t < ntok; ++t) {
    bulk::mbar_wait(mma::smem_addr(&s_bar[t]), 0);
    const uint8_t* span = smem + t * span_bytes;
    __nv_bfloat16* row = p.qkv + (tok0 + t) * p.row_stride + c * 8;
    // The 16 lanes of a head are one half-warp and take the same trips: the shuffle needs only them.
    for (int head = hl; head < heads; head += kHeadLanes)
      normalize_head(*reinterpret_cast<const Bf16x8*>(span + head * (kDh * 2) + c * 16), s_w[head < p.hq ? 0 : 1][c], p.eps,
                     row + (long long)head * kDh);
  }
}

// Tokens a block on the bulk path unless the params or DUET_QK_NORM_BULK_TOKENS=1..8 say otherwise. One: on an
// H200 two, four and eight tokens a block measured slower than one at every size (round 10, cuda/NOTES.md).
constexpr int kDefaultBulkTokens = 1;
// QkNormLoad::Auto takes the bulk path from this many tokens (sm_90, qkv 16-byte aligned). Measured on an H200
// (calibrate/data/h200-2026-12-04-kernel-quality/round10): 0.84-0.87x the register path's time at 4,096 tokens on
// 8-64 SMs and 1.00x on 132; at 512 tokens 0.89-0.95x on 8-32 SMs but 1.00-1.05x on 64-132, at 16 tokens up to
// 1.58x (one block a token leaves most SMs idle). The launch does not know its partition, so the threshold sits
// where the bulk path measured no slower anywhere.
constexpr int kBulkMinTokens = 1024;
int env_bulk_tokens() {
  static const int tokens = [] {
    const char* env = std::getenv("DUET_QK_NORM_BULK_TOKENS");
    if (env == nullptr || *env == '\0') return kDefaultBulkTokens;
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (*end != '\0' || v < 1 || v > kMaxBulkTokens)
      throw std::runtime_error(std::string("DUET_QK_NORM_BULK_TOKENS must be an integer in 1..8, not '") + env + "'");
    return (int)v;
  }();
  return tokens;
}

// QkNormLoad::Auto as DUET_QK_NORM_LOAD=registers|bulk|pipelined sets it for tuning runs (cuda/NOTES.md); Auto when
// unset (the rule in launch_qk_norm). An unknown value is an error, not a silent default.
QkNormLoad env_load() {
  static const QkNormLoad load = env_choice("DUET_QK_NORM_LOAD", QkNormLoad::Auto,
                                            {{"registers", QkNormLoad::Registers}, {"bulk", QkNormLoad::Bulk}, {"pipelined", QkNormLoad::Pipelined}});
  return load;
}

// Tokens a block on the pipelined path unless the params or DUET_QK_NORM_PIPELINE_TOKENS=2|4|8 say otherwise.
constexpr int kDefaultPipelineTokens = 4;
int env_pipeline_tokens() {
  static const int tokens = [] {
    const char* env = std::getenv("DUET_QK_NORM_PIPELINE_TOKENS");
    if (env == nullptr || *env == '\0') return kDefaultPipelineTokens;
    const std::string v(env);
    if (v != "2" && v != "4" && v != "8") throw std::runtime_error("DUET_QK_NORM_PIPELINE_TOKENS must be 2, 4 or 8, not '" + v + "'");
    return std::stoi(v);
  }();
  return tokens;
}

void launch_pipelined(const QkNormParams& p, int tokens, cudaStream_t stream) {
  const int heads = p.hq + p.hkv;
  const int per_thread = (heads + kHeadLanes - 1) / kHeadLanes;
  const unsigned blocks = (unsigned)((p.n + tokens - 1) / tokens);
  switch (tokens) {
    case 2: qk_norm_pipelined_kernel<2><<<blocks, kThreads, 0, stream>>>(p, per_thread); break;
    case 4: qk_norm_pipelined_kernel<4><<<blocks, kThreads, 0, stream>>>(p, per_thread); break;
    case 8: qk_norm_pipelined_kernel<8><<<blocks, kThreads, 0, stream>>>(p, per_thread); break;
    default: throw std::invalid_argument("qk_norm: pipeline_tokens must be 2, 4 or 8");
  }
}

void launch_bulk(const QkNormParams& p, int tokens, cudaStream_t stream) {
  constexpr int kMaxDevices = 64;
  static bool raised[kMaxDevices] = {};
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) throw std::runtime_error("qk_norm: cudaGetDevice failed");
  if (device >= kMaxDevices || !raised[device]) {
    const cudaError_t err = cudaFuncSetAttribute(qk_norm_bulk_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kBulkSmemBytes);
    if (err != cudaSuccess)
      throw std::runtime_error(std::string("qk_norm: cannot set shared memory to ") + std::to_string(kBulkSmemBytes) + " bytes: " +
                               cudaGetErrorString(err));
    if (device < kMaxDevices) raised[device] = true;
  }
  const int smem = tokens * (p.hq + p.hkv) * kDh * 2;
  const unsigned blocks = (unsigned)((p.n + tokens - 1) / tokens);
  qk_norm_bulk_kernel<<<blocks, kThreads, smem, stream>>>(p, tokens);
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
  duet::require(heads <= duet::kMaxHeads, "qk_norm", "hq + hkv must be at most 48");
  duet::require(p.bulk_tokens >= 0 && p.bulk_tokens <= duet::kMaxBulkTokens, "qk_norm", "bulk_tokens must be 0 (default) or 1..8");
  QkNormLoad load = p.load == QkNormLoad::Auto ? duet::env_load() : p.load;
  if (load == QkNormLoad::Auto) {
    const bool aligned = reinterpret_cast<uintptr_t>(p.qkv) % 16 == 0;
    load = p.n >= duet::kBulkMinTokens && aligned && duet::bulk::device_has_bulk_copy() ? QkNormLoad::Bulk : QkNormLoad::Registers;
  }
  if (load == QkNormLoad::Pipelined) {
    duet::require(p.pipeline_tokens == 0 || p.pipeline_tokens == 2 || p.pipeline_tokens == 4 || p.pipeline_tokens == 8, "qk_norm",
                  "pipeline_tokens must be 0 (default), 2, 4 or 8");
    duet::launch_pipelined(p, p.pipeline_tokens > 0 ? p.pipeline_tokens : duet::env_pipeline_tokens(), stream);
    duet::check_launch("qk_norm (pipelined)");
    return;
  }
  if (load == QkNormLoad::Bulk) {
    duet::require(duet::bulk::device_has_bulk_copy(), "qk_norm", "the bulk path needs an sm_90 or later device");
    duet::require(reinterpret_cast<uintptr_t>(p.qkv) % 16 == 0, "qk_norm", "the bulk path needs qkv 16-byte aligned");
    duet::launch_bulk(p, p.bulk_tokens > 0 ? p.bulk_tokens : duet::env_bulk_tokens(), stream);
    duet::check_launch("qk_norm (bulk)");
    return;
  }
  // Few tokens: one head per thread, so heads spread over more blocks; many: all heads of a token in one.
  const int per_thread = p.n < 256 ? 1 : (heads + duet::kHeadLanes - 1) / duet::kHeadLanes;
  duet::require(per_thread <= duet::kMaxHeadsPerThread, "qk_norm", "hq + hkv must be at most 48");
  const int slices = (heads + duet::kHeadLanes * per_thread - 1) / (duet::kHeadLanes * per_thread);
  duet::qk_norm_kernel<<<dim3((unsigned)p.n, (unsigned)slices), duet::kThreads, 0, stream>>>(p, per_thread);
  duet::check_launch("qk_norm");
}
