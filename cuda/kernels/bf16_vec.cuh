// 16-byte vectors of eight bf16 values, the load/store width every memory-bound
// kernel here uses (HOPPER.md: 16-byte accesses per thread, coalesced).
#ifndef DUET_CUDA_BF16_VEC_CUH
#define DUET_CUDA_BF16_VEC_CUH

#include <cuda_bf16.h>
#include <stdexcept>
#include <string>

namespace duet {

// Held as one uint4 so that loads and stores stay single 16-byte accesses
// (ld/st.global.v4.u32). A struct of four __nv_bfloat162 copied through a
// pointer cast is split by the compiler into 4-byte accesses (seen in the PTX
// of the first version), which left the memory-bound kernels short of
// bandwidth wherever few SMs must keep many bytes in flight.
struct alignas(16) Bf16x8 {
  uint4 u;
};

__device__ __forceinline__ __nv_bfloat162 bf16x2_of(unsigned int w) {
  __nv_bfloat162 h;
  memcpy(&h, &w, sizeof h);  // a register move; element 2i is the low half of word i
  return h;
}

__device__ __forceinline__ unsigned int word_of(__nv_bfloat162 h) {
  unsigned int w;
  memcpy(&w, &h, sizeof w);
  return w;
}

__device__ __forceinline__ void bf16x8_to_float(const Bf16x8& v, float (&f)[8]) {
  const unsigned int w[4] = {v.u.x, v.u.y, v.u.z, v.u.w};
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 t = __bfloat1622float2(bf16x2_of(w[i]));
    f[2 * i] = t.x;
    f[2 * i + 1] = t.y;
  }
}

__device__ __forceinline__ Bf16x8 float_to_bf16x8(const float (&f)[8]) {
  Bf16x8 v;
  v.u.x = word_of(__floats2bfloat162_rn(f[0], f[1]));
  v.u.y = word_of(__floats2bfloat162_rn(f[2], f[3]));
  v.u.z = word_of(__floats2bfloat162_rn(f[4], f[5]));
  v.u.w = word_of(__floats2bfloat162_rn(f[6], f[7]));
  return v;
}

__device__ __forceinline__ Bf16x8 load_bf16x8(const __nv_bfloat16* p) {
  return Bf16x8{*reinterpret_cast<const uint4*>(p)};
}

__device__ __forceinline__ void store_bf16x8(__nv_bfloat16* p, const Bf16x8& v) {
  *reinterpret_cast<uint4*>(p) = v.u;
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
