// Attention metadata for the cuDNN path (kernels.h, launch_attn_cudnn_prefill_meta):
// per-sequence query and key lengths and the chunks' element offsets in the packed
// Q/out tensors, derived on the GPU from the prefill kernel's q_start/cached_len so
// that a captured forward needs no host round trip.
#include "kernels.h"

#include <climits>
#include <stdexcept>
#include <string>

namespace {

__global__ void prefill_meta_kernel(const int* q_start, const int* cached_len, int num_seqs, long long row_elems,
                                    int* seq_len_q, int* seq_len_kv, int* q_offset, long long kv_row_elems,
                                    int* kv_offset) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i > num_seqs) return;
  q_offset[i] = (int)(q_start[i] * row_elems);
  if (kv_offset) kv_offset[i] = (int)(q_start[i] * kv_row_elems);
  if (i == num_seqs) return;
  const int n = q_start[i + 1] - q_start[i];
  seq_len_q[i] = n;
  seq_len_kv[i] = cached_len[i] + n;
}

}  // namespace

void launch_attn_cudnn_prefill_meta(const int* q_start, const int* cached_len, int num_seqs, int hq, int dh,
                                    int* seq_len_q, int* seq_len_kv, int* q_offset, cudaStream_t stream, int kv_row,
                                    int* kv_offset) {
  if (!q_start || !cached_len || !seq_len_q || !seq_len_kv || !q_offset)
    throw std::invalid_argument("attn_cudnn_prefill_meta: q_start/cached_len/seq_len_q/seq_len_kv/q_offset must not be null");
  if (num_seqs < 1) throw std::invalid_argument("attn_cudnn_prefill_meta: num_seqs must be >= 1");
  if (hq < 1 || dh < 1 || (long long)hq * dh > INT_MAX)
    throw std::invalid_argument("attn_cudnn_prefill_meta: hq and dh must be positive, hq*dh below 2^31");
  if (kv_offset && kv_row < 1)
    throw std::invalid_argument("attn_cudnn_prefill_meta: kv_row must be >= 1 when kv_offset is asked for");
  const int threads = 128, blocks = (num_seqs + 1 + threads - 1) / threads;
  prefill_meta_kernel<<<blocks, threads, 0, stream>>>(q_start, cached_len, num_seqs, (long long)hq * dh, seq_len_q,
                                                       seq_len_kv, q_offset, (long long)kv_row, kv_offset);
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) throw std::runtime_error(std::string("attn_cudnn_prefill_meta launch: ") + cudaGetErrorString(e));
}
