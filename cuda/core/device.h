// What the runner reports about the GPU, and the SM split the partitions are
// built from.
#ifndef DUET_CORE_DEVICE_H
#define DUET_CORE_DEVICE_H

#include <cuda.h>

#include <string>
#include <vector>

namespace duet {

struct DeviceInfo {
  std::string name;
  int sm_count = 0;
  int cc_major = 0, cc_minor = 0;
  size_t total_mem_bytes = 0, free_mem_bytes = 0;
  int l2_bytes = 0;
  std::string driver_version;  // kernel module version, e.g. "580.95.05"; "unknown" when unreadable
  int driver_api = 0;          // cudaDriverGetVersion, e.g. 13000
  int runtime_api = 0;         // cudaRuntimeGetVersion
  std::string host;
  // Green-context granularity, read from the device (never assumed).
  int min_sms = 0, alignment = 0;
  std::vector<int> groups;  // sizes of the groups cuDevSmResourceSplitByCount returned
  int remainder_sms = 0;    // SMs the split left over (a usable resource of its own)
};

// Initialises the runtime and the driver on device 0 and makes the primary
// context current on the calling thread.
void init_device();
DeviceInfo query_device_info();

std::string runtime_version_text(int v);  // 13000 -> "13.0"

}  // namespace duet

#endif  // DUET_CORE_DEVICE_H
