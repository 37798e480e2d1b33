// Records the %smid of every block it runs. Launched on a partition's stream
// (alone, or inside the partition's captured graph), it shows which SMs that
// stream's work can reach: a green context that leaked would show SMs outside
// its count or shared with its partner.
#include "kernels.h"
#include "bf16_vec.cuh"

namespace duet {
namespace {

__device__ __forceinline__ unsigned smid() {
  unsigned id;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(id));
  return id;
}

__global__ void smid_probe_kernel(unsigned long long* mask) {
  if (threadIdx.x == 0) {
    const unsigned id = smid();
    if (id < 64u * kSmidMaskWords) atomicOr(&mask[id / 64], 1ull << (id % 64));
    // Hold the SM briefly so later blocks spread to other SMs instead of
    // reusing the first ones that finish.
    const long long start = clock64();
    while (clock64() - start < 20000) {
    }
  }
}

}  // namespace
}  // namespace duet

void launch_smid_probe(unsigned long long* mask, int blocks, cudaStream_t stream) {
  duet::require(blocks > 0, "smid_probe", "blocks must be positive");
  duet::smid_probe_kernel<<<blocks, 32, 0, stream>>>(mask);
  duet::check_launch("smid_probe");
}

namespace duet {
namespace {

__global__ void gate_sleep_kernel(unsigned long long ns) {
  unsigned long long start, now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  do {
    __nanosleep(10000);
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  } while (now - start < ns);
}

}  // namespace
}  // namespace duet

void launch_gate_sleep(unsigned long long ns, cudaStream_t stream) {
  duet::gate_sleep_kernel<<<1, 1, 0, stream>>>(ns);
  duet::check_launch("gate_sleep");
}
