// SwiGLU: out = silu(gate) * up, eight values per thread (16-byte accesses).
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kThreads = 256;

__global__ void __launch_bounds__(kThreads) silu_mul_kernel(SiluMulParams p) {
  const long long vecs_per_row = p.dim / 8;
  const long long idx = (long long)blockIdx.x * kThreads + threadIdx.x;
  if (idx >= (long long)p.n * vecs_per_row) return;
  const long long row = idx / vecs_per_row, c = (idx % vecs_per_row) * 8;
  float g[8], u[8], o[8];
  bf16x8_to_float(load_bf16x8(p.gate_up + row * 2 * p.dim + c), g);
  bf16x8_to_float(load_bf16x8(p.gate_up + row * 2 * p.dim + p.dim + c), u);
#pragma unroll
  for (int j = 0; j < 8; ++j) o[j] = g[j] / (1.f + __expf(-g[j])) * u[j];
  store_bf16x8(p.out + row * p.dim + c, float_to_bf16x8(o));
}

}  // namespace
}  // namespace duet

void launch_silu_mul(const SiluMulParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "silu_mul", "n must be positive");
  duet::require(p.dim > 0 && p.dim % 8 == 0, "silu_mul", "dim must be a positive multiple of 8");
  const long long vecs = (long long)p.n * (p.dim / 8);
  duet::silu_mul_kernel<<<(unsigned)((vecs + duet::kThreads - 1) / duet::kThreads), duet::kThreads, 0, stream>>>(p);
  duet::check_launch("silu_mul");
}
