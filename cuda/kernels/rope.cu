// Neox-style rotary embedding: element i of a head pairs with element
// i + dh/2. One warp per (token, head); lane l owns pairs 2l and 2l+1, so its
// loads are 4-byte bf16x2 from each half.
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kWarpsPerBlock = 8;

__global__ void __launch_bounds__(kWarpsPerBlock * 32) rope_kernel(RopeParams p) {
  const int heads = p.hq + p.hkv;
  const long long item = (long long)blockIdx.x * kWarpsPerBlock + threadIdx.x / 32;
  if (item >= (long long)p.n * heads) return;
  const int lane = threadIdx.x % 32;
  const long long token = item / heads;
  const int head = (int)(item % heads);
  const int half = p.dh / 2;
  const __nv_bfloat16* src = p.qkv + token * p.row_stride + (long long)head * p.dh;
  __nv_bfloat16* dst = head < p.hq ? p.q_out + (token * p.hq + head) * p.dh
                                   : p.qkv + token * p.row_stride + (long long)head * p.dh;
  const float pos = (float)p.positions[token];
  const int i = lane * 2;
  float2 x1 = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(src + i));
  float2 x2 = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(src + i + half));
  // inv_freq_i = theta^(-2i/dh), as in the reference implementations.
  const float log_theta = logf(p.theta);
  float s0, c0, s1, c1;
  sincosf(pos * expf(-log_theta * (2.f * i) / p.dh), &s0, &c0);
  sincosf(pos * expf(-log_theta * (2.f * (i + 1)) / p.dh), &s1, &c1);
  *reinterpret_cast<__nv_bfloat162*>(dst + i) = __floats2bfloat162_rn(x1.x * c0 - x2.x * s0, x1.y * c1 - x2.y * s1);
  *reinterpret_cast<__nv_bfloat162*>(dst + i + half) = __floats2bfloat162_rn(x2.x * c0 + x1.x * s0, x2.y * c1 + x1.y * s1);
}

}  // namespace
}  // namespace duet

void launch_rope(const RopeParams& p, cudaStream_t stream) {
  duet::require(p.n > 0, "rope", "n must be positive");
  duet::require(p.dh == 128, "rope", "dh must be 128");
  duet::require(p.hq > 0 && p.hkv >= 0, "rope", "hq must be positive and hkv non-negative");
  duet::require(p.row_stride >= (p.hq + p.hkv) * p.dh && p.row_stride % 2 == 0, "rope",
                "row_stride must cover hq+hkv heads and be even");
  duet::require(p.theta > 1.f, "rope", "theta must be > 1");
  const long long items = (long long)p.n * (p.hq + p.hkv);
  const long long blocks = (items + duet::kWarpsPerBlock - 1) / duet::kWarpsPerBlock;
  duet::rope_kernel<<<(unsigned)blocks, duet::kWarpsPerBlock * 32, 0, stream>>>(p);
  duet::check_launch("rope");
}
