// Builds the inputs of one operator experiment in several independent sets,
// so that timing cycles through more data than L2 holds (METHOD.md: repeated
// runs over one buffer measure the cache).
#ifndef DUET_CORE_OP_SETS_H
#define DUET_CORE_OP_SETS_H

#include "attn_impl.h"
#include "device_buffer.h"
#include "plan.h"

#include <functional>
#include <memory>
#include <vector>

struct GemmHandle;

namespace duet {

struct OpSets {
  std::vector<std::function<void(cudaStream_t)>> launches;  // one per set; each launches the op once
  std::vector<Bf16Buffer> bf16;
  std::vector<DeviceBuffer<int>> ints;
  std::vector<DeviceBuffer<float>> floats;
  CudnnAttnPlanPtr cudnn;  // the attention plan every set launches, when cuDNN runs the op
};

// Device bytes one set needs (inputs, outputs, caches, workspace).
size_t op_set_bytes(const Experiment& e, int sm_count);
// ceiling_gemm and ceiling_bandwidth are built here too (as a gemm and a copy).
std::unique_ptr<OpSets> build_op_sets(const Experiment& e, int sets, int sm_count, GemmHandle* gemm,
                                      cudaStream_t stream);

}  // namespace duet

#endif  // DUET_CORE_OP_SETS_H
