// SM partitions as green contexts.
//
// The device's SMs are split once with cuDevSmResourceSplitByCount into
// groups of the minimum partition size (on a 132-SM Hopper: 15 groups of 8
// and a remainder of 12 — hardware-notes/README.md; placement follows the GPC
// layout). A partition is a set of those groups (plus, where the count needs
// it, the remainder) turned into one green context with
// cuDevResourceGenerateDesc. Groups are never re-split: re-splitting a
// remainder fails with CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION. So only the
// counts the split can add up to exist; can_make() says which, and plans are
// checked against it before any work starts.
//
// A partition of the whole device uses the primary context and no green
// context at all.
#ifndef DUET_CORE_PARTITION_H
#define DUET_CORE_PARTITION_H

#include "device.h"

#include <cuda.h>
#include <cuda_runtime.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

struct GemmHandle;

namespace duet {

// Workspace cuBLASLt may use per partition (allocated when the partition is
// made); 32 MiB is what cuBLAS itself recommends for Hopper (cuBLAS docs,
// cublasSetWorkspace).
constexpr size_t kGemmWorkspaceBytes = 32u << 20;

class Partition {
 public:
  ~Partition();
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  int sms() const { return sms_; }
  bool green() const { return green_ != nullptr; }
  cudaStream_t stream() const { return stream_; }
  GemmHandle* gemm() const { return gemm_; }
  // The largest thread-block cluster (blocks, up to 8) that launches here;
  // below 8, GEMMs are limited to kernels whose clusters fit.
  int max_cluster() const { return max_cluster_; }
  // Work for this partition is enqueued with its context current.
  void make_current() const;

 private:
  friend class Partitioner;
  Partition() = default;
  int sms_ = 0;
  CUgreenCtx green_ = nullptr;
  CUcontext ctx_ = nullptr;
  CUcontext primary_ = nullptr;
  cudaStream_t stream_ = nullptr;
  GemmHandle* gemm_ = nullptr;
  int max_cluster_ = 8;
};

// Sets a partition's context current for a scope, then the primary context
// again (allocations and host copies happen under the primary context).
class ScopedPartition {
 public:
  explicit ScopedPartition(const Partition& p);
  ~ScopedPartition();

 private:
  CUcontext previous_ = nullptr;
};

class Partitioner {
 public:
  explicit Partitioner(const DeviceInfo& info);
  ~Partitioner();

  bool can_make(int sms) const;
  bool can_make_pair(int prefill_sms, int decode_sms) const;
  // "8, 16, ..., 120, 12, 20, ..., 132" — for error messages.
  std::string achievable() const;

  std::unique_ptr<Partition> make(int sms) const;
  // Two disjoint partitions (prefill takes groups from the front, decode from
  // the back; the remainder goes to whichever needs it).
  std::pair<std::unique_ptr<Partition>, std::unique_ptr<Partition>> make_pair(int prefill_sms, int decode_sms) const;

 private:
  struct Choice {
    int first = 0, count = 0;  // groups [first, first+count)
    bool remainder = false;
  };
  bool choose(int sms, Choice& c) const;
  bool choose_pair(int prefill_sms, int decode_sms, Choice& p, Choice& d) const;
  std::unique_ptr<Partition> build(int sms, const Choice* c) const;

  const DeviceInfo& info_;
  CUdevice device_ = 0;
  CUcontext primary_ = nullptr;
  std::vector<CUdevResource> groups_;
  CUdevResource remainder_{};
};

// Runs the split once and reports min size, alignment, group sizes and
// remainder into info (used by query_device_info).
void read_split_layout(DeviceInfo& info, std::vector<CUdevResource>* groups, CUdevResource* remainder);

}  // namespace duet

#endif  // DUET_CORE_PARTITION_H
