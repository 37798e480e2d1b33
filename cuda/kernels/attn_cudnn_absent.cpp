// The cuDNN attention API in a build without cuDNN (CMake found no
// cudnn_graph.h / libcudnn.so.9; set CUDNN_ROOT to enable it). Own kernels
// still run; asking for the cuDNN implementation fails with this message.
#include "kernels.h"

#include <stdexcept>

namespace {
[[noreturn]] void absent() {
  throw std::runtime_error(
      "attention through cuDNN was requested but duet_core was built without cuDNN "
      "(configure with -DCUDNN_ROOT=<folder with include/cudnn_graph.h and lib/libcudnn.so.9>)");
}
}  // namespace

struct CudnnAttnPlan {};

bool cudnn_attn_available() { return false; }
const char* cudnn_attn_library_version() { return "none"; }
CudnnAttnPlan* cudnn_attn_plan_create(const CudnnAttnShape&) { absent(); }
void cudnn_attn_plan_destroy(CudnnAttnPlan* p) { delete p; }
const char* cudnn_attn_plan_engine(const CudnnAttnPlan*) { return "none"; }
bool cudnn_attn_plan_dense_kv(const CudnnAttnPlan*) { return false; }
void launch_attn_cudnn(CudnnAttnPlan*, const CudnnAttnArgs&, cudaStream_t) { absent(); }
