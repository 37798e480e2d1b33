// SwiGLU: out = silu(gate) * up, eight values per 16-byte access. Each thread
// handles kVecs vectors kThreads apart and issues all 2 x kVecs loads before any
// arithmetic: the first version (one vector per thread) reached 41% of the copy
// bandwidth on a 24-SM partition.
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kThreads = 256;
constexpr int kVecs = 4;

// silu(x) = x * sigmoid(x) = 0.5x * (1 + tanh(x/2)): one MUFU instruction (tanh.approx, relative error
// ~2^-11, under bf16's 2^-8) where x / (1 + exp(-x)) takes two (ex2 and rcp). On a small partition the
// special-function unit, not memory, bounded the two-instruction form.
__device__ __forceinline__ float silu(float x) {
  float t;
  asm("tanh.approx.f32 %0, %1;" : "=f"(t) : "f"(0.5f * x));
  return 0.5f * x * (1.f + t);
}

// Four blocks an SM (64 registers a thread): 1,024 threads with 128 bytes in flight each.
__global__ void __launch_bounds__(kThreads, 4) silu_mul_kernel(SiluMulParams p) {
  // 32-bit offsets (the launch checks n * 2 * dim fits): a 64-bit division, and 64-bit addresses held
  // across the loads, cost more registers than the data they move.
  const unsigned vecs_per_row = p.dim / 8;
  const unsigned total = (unsigned)p.n * vecs_per_row;
  const unsigned first = blockIdx.x * kThreads * kVecs + threadIdx.x;
  Bf16x8 g[kVecs], u[kVecs];
  unsigned out_off[kVecs];
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    const unsigned idx = first + k * kThreads;
    const unsigned row = idx / vecs_per_row, c = (idx % vecs_per_row) * 8;
    out_off[k] = row * p.dim + c;
    if (idx < total) {
      const __nv_bfloat16* src = p.gate_up + (row * 2 * p.dim + c);
      g[k] = load_bf16x8(src);
      u[k] = load_bf16x8(src + p.dim);
    }
  }
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    if (first + k * kThreads < total) {
      float gf[8], uf[8], o[8];
      bf16x8_to_float(g[k], gf);
      bf16x8_to_float(u[k], uf);
#pragma unroll
      for (int j = 0; j < 8; ++j) o[j] = silu(gf[j]) * uf[j];
      store_bf16x8(p.out + out_off[k], float_to_bf16x8(o));
    }
  }
}

}  // namespace
}  // namespace duet

void launch_silu_mul(const SiluMulParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "silu_mul", "n must be positive");
  duet::require(p.dim > 0 && p.dim % 8 == 0, "silu_mul", "dim must be a positive multiple of 8");
  const long long vecs = (long long)p.n * (p.dim / 8);
  duet::require((long long)p.n * 2 * p.dim < 4294967296LL, "silu_mul", "n * 2 * dim must be below 2^32");
  const long long per_block = (long long)duet::kThreads * duet::kVecs;
  duet::silu_mul_kernel<<<(unsigned)((vecs + per_block - 1) / per_block), duet::kThreads, 0, stream>>>(p);
  duet::check_launch("silu_mul");
}
