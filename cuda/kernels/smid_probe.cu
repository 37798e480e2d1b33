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

namespace duet {
namespace {

__global__ void cluster_probe_kernel() {}

}  // namespace
}  // namespace duet

int max_cluster_blocks(cudaStream_t stream) {
  int best = 1;
  for (int size : {2, 4, 8}) {  // the portable cluster sizes
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3(size, 1, 1);
    cfg.blockDim = dim3(32, 1, 1);
    cfg.stream = stream;
    cudaLaunchAttribute attr[1];
    attr[0].id = cudaLaunchAttributeClusterDimension;
    attr[0].val.clusterDim.x = size;
    attr[0].val.clusterDim.y = 1;
    attr[0].val.clusterDim.z = 1;
    cfg.attrs = attr;
    cfg.numAttrs = 1;
    cudaError_t e = cudaLaunchKernelEx(&cfg, duet::cluster_probe_kernel);
    if (e == cudaSuccess) e = cudaStreamSynchronize(stream);
    if (e == cudaSuccess) {
      best = size;
      continue;
    }
    // A cluster that cannot be placed is a launch error, not a sticky one:
    // clear it so the next call does not see it.
    if (e != cudaErrorInvalidClusterSize) throw std::runtime_error(std::string("cluster probe: ") + cudaGetErrorString(e));
    cudaGetLastError();
    break;
  }
  return best;
}
