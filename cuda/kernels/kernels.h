// Launch functions of duetsim's CUDA kernels: one plain params struct and one
// launch function per kernel (STYLE.md §8).
// Created by the attention-prefill kernel's author because the file did not
// exist yet; the cuda/ core owner owns this file: other kernels' declarations
// go below the prefill attention block.
#ifndef DUET_CUDA_KERNELS_H
#define DUET_CUDA_KERNELS_H

#include <cuda_runtime.h>
#include <cuda_bf16.h>

// Causal prefill attention over a paged KV cache, several sequences per launch
// (cuda/kernels/attn_prefill.cu).
struct AttnPrefillParams {
  const __nv_bfloat16* q;        // [total_new_tokens, hq, dh]  (row-major, tokens of chunk i contiguous)
  const __nv_bfloat16* k_cache;  // paged: [num_blocks, block_tokens, hkv, dh]
  const __nv_bfloat16* v_cache;  // same layout
  const int* block_table;        // [num_seqs, max_blocks_per_seq]
  const int* q_start;            // [num_seqs+1] prefix sums of new tokens
  const int* cached_len;         // [num_seqs] tokens already in cache before this chunk (the chunk's own K/V are already written to the cache at positions cached_len..cached_len+new-1)
  __nv_bfloat16* out;            // [total_new_tokens, hq, dh]
  int num_seqs, hq, hkv, dh /*=128*/, block_tokens /*16*/, max_blocks_per_seq, max_new_tokens;
  float scale;
};
void launch_attn_prefill(const AttnPrefillParams&, cudaStream_t);

// Declarations of the other kernels go below.
//
// Conventions for everything below: bf16 storage, float arithmetic, row-major
// tensors, dh (head size) == 128, block_tokens (paged-cache block) == 16.
// Launch functions check their shape arguments on the host and throw
// std::invalid_argument naming the field; callers (cuda/core) check earlier,
// against the plan, so these are a second line of defence.

// Fused residual add + RMSNorm (cuda/kernels/add_rmsnorm.cu):
//   if (x) residual += x;  out = residual / rms(residual) * weight
// The add is fused because every transformer layer does both back to back; one
// pass over the row instead of two.
struct AddRmsNormParams {
  __nv_bfloat16* residual;        // [n, dim], updated in place when x != nullptr
  const __nv_bfloat16* x;         // [n, dim] or nullptr (plain RMSNorm of residual)
  __nv_bfloat16* out;             // [n, dim]
  const __nv_bfloat16* weight;    // [dim]
  int n, dim;                     // dim % 8 == 0, dim <= 8192
  float eps;
};
void launch_add_rmsnorm(const AddRmsNormParams&, cudaStream_t);

// Per-head RMSNorm of the q and k heads inside a fused qkv buffer, in place
// (Qwen3's q_norm / k_norm; cuda/kernels/qk_norm.cu).
// How qk_norm brings a token's heads in (cuda/kernels/qk_norm.cu): Registers, each thread loading its heads'
// 16-byte pieces; or (sm_90) Bulk, one copy-engine transfer of each token's q and k heads into shared memory,
// bulk_tokens tokens a block; or Pipelined, the register path over pipeline_tokens tokens a block, each token's
// loads issued before the previous one is normalised. Auto: Bulk from 1,024 tokens on sm_90 (measured faster there),
// Registers below, unless DUET_QK_NORM_LOAD=registers|bulk|pipelined says otherwise.
enum class QkNormLoad { Auto, Registers, Bulk, Pipelined };
struct QkNormParams {
  __nv_bfloat16* qkv;             // [n, row_stride]; q heads first, then k heads
  const __nv_bfloat16* q_weight;  // [dh]
  const __nv_bfloat16* k_weight;  // [dh]
  int n, row_stride, hq, hkv, dh;
  float eps;
  QkNormLoad load = QkNormLoad::Auto;
  int bulk_tokens = 0;            // Bulk: tokens a block (1..8); 0: DUET_QK_NORM_BULK_TOKENS or the default
  int pipeline_tokens = 0;        // Pipelined: tokens a block (2, 4 or 8); 0: DUET_QK_NORM_PIPELINE_TOKENS or the default
};
void launch_qk_norm(const QkNormParams&, cudaStream_t);

