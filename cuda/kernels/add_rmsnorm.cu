// Fused residual add + RMSNorm: one block per row, the row held in registers
// between the sum-of-squares pass and the scaling pass, so each row is read
// once and written once (twice with the residual update).
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kThreads = 256;
constexpr int kMaxVecsPerThread = 4;  // 256 threads x 4 x 8 values = dim 8192

__device__ float block_sum(float v, float* shared) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  float total = 0.f;
#pragma unroll
  for (int w = 0; w < kThreads / 32; ++w) total += shared[w];
  return total;
}

// Four resident blocks per SM caps registers at 64 a thread: enough for the row
// slice, and 32 warps per SM to hide memory latency.
__global__ void __launch_bounds__(kThreads, 4) add_rmsnorm_kernel(AddRmsNormParams p) {
  __shared__ float partial[kThreads / 32];
  const size_t row = blockIdx.x;
  const int vecs = p.dim / 8;
  __nv_bfloat16* res = p.residual + row * p.dim;
  const __nv_bfloat16* x = p.x ? p.x + row * p.dim : nullptr;
  float v[kMaxVecsPerThread][8];
  float sq = 0.f;
#pragma unroll
  for (int i = 0; i < kMaxVecsPerThread; ++i) {
    const int c = threadIdx.x + i * kThreads;
    if (c < vecs) {
      bf16x8_to_float(load_bf16x8(res + c * 8), v[i]);
      if (x) {
        float a[8];
        bf16x8_to_float(load_bf16x8(x + c * 8), a);
#pragma unroll
        for (int j = 0; j < 8; ++j) v[i][j] += a[j];
        // The residual stream is stored in bf16, as the models' runtimes do;
        // normalise the rounded value so out matches what the next layer reads.
        Bf16x8 r = float_to_bf16x8(v[i]);
        store_bf16x8(res + c * 8, r);
        bf16x8_to_float(r, v[i]);
      }
#pragma unroll
      for (int j = 0; j < 8; ++j) sq += v[i][j] * v[i][j];
    }
  }
  const float inv_rms = rsqrtf(block_sum(sq, partial) / p.dim + p.eps);
  __nv_bfloat16* out = p.out + row * p.dim;
#pragma unroll
  for (int i = 0; i < kMaxVecsPerThread; ++i) {
    const int c = threadIdx.x + i * kThreads;
    if (c < vecs) {
      float w[8], o[8];
      bf16x8_to_float(load_bf16x8(p.weight + c * 8), w);
#pragma unroll
      for (int j = 0; j < 8; ++j) o[j] = v[i][j] * inv_rms * w[j];
      store_bf16x8(out + c * 8, float_to_bf16x8(o));
    }
  }
}

}  // namespace
}  // namespace duet

void launch_add_rmsnorm(const AddRmsNormParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "add_rmsnorm", "n must be positive");
  duet::require(p.dim > 0 && p.dim % 8 == 0 && p.dim <= 8 * duet::kThreads * duet::kMaxVecsPerThread, "add_rmsnorm",
                "dim must be a positive multiple of 8 and at most 8192");
  duet::add_rmsnorm_kernel<<<p.n, duet::kThreads, 0, stream>>>(p);
  duet::check_launch("add_rmsnorm");
}
