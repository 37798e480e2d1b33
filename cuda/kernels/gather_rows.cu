// out[i] = in[rows[i]]: picks the one row per sequence that the LM head reads.
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kThreads = 256;

__global__ void __launch_bounds__(kThreads) gather_rows_kernel(GatherRowsParams p) {
  const int vecs_per_row = p.dim / 8;
  const long long idx = (long long)blockIdx.x * kThreads + threadIdx.x;
  if (idx >= (long long)p.n * vecs_per_row) return;
  const long long i = idx / vecs_per_row;
  const int c = (int)(idx % vecs_per_row) * 8;
  store_bf16x8(p.out + i * p.dim + c, load_bf16x8(p.in + (long long)p.rows[i] * p.dim + c));
}

}  // namespace
}  // namespace duet

void launch_gather_rows(const GatherRowsParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "gather_rows", "n must be positive");
  duet::require(p.dim > 0 && p.dim % 8 == 0, "gather_rows", "dim must be a positive multiple of 8");
  const long long vecs = (long long)p.n * (p.dim / 8);
  duet::gather_rows_kernel<<<(unsigned)((vecs + duet::kThreads - 1) / duet::kThreads), duet::kThreads, 0, stream>>>(p);
  duet::check_launch("gather_rows");
}