// Rotary embedding, neox style (the two halves of a head rotate together;
// cuda/kernels/rope.cu). q heads are written rotated to q_out (contiguous, the
// layout attention reads); k heads are rotated in place in the qkv buffer, from
// where the cache write copies them.
struct RopeParams {
  __nv_bfloat16* qkv;             // [n, row_stride]; q heads at column 0, k heads at hq*dh
  __nv_bfloat16* q_out;           // [n, hq, dh]
  const int* positions;           // [n]
  int n, row_stride, hq, hkv, dh;
  float theta;                    // RoPE base (1e6 for Qwen3)
  int tokens = 0;                 // tokens a block from 256 tokens on (1: one a block; 2, 4, 8: pipelined); 0: DUET_ROPE_TOKENS or 1
};
void launch_rope(const RopeParams&, cudaStream_t);

// SwiGLU activation: out = silu(gate) * up (cuda/kernels/silu_mul.cu).
struct SiluMulParams {
  const __nv_bfloat16* gate_up;   // [n, 2*dim]: gate columns first, then up
  __nv_bfloat16* out;             // [n, dim]
  int n, dim;                     // dim % 8 == 0
};
void launch_silu_mul(const SiluMulParams&, cudaStream_t);

// Writes each token's k and v rows into the paged cache at slot_mapping[t]
// (= block * block_tokens + offset; cuda/kernels/kv_cache_write.cu).
struct KvCacheWriteParams {
  const __nv_bfloat16* k;         // row t at k + t*row_stride, hkv*dh values
  const __nv_bfloat16* v;         // row t at v + t*row_stride
  const int* slot_mapping;        // [n]
  __nv_bfloat16* k_cache;         // [num_blocks, block_tokens, hkv, dh]
  __nv_bfloat16* v_cache;
  int n, row_stride, hkv, dh;
};
void launch_kv_cache_write(const KvCacheWriteParams&, cudaStream_t);

// Decode attention over the paged cache, flash-decoding style
// (cuda/kernels/attn_decode.cu): each sequence's context is cut into
// num_splits pieces of split_tokens; one block per (split, kv head, sequence)
// scores its piece for all hq/hkv query heads of that kv head (GQA: K and V
// are read once per group), then a second kernel merges the pieces with their
// softmax maxima and sums.
// How pass 1 fills its shared-memory stages: Auto is cp.async (1.04-1.75x faster than bulk row copies by
// partition median on an H100, attn_decode.cu), unless DUET_ATTN_DECODE_LOAD says otherwise; Bulk and Tma (tensor-map
// boxes of a page's 16 tokens x 64 dims) need sm_90, Tma also num_cache_blocks, and run the head-rows kernel. The
// check suite runs every path.
enum class AttnDecodeLoad { Auto, CpAsync, Bulk, Tma };
// Which operand is the mma rows in pass 1: HeadRows puts the G query heads of a kv head on the 16 rows (padded)
// and 32-token tiles; TokenRows puts 16 context tokens on the rows and the heads on the 8 columns (64-token tiles,
// cp.async loads only, token_rows_stages = 2 or 3 stages, 0 for the default, 2). Auto is TokenRows (0.86x the
// head-rows time by median on 8-16 SMs of an H100) unless DUET_ATTN_DECODE_MATH says otherwise, or the load asked
// for is Bulk or Tma; attn_decode_choose_split rounds splits to Auto's tile.
enum class AttnDecodeMath { Auto, HeadRows, TokenRows };
struct AttnDecodeParams {
  const __nv_bfloat16* q;         // [num_seqs, hq, dh], one new token per sequence
  const __nv_bfloat16* k_cache;   // [num_blocks, block_tokens, hkv, dh]
  const __nv_bfloat16* v_cache;
  const int* block_table;         // [num_seqs, max_blocks_per_seq]
  const int* context_len;         // [num_seqs], new token included (its K/V already written)
  __nv_bfloat16* out;             // [num_seqs, hq, dh]
  float* workspace;               // attn_decode_workspace_floats(...) floats
  int num_seqs, hq, hkv, dh, block_tokens, max_blocks_per_seq;
  int split_tokens, num_splits;   // from attn_decode_choose_split
  float scale;
  AttnDecodeLoad load = AttnDecodeLoad::Auto;
  AttnDecodeMath math = AttnDecodeMath::Auto;
  int token_rows_stages = 0;
  int num_cache_blocks = 0;       // pages in k_cache/v_cache; TMA loads need it (their tensor maps' extent)
};
struct AttnDecodeSplit { int split_tokens, num_splits; };
// Picks the split: enough blocks for about two per SM, whole tiles (32 or 64 tokens), at
// most kAttnDecodeMaxSplitTokens tokens per block (its page-table slice is staged
// in shared memory). With one split the merge pass is skipped.
AttnDecodeSplit attn_decode_choose_split(int num_seqs, int hkv, int max_context, int sm_count);
size_t attn_decode_workspace_floats(int num_seqs, int hq, int num_splits, int dh);
constexpr int kAttnDecodeMaxSplitTokens = 1024;
constexpr int kAttnDecodeMaxGroup = 8;  // hq / hkv
void launch_attn_decode(const AttnDecodeParams&, cudaStream_t);

