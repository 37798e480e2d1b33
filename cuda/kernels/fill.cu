// Data utilities: random bf16 fills (inputs and weights must never be zeros:
// zeros hide unwritten outputs and can run faster than real data, METHOD.md),
// constant-pattern fills (poisoning outputs) and a vector copy for the
// bandwidth ceiling.
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

constexpr int kThreads = 256;

// SplitMix64 finaliser: a counter-based generator, so element i's value does
// not depend on launch shape and one pass fills any size.
__device__ __forceinline__ unsigned long long mix64(unsigned long long z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

__global__ void fill_random_kernel(__nv_bfloat16* p, size_t count, unsigned long long seed, float scale) {
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (size_t)gridDim.x * blockDim.x) {
    const unsigned long long r = mix64(seed * 0x9e3779b97f4a7c15ull + i);
    // Uniform in [-scale, scale): 24 random bits.
    const float u = (float)(r >> 40) * (1.f / 16777216.f);
    p[i] = __float2bfloat16((2.f * u - 1.f) * scale);
  }
}

__global__ void fill_bits_kernel(__nv_bfloat16* p, size_t count, unsigned short bits) {
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (size_t)gridDim.x * blockDim.x)
    reinterpret_cast<unsigned short*>(p)[i] = bits;
}

__global__ void copy_kernel(uint4* dst, const uint4* src, size_t vecs) {
  // Four independent 16-byte loads in flight per thread before the stores.
  const size_t stride = (size_t)gridDim.x * blockDim.x;
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  for (; i + 3 * stride < vecs; i += 4 * stride) {
    uint4 a = src[i], b = src[i + stride], c = src[i + 2 * stride], d = src[i + 3 * stride];
    dst[i] = a;
    dst[i + stride] = b;
    dst[i + 2 * stride] = c;
    dst[i + 3 * stride] = d;
  }
  for (; i < vecs; i += stride) dst[i] = src[i];
}

unsigned grid_for(size_t items) {
  // Enough blocks to fill any Hopper part several times over; the loops stride.
  const size_t blocks = (items + kThreads - 1) / kThreads;
  return (unsigned)(blocks < 8192 ? (blocks > 0 ? blocks : 1) : 8192);
}

}  // namespace
}  // namespace duet

void launch_fill_random_bf16(__nv_bfloat16* p, size_t count, unsigned long long seed, float scale, cudaStream_t stream) {
  duet::require(count > 0, "fill_random_bf16", "count must be positive");
  duet::fill_random_kernel<<<duet::grid_for(count), duet::kThreads, 0, stream>>>(p, count, seed, scale);
  duet::check_launch("fill_random_bf16");
}

void launch_fill_bits_bf16(__nv_bfloat16* p, size_t count, unsigned short bits, cudaStream_t stream) {
  duet::require(count > 0, "fill_bits_bf16", "count must be positive");
  duet::fill_bits_kernel<<<duet::grid_for(count), duet::kThreads, 0, stream>>>(p, count, bits);
  duet::check_launch("fill_bits_bf16");
}

void launch_copy_bytes(void* dst, const void* src, size_t bytes, cudaStream_t stream) {
  duet::require(bytes > 0 && bytes % 16 == 0, "copy_bytes", "bytes must be a positive multiple of 16");
  const size_t vecs = bytes / 16;
  // 4 blocks of 256 per SM on a full H100 is 528; more is harmless, fewer
  // leaves bandwidth unused on the largest partition.
  duet::copy_kernel<<<1056, duet::kThreads, 0, stream>>>(static_cast<uint4*>(dst), static_cast<const uint4*>(src), vecs);
  duet::check_launch("copy_bytes");
}

namespace duet {
namespace {

__global__ void count_nonfinite_kernel(const __nv_bfloat16* p, size_t count, unsigned long long* counter) {
  unsigned long long local = 0;
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (size_t)gridDim.x * blockDim.x) {
    // Exponent all ones: NaN (the poison pattern included) or infinity.
    if ((reinterpret_cast<const unsigned short*>(p)[i] & 0x7f80u) == 0x7f80u) ++local;
  }
  if (local) atomicAdd(counter, local);
}

}  // namespace
}  // namespace duet

void launch_count_nonfinite_bf16(const __nv_bfloat16* p, size_t count, unsigned long long* counter, cudaStream_t stream) {
  duet::require(count > 0, "count_nonfinite_bf16", "count must be positive");
  duet::count_nonfinite_kernel<<<duet::grid_for(count), duet::kThreads, 0, stream>>>(p, count, counter);
  duet::check_launch("count_nonfinite_bf16");
}
