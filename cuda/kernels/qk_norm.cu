// Per-head RMSNorm of q and k (Qwen3): one warp per (token, head), four values
// per lane for dh = 128, in place in the fused qkv buffer.
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kWarpsPerBlock = 8;

__global__ void __launch_bounds__(kWarpsPerBlock * 32) qk_norm_kernel(QkNormParams p) {
  const int heads = p.hq + p.hkv;
  const long long item = (long long)blockIdx.x * kWarpsPerBlock + threadIdx.x / 32;
  if (item >= (long long)p.n * heads) return;
  const int lane = threadIdx.x % 32;
  const long long token = item / heads;
  const int head = (int)(item % heads);
  __nv_bfloat16* h = p.qkv + token * p.row_stride + (long long)head * p.dh + lane * 4;
  const __nv_bfloat16* w = (head < p.hq ? p.q_weight : p.k_weight) + lane * 4;
  __nv_bfloat162 a = reinterpret_cast<__nv_bfloat162*>(h)[0], b = reinterpret_cast<__nv_bfloat162*>(h)[1];
  float2 fa = __bfloat1622float2(a), fb = __bfloat1622float2(b);
  float sq = fa.x * fa.x + fa.y * fa.y + fb.x * fb.x + fb.y * fb.y;
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) sq += __shfl_xor_sync(0xffffffffu, sq, o);
  const float inv_rms = rsqrtf(sq / p.dh + p.eps);
  float2 wa = __bfloat1622float2(reinterpret_cast<const __nv_bfloat162*>(w)[0]);
  float2 wb = __bfloat1622float2(reinterpret_cast<const __nv_bfloat162*>(w)[1]);
  reinterpret_cast<__nv_bfloat162*>(h)[0] = __floats2bfloat162_rn(fa.x * inv_rms * wa.x, fa.y * inv_rms * wa.y);
  reinterpret_cast<__nv_bfloat162*>(h)[1] = __floats2bfloat162_rn(fb.x * inv_rms * wb.x, fb.y * inv_rms * wb.y);
}

}  // namespace
}  // namespace duet

void launch_qk_norm(const QkNormParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "qk_norm", "n must be positive");
  duet::require(p.dh == 128, "qk_norm", "dh must be 128");
  duet::require(p.hq > 0 && p.hkv >= 0, "qk_norm", "hq must be positive and hkv non-negative");
  duet::require(p.row_stride >= (p.hq + p.hkv) * p.dh && p.row_stride % 4 == 0, "qk_norm",
                "row_stride must cover hq+hkv heads and be a multiple of 4");
  const long long items = (long long)p.n * (p.hq + p.hkv);
  const long long blocks = (items + duet::kWarpsPerBlock - 1) / duet::kWarpsPerBlock;
  duet::qk_norm_kernel<<<(unsigned)blocks, duet::kWarpsPerBlock * 32, 0, stream>>>(p);
  duet::check_launch("qk_norm");
}