// out[i, :] = in[rows[i], :] (the rows the LM head needs; cuda/kernels/gather_rows.cu).
struct GatherRowsParams {
  const __nv_bfloat16* in;        // [*, dim]
  const int* rows;                // [n]
  __nv_bfloat16* out;             // [n, dim]
  int n, dim;                     // dim % 8 == 0
};
void launch_gather_rows(const GatherRowsParams&, cudaStream_t);

// Y[n, d_out] = X[n, d_in] · W^T with W stored [d_out, d_in] (a PyTorch Linear
// weight), bf16 in and out, fp32 accumulation, through cuBLASLt
// (cuda/kernels/gemm.cu). A GemmHandle belongs to one partition: create it
// with that partition's (green) context current, so cuBLASLt runs inside it,
// and give it the partition's SM count so its heuristics pick tiles for it.
struct GemmHandle;
GemmHandle* gemm_handle_create(int sm_count_target, size_t workspace_bytes);
void gemm_handle_destroy(GemmHandle*);
// Restricts the handle to cuBLASLt algorithms whose thread-block clusters
// hold at most `blocks` blocks: a green context over the GPC remainder (12
// SMs on a 132-SM Hopper) cannot place the larger clusters cuBLASLt's first
// choice often uses (CUDA_ERROR_INVALID_CLUSTER_SIZE at launch).
void gemm_handle_limit_clusters(GemmHandle*, int blocks);
struct GemmParams {
  const __nv_bfloat16* x;         // [n, d_in]
  const __nv_bfloat16* w;         // [d_out, d_in]
  __nv_bfloat16* y;               // [n, d_out]
  int n, d_in, d_out;
  GemmHandle* handle;
};
void launch_gemm(const GemmParams&, cudaStream_t);

// Utilities (cuda/kernels/fill.cu): random bf16 data (a counter-based hash, so
// any size fills in one pass, deterministic for a seed), a constant bit
// pattern (poisoning outputs before a check) and a 16-byte-vector copy (the
// bandwidth ceiling).
void launch_fill_random_bf16(__nv_bfloat16* p, size_t count, unsigned long long seed, float scale, cudaStream_t);
void launch_fill_bits_bf16(__nv_bfloat16* p, size_t count, unsigned short bits, cudaStream_t);
void launch_copy_bytes(void* dst, const void* src, size_t bytes, cudaStream_t);  // bytes % 16 == 0
// Adds to *counter the number of NaN or infinite values (an output element the
// kernel under test never wrote still holds the NaN poison).
void launch_count_nonfinite_bf16(const __nv_bfloat16* p, size_t count, unsigned long long* counter, cudaStream_t);
constexpr unsigned short kPoisonBf16 = 0x7fc1;  // a quiet NaN

// Records which SMs ran its blocks (bit i of mask[i/64] for %smid i), to prove
// that work launched on a partition's stream stayed on that partition
// (cuda/kernels/smid_probe.cu). mask has kSmidMaskWords words.
constexpr int kSmidMaskWords = 4;
void launch_smid_probe(unsigned long long* mask, int blocks, cudaStream_t);
// One thread that sleeps for `ns` nanoseconds of GPU time: holds back the
// work queued after it (and, through an event, another stream's) until the
// host has finished enqueuing, so two partitions start together.
void launch_gate_sleep(unsigned long long ns, cudaStream_t);
// The largest thread-block cluster (1, 2, 4 or 8 blocks) that launches on
// `stream`, i.e. on its partition's SMs; synchronises the stream.
int max_cluster_blocks(cudaStream_t);

