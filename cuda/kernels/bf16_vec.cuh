// 16-byte vectors of eight bf16 values, the load/store width every memory-bound
// kernel here uses (HOPPER.md: 16-byte accesses per thread, coalesced).
#ifndef DUET_CUDA_BF16_VEC_CUH
#define DUET_CUDA_BF16_VEC_CUH

#include <cuda_bf16.h>
#include <stdexcept>
#include <string>

namespace duet {

struct alignas(16) Bf16x8 {
  __nv_bfloat162 h[4];
};

__device__ __forceinline__ void bf16x8_to_float(const Bf16x8& v, float (&f)[8]) {
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    float2 t = __bfloat1622float2(v.h[i]);
    f[2 * i] = t.x;
    f[2 * i + 1] = t.y;
  }
}

__device__ __forceinline__ Bf16x8 float_to_bf16x8(const float (&f)[8]) {
  Bf16x8 v;
#pragma unroll
  for (int i = 0; i < 4; ++i) v.h[i] = __floats2bfloat162_rn(f[2 * i], f[2 * i + 1]);
  return v;
}

__device__ __forceinline__ Bf16x8 load_bf16x8(const __nv_bfloat16* p) {
  return *reinterpret_cast<const Bf16x8*>(p);
}

__device__ __forceinline__ void store_bf16x8(__nv_bfloat16* p, const Bf16x8& v) {
  *reinterpret_cast<Bf16x8*>(p) = v;
}

// Host-side argument check used by every launch function: a wrong shape is a
// caller bug, reported with the kernel and field it concerns.
inline void require(bool ok, const char* kernel, const char* what) {
  if (!ok) throw std::invalid_argument(std::string(kernel) + ": " + what);
}

// After every launch: a bad configuration shows here, not three kernels later.
inline void check_launch(const char* kernel) {
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess)
    throw std::runtime_error(std::string(kernel) + ": launch failed: " + cudaGetErrorString(e));
}

}  // namespace duet

#endif  // DUET_CUDA_BF16_VEC_CUH
