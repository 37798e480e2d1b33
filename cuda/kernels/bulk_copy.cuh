// mbarrier and bulk-copy (TMA engine) helpers for sm_90, PTX ISA 8.0, shared by the kernels that fill shared
// memory through the copy engine (attn_decode.cu, qk_norm.cu). A barrier's phase completes when its expected
// arrivals have arrived and the bytes announced with them (expect_tx) have landed. Below sm_90 the helpers
// compile to traps: the host never picks a bulk path there (it asks the device's compute capability first).
#ifndef DUET_CUDA_BULK_COPY_CUH
#define DUET_CUDA_BULK_COPY_CUH

#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>

namespace duet {
namespace bulk {

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
__device__ __forceinline__ void mbar_init(uint32_t bar, int count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count) : "memory");
}
// The initialised barriers visible to the copy engine.
__device__ __forceinline__ void mbar_fence_init() { asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory"); }
__device__ __forceinline__ void mbar_arrive(uint32_t bar) {
  asm volatile("{\n .reg .b64 st;\n mbarrier.arrive.shared::cta.b64 st, [%0];\n}\n" ::"r"(bar) : "memory");
}
// One arrival that also announces `bytes` more to land before the phase completes.
__device__ __forceinline__ void mbar_arrive_expect(uint32_t bar, uint32_t bytes) {
  asm volatile("{\n .reg .b64 st;\n mbarrier.arrive.expect_tx.shared::cta.b64 st, [%0], %1;\n}\n" ::"r"(bar), "r"(bytes) : "memory");
}
__device__ __forceinline__ void mbar_wait(uint32_t bar, uint32_t parity) {
  uint32_t done = 0;
  do {
    asm volatile("{\n .reg .pred p;\n mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n selp.u32 %0, 1, 0, p;\n}\n"
                 : "=r"(done)
                 : "r"(bar), "r"(parity)
                 : "memory");
  } while (!done);
}
// `bytes` (a multiple of 16, both addresses 16-byte aligned) from global memory to shared memory through the
// copy engine, completing on `bar` (whose expected bytes must already count them).
__device__ __forceinline__ void copy_g2s(uint32_t dst, const void* src, uint32_t bytes, uint32_t bar) {
  asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];\n" ::"r"(dst), "l"(src),
               "r"(bytes), "r"(bar)
               : "memory");
}
// Generic-proxy writes to shared memory ordered before the copy engine's next writes there.
__device__ __forceinline__ void fence_proxy_async() { asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory"); }
#else
__device__ __forceinline__ void mbar_init(uint32_t, int) { __trap(); }
__device__ __forceinline__ void mbar_fence_init() { __trap(); }
__device__ __forceinline__ void mbar_arrive(uint32_t) { __trap(); }
__device__ __forceinline__ void mbar_arrive_expect(uint32_t, uint32_t) { __trap(); }
__device__ __forceinline__ void mbar_wait(uint32_t, uint32_t) { __trap(); }
__device__ __forceinline__ void copy_g2s(uint32_t, const void*, uint32_t, uint32_t) { __trap(); }
__device__ __forceinline__ void fence_proxy_async() { __trap(); }
#endif

// Whether the current device has the copy engine's bulk copies (sm_90 and later): what every launch of a bulk path
// asks first. Read once per device (inline: one cache for every kernel file).
inline bool device_has_bulk_copy() {
  constexpr int kMaxDevices = 64;
  static int major[kMaxDevices] = {};
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) throw std::runtime_error("bulk copy: cudaGetDevice failed");
  if (device < kMaxDevices && major[device] != 0) return major[device] >= 9;
  int m = 0;
  if (cudaDeviceGetAttribute(&m, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess)
    throw std::runtime_error("bulk copy: cannot read the device's compute capability");
  if (device < kMaxDevices) major[device] = m;
  return m >= 9;
}

}  // namespace bulk
}  // namespace duet

#endif
