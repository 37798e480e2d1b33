// Owning device allocation (cudaMalloc, never managed memory: README of the
// device machines says why). Move-only.
#ifndef DUET_CORE_DEVICE_BUFFER_H
#define DUET_CORE_DEVICE_BUFFER_H

#include "cuda_check.h"

#include <cuda_bf16.h>

#include <cstddef>
#include <utility>
#include <vector>

namespace duet {

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t count) : count_(count) {
    if (count) DUET_CUDA(cudaMalloc(&ptr_, count * sizeof(T)));
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      if (ptr_) cudaFree(ptr_);
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* get() const { return ptr_; }
  size_t size() const { return count_; }
  size_t bytes() const { return count_ * sizeof(T); }

  void upload(const std::vector<T>& host) {
    if (host.size() != count_) throw std::runtime_error("DeviceBuffer::upload: size mismatch");
    if (count_) DUET_CUDA(cudaMemcpy(ptr_, host.data(), bytes(), cudaMemcpyHostToDevice));
  }
  std::vector<T> download(size_t first = 0, size_t count = (size_t)-1) const {
    if (count == (size_t)-1) count = count_ - first;
    std::vector<T> host(count);
    if (count) DUET_CUDA(cudaMemcpy(host.data(), ptr_ + first, count * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  T* ptr_ = nullptr;
  size_t count_ = 0;
};

using Bf16Buffer = DeviceBuffer<__nv_bfloat16>;

}  // namespace duet

#endif  // DUET_CORE_DEVICE_BUFFER_H
