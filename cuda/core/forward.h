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

#include "attn_impl.h"
#include "device_buffer.h"
#include "plan.h"

#include <cuda_runtime.h>

#include <functional>
#include <memory>
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

// Tokens per KV-cache block in the kernels' paged layout.
int forward_block_tokens();

// Copies a forward's metadata (host ints) to device memory the caller owns
// and returns where; the copy must be complete before the forward runs.
using MetaPlacer = std::function<int*(const std::vector<int>&)>;

// K/V caches a forward reads and writes: layer l uses copy l % k.size().
struct KvCaches {
  std::vector<__nv_bfloat16*> k, v;
};

// `copies` K/V cache pairs of `elems` bf16 each, filled with random values
// (cached context must hold real-looking data, not zeros: METHOD.md);
// copy i is seeded `seed + 2i` (K) and `seed + 2i + 1` (V).
class KvStore {
 public:
  KvStore(size_t elems, int copies, unsigned long long seed, cudaStream_t stream);
  const KvCaches& caches() const { return kv_; }

 private:
  std::vector<Bf16Buffer> k_, v_;
  KvCaches kv_;
};

// Activation memory for forwards that do not own theirs (the schedule
// executor runs thousands of them): grown on demand between steps, never
// while a captured graph that points into it may still run.
class ForwardArena {
 public:
  // Bytes a batch needs, metadata excluded.
  static size_t bytes_for(const ModelConfig& cfg, const BatchSpec& batch, int sm_count);
  // Grows to at least `bytes`; synchronises the device first when it must
  // reallocate (work in flight may still use the old memory). Returns whether it did.
  bool reserve(size_t bytes, cudaStream_t fill_stream, bool headroom = true);
  unsigned char* get() const { return buf_.get(); }
  size_t size() const { return buf_.size(); }

 private:
  DeviceBuffer<unsigned char> buf_;
};

class ForwardBatch {
 public:
  // Owns everything: activations, and kv_copies caches in which each
  // sequence's blocks are one contiguous run (calibration experiments).
  ForwardBatch(const ModelWeights& weights, const BatchSpec& batch, int kv_copies, int sm_count, cudaStream_t stream);
  // Runs in a shared paged cache and arena (the schedule executor): sequence
  // s (prefills first, then decodes, as in `batch`) uses the cache blocks
  // `blocks[s]`, which must cover its tokens. The arena must already hold
  // ForwardArena::bytes_for(batch); `place` puts the metadata where the
  // caller keeps it.
  ForwardBatch(const ModelWeights& weights, const BatchSpec& batch, const std::vector<const std::vector<int>*>& blocks,
               const KvCaches& kv, const ForwardArena& arena, int sm_count, const MetaPlacer& place);
  // Enqueues the whole forward on `stream` (the partition's context current).
  void enqueue(cudaStream_t stream, GemmHandle* gemm) const;
  int kv_copies() const { return (int)kv_.k.size(); }
  const __nv_bfloat16* logits() const { return logits_; }

 private:
  // Checks the block lists, sets the shape fields and returns the metadata to upload.
  std::vector<int> init(const BatchSpec& batch, const std::vector<const std::vector<int>*>& blocks, int sm_count);
  void carve(unsigned char* base);

  const ModelWeights& w_;
  BatchSpec batch_;
  KvCaches kv_;
  int n_ = 0, seqs_ = 0, prefill_tokens_ = 0, prefill_seqs_ = 0, decode_seqs_ = 0;
  int prefill_max_blocks_ = 0, decode_max_blocks_ = 0, max_new_ = 0;
  int split_tokens_ = 0, num_splits_ = 0;
  int sm_count_ = 0, cache_blocks_ = 0;
  // Resolved once per batch (environment and the step's work), not per layer.
  AttnImpl prefill_impl_ = AttnImpl::Own, decode_impl_ = AttnImpl::Own;
  std::vector<int> pf_cached_lens_, pf_new_lens_;
  // Attention through cuDNN (DUET_ATTN_PREFILL_IMPL / DUET_ATTN_DECODE_IMPL=cudnn): a plan is
  // built on the first enqueue (eager, the partition's context current), before
  // any capture, and reused by every later enqueue of this batch.
  mutable CudnnAttnPlanPtr cudnn_prefill_, cudnn_decode_;
  __nv_bfloat16 *input_ = nullptr, *residual_ = nullptr, *normed_ = nullptr, *qkv_ = nullptr, *q_ = nullptr,
                *attn_ = nullptr, *o_ = nullptr, *gate_up_ = nullptr, *act_ = nullptr, *down_ = nullptr,
                *last_ = nullptr, *logits_ = nullptr;
  float* workspace_ = nullptr;
  // Owned storage (first constructor only; the second borrows an arena).
  ForwardArena own_arena_;
  std::unique_ptr<KvStore> own_kv_;
  DeviceBuffer<int> own_meta_;
  const int* meta_ = nullptr;
  // Offsets into meta_ (ints).
  size_t positions_ = 0, slots_ = 0, pf_table_ = 0, pf_q_start_ = 0, pf_cached_ = 0, dc_table_ = 0, dc_context_ = 0,
         last_rows_ = 0, pf_seq_q_ = 0, pf_seq_kv_ = 0, pf_q_off_ = 0, pf_kv_off_ = 0;
};

}  // namespace duet

#endif  // DUET_CORE_FORWARD_H
