#include "device.h"

#include "cuda_check.h"
#include "partition.h"

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace duet {

namespace {

// The kernel module's version from its banner, e.g. "NVRM version: NVIDIA UNIX
// Open Kernel Module for x86_64  580.159.04  Release Build ...": the first
// word shaped like a dotted version. The runtime API has no call for it.
std::string read_driver_version() {
  std::ifstream f("/proc/driver/nvidia/version");
  std::string line;
  if (!std::getline(f, line)) return "unknown";
  std::istringstream words(line);
  std::string w;
  while (words >> w) {
    const bool dotted = w.find('.') != std::string::npos && std::isdigit((unsigned char)w[0]) &&
                        w.find_first_not_of("0123456789.") == std::string::npos;
    if (dotted) return w;
  }
  return "unknown";
}

}  // namespace

std::string runtime_version_text(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

void init_device() {
  int count = 0;
  DUET_CUDA(cudaGetDeviceCount(&count));
  if (count < 1) throw std::runtime_error("no CUDA device");
  DUET_CUDA(cudaSetDevice(0));
  DUET_CUDA(cudaFree(nullptr));  // creates the primary context and makes it current
  DUET_CU(cuInit(0));
}

DeviceInfo query_device_info() {
  init_device();
  DeviceInfo info;
  cudaDeviceProp prop{};
  DUET_CUDA(cudaGetDeviceProperties(&prop, 0));
  info.name = prop.name;
  info.sm_count = prop.multiProcessorCount;
  info.cc_major = prop.major;
  info.cc_minor = prop.minor;
  info.l2_bytes = prop.l2CacheSize;
  DUET_CUDA(cudaMemGetInfo(&info.free_mem_bytes, &info.total_mem_bytes));
  DUET_CUDA(cudaDriverGetVersion(&info.driver_api));
  DUET_CUDA(cudaRuntimeGetVersion(&info.runtime_api));
  info.driver_version = read_driver_version();
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) info.host = host;
  read_split_layout(info, nullptr, nullptr);
  return info;
}

}  // namespace duet
