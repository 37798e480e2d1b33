// Every CUDA runtime and driver call goes through these: a failure throws with
// the call's text and where it was made (exit code 0 proves nothing,
// METHOD.md).
#ifndef DUET_CORE_CUDA_CHECK_H
#define DUET_CORE_CUDA_CHECK_H

#include <cuda.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace duet {

[[noreturn]] inline void fail_cuda(const char* call, const char* file, int line, const std::string& err) {
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + call + ": " + err);
}

inline std::string driver_error_text(CUresult r) {
  const char* name = nullptr;
  const char* text = nullptr;
  cuGetErrorName(r, &name);
  cuGetErrorString(r, &text);
  return std::string(name ? name : "CUDA_ERROR_?") + " (" + (text ? text : "no description") + ")";
}

}  // namespace duet

#define DUET_CUDA(call)                                                                              \
  do {                                                                                               \
    cudaError_t duet_err_ = (call);                                                                  \
    if (duet_err_ != cudaSuccess) ::duet::fail_cuda(#call, __FILE__, __LINE__, cudaGetErrorString(duet_err_)); \
  } while (0)

#define DUET_CU(call)                                                                                  \
  do {                                                                                                 \
    CUresult duet_res_ = (call);                                                                       \
    if (duet_res_ != CUDA_SUCCESS) ::duet::fail_cuda(#call, __FILE__, __LINE__, ::duet::driver_error_text(duet_res_)); \
  } while (0)

#endif  // DUET_CORE_CUDA_CHECK_H
