// Copies each new token's k and v rows into its paged-cache slot; one thread
// per 16-byte vector of a row.
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kThreads = 256;

__global__ void __launch_bounds__(kThreads) kv_cache_write_kernel(KvCacheWriteParams p) {
  const int vecs_per_row = p.hkv * p.dh / 8;
  const long long idx = (long long)blockIdx.x * kThreads + threadIdx.x;
  if (idx >= (long long)p.n * vecs_per_row) return;
  const long long token = idx / vecs_per_row;
  const int c = (int)(idx % vecs_per_row) * 8;
  const long long slot = p.slot_mapping[token];
  const long long dst = slot * p.hkv * p.dh + c;
  store_bf16x8(p.k_cache + dst, load_bf16x8(p.k + token * p.row_stride + c));
  store_bf16x8(p.v_cache + dst, load_bf16x8(p.v + token * p.row_stride + c));
}

}  // namespace
}  // namespace duet

void launch_kv_cache_write(const KvCacheWriteParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "kv_cache_write", "n must be positive");
  duet::require(p.hkv > 0 && p.dh == 128, "kv_cache_write", "hkv must be positive and dh 128");
  duet::require(p.row_stride % 8 == 0, "kv_cache_write", "row_stride must be a multiple of 8");
  const long long vecs = (long long)p.n * (p.hkv * p.dh / 8);
  duet::kv_cache_write_kernel<<<(unsigned)((vecs + duet::kThreads - 1) / duet::kThreads), duet::kThreads, 0, stream>>>(p);
  duet::check_launch("kv_cache_write");
}
