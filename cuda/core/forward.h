// The forward runner: one transformer forward over a mixed batch (prefill
// chunks and decode tokens together), all layers with distinct weights so
// weights stream from HBM as in serving, final norm and the LM head on one row
// per sequence. Laid out as the Qwen3/Llama decoder layer:
//   add_rmsnorm -> QKV gemm -> [qk_norm] -> rope -> kv_cache_write ->
//   attn_prefill (chunks) + attn_decode (decodes) -> O gemm -> add_rmsnorm ->
//   gate_up gemm -> silu_mul -> down gemm
// The embedding lookup is stood in for by a copy of n input rows into the
// residual stream (the same bytes a gather of n rows moves).
#ifndef DUET_CORE_FORWARD_H
#define DUET_CORE_FORWARD_H

#include "device_buffer.h"
#include "plan.h"

#include <cuda_runtime.h>

#include <vector>

struct GemmHandle;

namespace duet {

struct LayerWeights {
  __nv_bfloat16 *ln1, *ln2, *q_norm, *k_norm, *w_qkv, *w_o, *w_gate_up, *w_down;
};

class ModelWeights {
 public:
  static size_t bytes_needed(const ModelConfig& cfg);
  // Allocates and fills every weight with random values on `stream`.
  ModelWeights(const ModelConfig& cfg, cudaStream_t stream);
  const ModelConfig& config() const { return cfg_; }
  const LayerWeights& layer(int i) const { return layers_[i]; }
  const __nv_bfloat16* final_norm() const { return final_norm_; }
  const __nv_bfloat16* lm_head() const { return lm_head_; }

 private:
  ModelConfig cfg_;
  DeviceBuffer<unsigned char> storage_;
  std::vector<LayerWeights> layers_;
  __nv_bfloat16* final_norm_ = nullptr;
  __nv_bfloat16* lm_head_ = nullptr;
};

// Paged KV cache: one cache per layer when memory allows; otherwise layers
// share `kv_copies` caches round-robin, each still far larger than L2, so every
// layer's attention still reads its K/V from HBM. The result records the count.
size_t kv_cache_bytes_per_copy(const ModelConfig& cfg, const BatchSpec& batch);
size_t forward_activation_bytes(const ModelConfig& cfg, const BatchSpec& batch, int sm_count);

class ForwardBatch {
 public:
  ForwardBatch(const ModelWeights& weights, const BatchSpec& batch, int kv_copies, int sm_count, cudaStream_t stream);
  // Enqueues the whole forward on `stream` (the partition's context current).
  void enqueue(cudaStream_t stream, GemmHandle* gemm) const;
  int kv_copies() const { return kv_copies_; }
  const Bf16Buffer& logits() const { return logits_; }

 private:
  const ModelWeights& w_;
  BatchSpec batch_;
  int kv_copies_;
  int n_ = 0, seqs_ = 0, prefill_tokens_ = 0, prefill_seqs_ = 0, decode_seqs_ = 0;
  int prefill_max_blocks_ = 0, decode_max_blocks_ = 0, max_new_ = 0;
  int split_tokens_ = 0, num_splits_ = 0;
  Bf16Buffer input_, residual_, normed_, qkv_, q_, attn_, o_, gate_up_, act_, down_, last_, logits_;
  std::vector<Bf16Buffer> k_cache_, v_cache_;
  DeviceBuffer<int> meta_;
  DeviceBuffer<float> workspace_;
  // Offsets into meta_ (ints).
  size_t positions_ = 0, slots_ = 0, pf_table_ = 0, pf_q_start_ = 0, pf_cached_ = 0, dc_table_ = 0, dc_context_ = 0,
         last_rows_ = 0;
};

}  // namespace duet

#endif  // DUET_CORE_FORWARD_H