// Paged attention through cuDNN's fused flash-attention engines
// (cuda/kernels/attn_cudnn.cpp, built when CMake finds cuDNN 9: CUDNN_ROOT).
// The same paged cache, block table and packed Q/out as the two kernels above;
// a plan is built once per shape (cuDNN picks and finalizes an engine, which
// takes milliseconds) and launched many times. cudnn_attn_available() is false
// in a build without cuDNN, where creating a plan throws.
struct CudnnAttnPlan;
// How a prefill graph places the causal diagonal. Query i of chunk s sits at
// position cached_s + i. TopLeft (row >= col) is exact when no chunk has a
// cached prefix; OneOffset adds one by-value offset (one sequence); PerSequence
// adds seq_len_kv − seq_len_q per sequence (any batch). They differ in speed:
// cuDNN skips fully masked tiles only for the diagonals it recognises
// (cuda/kernels/ATTN_PREFILL.md has the measurements).
enum class CudnnCausal { TopLeft, OneOffset, PerSequence };
struct CudnnAttnShape {
  bool prefill;             // true: causal chunks after a cached prefix (ragged Q); false: one query per sequence
  int num_seqs, hq, hkv, dh /*=128*/, block_tokens;
  int max_blocks_per_seq;   // columns of the block table; the graph's key length is this × block_tokens
  int num_cache_blocks;     // blocks in the K (and V) cache
  int max_q_tokens;         // prefill: the longest chunk (<= max_blocks_per_seq × block_tokens)
  int sm_count_target;      // the partition's SMs (recorded; cuDNN's heuristics get the whole GPU, see attn_cudnn.cpp)
  CudnnCausal causal = CudnnCausal::PerSequence;
  int causal_offset = 0;    // OneOffset: the sequence's cached tokens
  // Prefill without any cached prefix may read the chunks' K/V rows straight from
  // the QKV projection ([tokens, hkv, dh], as vLLM's varlen prefill does) instead
  // of the paged cache: needs causal == TopLeft.
  bool dense_kv = false;
  int kv_row_stride = 0;    // dense_kv: elements from one token's K (or V) row to the next (0: hkv × dh)
  // dense_kv and every chunk exactly max_q_tokens long: the graph has no padding mask, no sequence lengths and no
  // ragged offsets (the dense [b, s, h, d] SDPA PyTorch hands cuDNN), so seq_len_q/seq_len_kv/q_offset/kv_offset are
  // not read. A plan asked for it that cuDNN will not build falls back to the padded graph (its engine string says so).
  bool uniform = false;
};
struct CudnnAttnArgs {
  const __nv_bfloat16* q;        // prefill: [total_new_tokens, hq, dh]; decode: [num_seqs, hq, dh]
  const __nv_bfloat16* k_cache;  // [num_cache_blocks, block_tokens, hkv, dh]; dense_kv: [total_new_tokens, hkv, dh]
  const __nv_bfloat16* v_cache;
  const int* block_table;        // [num_seqs, max_blocks_per_seq] (dense_kv: unused)
  const int* seq_len_q;          // prefill: [num_seqs] new tokens (decode: unused)
  const int* seq_len_kv;         // [num_seqs] keys each query row attends to at most (cached + new)
  const int* q_offset;           // prefill: [num_seqs+1] element offsets of each chunk in q/out (decode: unused)
  __nv_bfloat16* out;
  float scale;
  const int* kv_offset = nullptr;  // dense_kv: [num_seqs+1] element offsets of each chunk in k/v
};
bool cudnn_attn_available();
const char* cudnn_attn_library_version();  // the cuDNN loaded at run time, e.g. "cuDNN 9.19.0"
CudnnAttnPlan* cudnn_attn_plan_create(const CudnnAttnShape&);
void cudnn_attn_plan_destroy(CudnnAttnPlan*);
const char* cudnn_attn_plan_engine(const CudnnAttnPlan*);  // the engine cuDNN chose, from the plan's JSON
bool cudnn_attn_plan_dense_kv(const CudnnAttnPlan*);
void launch_attn_cudnn(CudnnAttnPlan*, const CudnnAttnArgs&, cudaStream_t);
// A step's attention metadata for cuDNN from the prefill kernel's: seq_len_q,
// seq_len_kv = cached + new, q_offset = q_start · hq · dh. Built once a step and
// shared by every layer, as serving engines build theirs
// (cuda/kernels/attn_cudnn_meta.cu).
void launch_attn_cudnn_prefill_meta(const int* q_start, const int* cached_len, int num_seqs, int hq, int dh,
                                    int* seq_len_q, int* seq_len_kv, int* q_offset, cudaStream_t,
                                    int kv_row = 0, int* kv_offset = nullptr);  // kv_offset = q_start · kv_row

#endif  // DUET_CUDA_KERNELS_H
