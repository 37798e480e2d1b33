#include "forward.h"

#include "../kernels/kernels.h"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <cstdlib>

namespace duet {

namespace {

constexpr int kBlockTokens = 16;
constexpr size_t kAlign = 256;  // every weight starts 256-byte aligned (cuBLASLt prefers >= 16)

size_t align_up(size_t x) { return (x + kAlign - 1) / kAlign * kAlign; }

struct LayerSizes {
  size_t qkv_out, ln, qk, w_qkv, w_o, w_gate_up, w_down;
};

LayerSizes layer_sizes(const ModelConfig& c) {
  LayerSizes s;
  s.qkv_out = (size_t)(c.hq + 2 * c.hkv) * c.dh;
  s.ln = c.hidden;
  s.qk = c.dh;
  s.w_qkv = s.qkv_out * c.hidden;
  s.w_o = (size_t)c.hidden * c.hq * c.dh;
  s.w_gate_up = (size_t)2 * c.ffn * c.hidden;
  s.w_down = (size_t)c.hidden * c.ffn;
  return s;
}

size_t layer_bytes(const ModelConfig& c) {
  const LayerSizes s = layer_sizes(c);
  return 2 * align_up(s.ln * 2) + 2 * align_up(s.qk * 2) + align_up(s.w_qkv * 2) + align_up(s.w_o * 2) +
         align_up(s.w_gate_up * 2) + align_up(s.w_down * 2);
}

int blocks_for(int tokens) { return (tokens + kBlockTokens - 1) / kBlockTokens; }

size_t total_blocks(const BatchSpec& b) {
  size_t blocks = 0;
  for (const auto& c : b.prefills) blocks += blocks_for(c.cached + c.new_tokens);
  for (int ctx : b.decode_contexts) blocks += blocks_for(ctx);
  return blocks;
}

}  // namespace

size_t ModelWeights::bytes_needed(const ModelConfig& c) {
  return layer_bytes(c) * c.num_layers + align_up((size_t)c.hidden * 2) + align_up((size_t)c.vocab * c.hidden * 2);
}

ModelWeights::ModelWeights(const ModelConfig& cfg, cudaStream_t stream) : cfg_(cfg), storage_(bytes_needed(cfg)) {
  unsigned char* p = storage_.get();
  unsigned long long seed = 1;
  // Uniform(-a, a) has variance a^2/3; a = sqrt(3/d_in) keeps a projection of
  // a unit-RMS input at unit RMS, so activations stay in bf16's sweet spot
  // over dozens of layers. Norm weights are uniform in [-1, 1), never zero.
  auto take = [&](size_t count, float scale) {
    auto* w = reinterpret_cast<__nv_bfloat16*>(p);
    p += align_up(count * 2);
    launch_fill_random_bf16(w, count, seed++, scale, stream);
    return w;
  };
  const LayerSizes s = layer_sizes(cfg);
  for (int l = 0; l < cfg.num_layers; ++l) {
    LayerWeights lw;
    lw.ln1 = take(s.ln, 1.f);
    lw.ln2 = take(s.ln, 1.f);
    lw.q_norm = take(s.qk, 1.f);
    lw.k_norm = take(s.qk, 1.f);
    lw.w_qkv = take(s.w_qkv, std::sqrt(3.f / cfg.hidden));
    lw.w_o = take(s.w_o, std::sqrt(3.f / (cfg.hq * cfg.dh)));
    lw.w_gate_up = take(s.w_gate_up, std::sqrt(3.f / cfg.hidden));
    lw.w_down = take(s.w_down, std::sqrt(3.f / cfg.ffn));
    layers_.push_back(lw);
  }
  final_norm_ = take(cfg.hidden, 1.f);
  lm_head_ = take((size_t)cfg.vocab * cfg.hidden, std::sqrt(3.f / cfg.hidden));
  if ((size_t)(p - storage_.get()) > storage_.size()) throw std::logic_error("ModelWeights: layout overran storage");
  DUET_CUDA(cudaStreamSynchronize(stream));
}

size_t kv_cache_bytes_per_copy(const ModelConfig& c, const BatchSpec& b) {
  return total_blocks(b) * kBlockTokens * c.hkv * c.dh * 2 /* k and v */ * 2 /* bytes */;
}

size_t forward_activation_bytes(const ModelConfig& c, const BatchSpec& b, int sm_count) {
  const size_t n = b.num_tokens(), s = b.num_seqs();
  const size_t qkv = (size_t)(c.hq + 2 * c.hkv) * c.dh, qd = (size_t)c.hq * c.dh;
  size_t elems = n * c.hidden * 6 /* input, residual, normed, o, down + slack */ + n * qkv + 2 * n * qd +
                 n * 3 * c.ffn + s * c.hidden + s * c.vocab;
  size_t bytes = elems * 2;
  if (!b.decode_contexts.empty()) {
    const int max_ctx = *std::max_element(b.decode_contexts.begin(), b.decode_contexts.end());
    const AttnDecodeSplit sp = attn_decode_choose_split((int)b.decode_contexts.size(), c.hkv, max_ctx, sm_count);
    bytes += attn_decode_workspace_floats((int)b.decode_contexts.size(), c.hq, sp.num_splits, c.dh) * 4;
  }
  bytes += (n * 2 + s * 4 + total_blocks(b) * 2) * 4;  // metadata ints
  return bytes;
}

namespace {

// The arena's layout: every activation buffer, then the decode-attention
// workspace, each 256-byte aligned. With base == nullptr only the size is
// computed; otherwise the pointers are set.
struct ArenaPtrs {
  __nv_bfloat16 *input, *residual, *normed, *qkv, *q, *attn, *o, *gate_up, *act, *down, *last, *logits;
  float* workspace;
};

size_t arena_layout(const ModelConfig& c, size_t n, size_t s, size_t ws_floats, unsigned char* base, ArenaPtrs* p) {
  const size_t qkv = (size_t)(c.hq + 2 * c.hkv) * c.dh, qd = (size_t)c.hq * c.dh;
  size_t at = 0;
  auto take = [&](size_t elems, size_t elem_bytes) {
    unsigned char* ptr = base ? base + at : nullptr;
    at += align_up(elems * elem_bytes);
    return ptr;
  };
  auto bf = [&](size_t elems) { return reinterpret_cast<__nv_bfloat16*>(take(elems, 2)); };
  ArenaPtrs q{};
  q.input = bf(n * c.hidden);
  q.residual = bf(n * c.hidden);
  q.normed = bf(n * c.hidden);
  q.qkv = bf(n * qkv);
  q.q = bf(n * qd);
  q.attn = bf(n * qd);
  q.o = bf(n * c.hidden);
  q.gate_up = bf(n * 2 * c.ffn);
  q.act = bf(n * c.ffn);
  q.down = bf(n * c.hidden);
  q.last = bf(s * c.hidden);
  q.logits = bf(s * c.vocab);
  q.workspace = reinterpret_cast<float*>(take(ws_floats, 4));
  if (p) *p = q;
  return at;
}

size_t decode_workspace_floats(const ModelConfig& c, const BatchSpec& b, int sm_count) {
  if (b.decode_contexts.empty()) return 0;
  const int max_ctx = *std::max_element(b.decode_contexts.begin(), b.decode_contexts.end());
  const AttnDecodeSplit sp = attn_decode_choose_split((int)b.decode_contexts.size(), c.hkv, max_ctx, sm_count);
  return attn_decode_workspace_floats((int)b.decode_contexts.size(), c.hq, sp.num_splits, c.dh);
}

}  // namespace

int forward_block_tokens() { return kBlockTokens; }

namespace {

// DUET_DEBUG_SYNC=1: synchronise and check after every kernel of an eager
// forward, so an asynchronous fault is pinned to the kernel and layer that
// caused it (never inside a graph capture, where synchronising is illegal).
bool debug_sync_enabled() {
  static const bool on = [] {
    const char* v = std::getenv("DUET_DEBUG_SYNC");
    return v && v[0] == '1';
  }();
  return on;
}

void debug_sync(cudaStream_t stream, const char* what, int layer) {
  if (!debug_sync_enabled()) return;
  cudaStreamCaptureStatus cap = cudaStreamCaptureStatusNone;
  DUET_CUDA(cudaStreamIsCapturing(stream, &cap));
  if (cap != cudaStreamCaptureStatusNone) return;
  const cudaError_t e = cudaStreamSynchronize(stream);
  const cudaError_t l = cudaGetLastError();
  if (e != cudaSuccess || l != cudaSuccess)
    throw std::runtime_error(std::string("forward: after ") + what + " (layer " + std::to_string(layer) +
                             "): " + cudaGetErrorString(e != cudaSuccess ? e : l));
}

}  // namespace

KvStore::KvStore(size_t elems, int copies, unsigned long long seed, cudaStream_t stream) {
  for (int i = 0; i < copies; ++i) {
    k_.emplace_back(elems);
    v_.emplace_back(elems);
    launch_fill_random_bf16(k_.back().get(), elems, seed + 2 * i, 1.f, stream);
    launch_fill_random_bf16(v_.back().get(), elems, seed + 2 * i + 1, 1.f, stream);
    kv_.k.push_back(k_.back().get());
    kv_.v.push_back(v_.back().get());
  }
}

size_t ForwardArena::bytes_for(const ModelConfig& c, const BatchSpec& b, int sm_count) {
  return arena_layout(c, b.num_tokens(), b.num_seqs(), decode_workspace_floats(c, b, sm_count), nullptr, nullptr);
}

bool ForwardArena::reserve(size_t bytes, cudaStream_t fill_stream, bool headroom) {
  if (bytes <= buf_.size()) return false;
  DUET_CUDA(cudaDeviceSynchronize());
  buf_ = DeviceBuffer<unsigned char>();  // free first: old and new may not fit together
  // With headroom, grow by a quarter beyond the need so a run of slowly
  // growing batches reallocates a handful of times, not every step.
  buf_ = DeviceBuffer<unsigned char>(align_up(headroom ? bytes + bytes / 4 : bytes));
  // The embedding stand-in reads its input rows from here: real-looking data, not zeros.
  launch_fill_random_bf16(reinterpret_cast<__nv_bfloat16*>(buf_.get()), buf_.size() / 2, 1000, 1.f, fill_stream);
  DUET_CUDA(cudaStreamSynchronize(fill_stream));
  return true;
}

ForwardBatch::ForwardBatch(const ModelWeights& weights, const BatchSpec& batch, int kv_copies, int sm_count,
                           cudaStream_t stream)
    : w_(weights), batch_(batch) {
  const ModelConfig& c = w_.config();
  // Each sequence owns a contiguous run of cache blocks.
  std::vector<std::vector<int>> runs;
  int next_block = 0;
  auto run_of = [&](int tokens) {
    std::vector<int> r((size_t)blocks_for(tokens));
    for (auto& b : r) b = next_block++;
    runs.push_back(std::move(r));
  };
  for (const auto& ch : batch.prefills) run_of(ch.cached + ch.new_tokens);
  for (int ctx : batch.decode_contexts) run_of(ctx);
  std::vector<const std::vector<int>*> blocks;
  for (const auto& r : runs) blocks.push_back(&r);
  const std::vector<int> meta = init(batch, blocks, sm_count);
  own_meta_ = DeviceBuffer<int>(meta.size());
  own_meta_.upload(meta);
  meta_ = own_meta_.get();
  own_arena_.reserve(ForwardArena::bytes_for(c, batch, sm_count), stream, false);
  carve(own_arena_.get());
  own_kv_ = std::make_unique<KvStore>((size_t)next_block * kBlockTokens * c.hkv * c.dh, kv_copies, 2000, stream);
  kv_ = own_kv_->caches();
  DUET_CUDA(cudaStreamSynchronize(stream));
}

ForwardBatch::ForwardBatch(const ModelWeights& weights, const BatchSpec& batch,
                           const std::vector<const std::vector<int>*>& blocks, const KvCaches& kv,
                           const ForwardArena& arena, int sm_count, const MetaPlacer& place)
    : w_(weights), batch_(batch), kv_(kv) {
  if (kv_.k.empty() || kv_.k.size() != kv_.v.size()) throw std::invalid_argument("ForwardBatch: no KV caches");
  if (arena.size() < ForwardArena::bytes_for(w_.config(), batch, sm_count))
    throw std::logic_error("ForwardBatch: the arena was not reserved for this batch");
  meta_ = place(init(batch, blocks, sm_count));
  carve(arena.get());
}

void ForwardBatch::carve(unsigned char* base) {
  ArenaPtrs p;
  const size_t ws = num_splits_ ? attn_decode_workspace_floats(decode_seqs_, w_.config().hq, num_splits_, w_.config().dh)
                                : 0;
  arena_layout(w_.config(), n_, seqs_, ws, base, &p);
  input_ = p.input;
  residual_ = p.residual;
  normed_ = p.normed;
  qkv_ = p.qkv;
  q_ = p.q;
  attn_ = p.attn;
  o_ = p.o;
  gate_up_ = p.gate_up;
  act_ = p.act;
  down_ = p.down;
  last_ = p.last;
  logits_ = p.logits;
  workspace_ = ws ? p.workspace : nullptr;
}

std::vector<int> ForwardBatch::init(const BatchSpec& batch, const std::vector<const std::vector<int>*>& blocks,
                                   int sm_count) {
  const ModelConfig& c = w_.config();
  n_ = batch.num_tokens();
  seqs_ = batch.num_seqs();
  prefill_seqs_ = (int)batch.prefills.size();
  decode_seqs_ = (int)batch.decode_contexts.size();
  if ((int)blocks.size() != seqs_) throw std::logic_error("ForwardBatch: one block list per sequence");
  auto check_cover = [&](int s, int tokens) {
    if ((int)blocks[s]->size() < blocks_for(tokens))
      throw std::logic_error("ForwardBatch: sequence " + std::to_string(s) + " has " +
                             std::to_string(blocks[s]->size()) + " blocks for " + std::to_string(tokens) + " tokens");
  };
  for (int s = 0; s < prefill_seqs_; ++s) {
    const PrefillChunk& ch = batch.prefills[s];
    check_cover(s, ch.cached + ch.new_tokens);
    prefill_tokens_ += ch.new_tokens;
    max_new_ = std::max(max_new_, ch.new_tokens);
    prefill_max_blocks_ = std::max(prefill_max_blocks_, blocks_for(ch.cached + ch.new_tokens));
  }
  int max_ctx = 0;
  for (int s = 0; s < decode_seqs_; ++s) {
    const int ctx = batch.decode_contexts[s];
    check_cover(prefill_seqs_ + s, ctx);
    max_ctx = std::max(max_ctx, ctx);
    decode_max_blocks_ = std::max(decode_max_blocks_, blocks_for(ctx));
  }

  // Host-side metadata: token positions, cache slots, block tables.
  std::vector<int> positions, slots, pf_table((size_t)prefill_seqs_ * std::max(prefill_max_blocks_, 1), 0),
      pf_q_start, pf_cached, dc_table((size_t)decode_seqs_ * std::max(decode_max_blocks_, 1), 0), dc_context, last_rows;
  auto slot_of = [&](const std::vector<int>& bl, int pos) { return bl[pos / kBlockTokens] * kBlockTokens + pos % kBlockTokens; };
  int row = 0;
  pf_q_start.push_back(0);
  for (int s = 0; s < prefill_seqs_; ++s) {
    const PrefillChunk& ch = batch.prefills[s];
    const std::vector<int>& bl = *blocks[s];
    const int nb = blocks_for(ch.cached + ch.new_tokens);
    for (int b = 0; b < nb; ++b) pf_table[(size_t)s * prefill_max_blocks_ + b] = bl[b];
    for (int i = 0; i < ch.new_tokens; ++i) {
      const int pos = ch.cached + i;
      positions.push_back(pos);
      slots.push_back(slot_of(bl, pos));
    }
    row += ch.new_tokens;
    last_rows.push_back(row - 1);
    pf_q_start.push_back(row);
    pf_cached.push_back(ch.cached);
  }
  for (int s = 0; s < decode_seqs_; ++s) {
    const int ctx = batch.decode_contexts[s];
    const std::vector<int>& bl = *blocks[prefill_seqs_ + s];
    const int nb = blocks_for(ctx);
    for (int b = 0; b < nb; ++b) dc_table[(size_t)s * decode_max_blocks_ + b] = bl[b];
    positions.push_back(ctx - 1);
    slots.push_back(slot_of(bl, ctx - 1));
    last_rows.push_back(row++);
    dc_context.push_back(ctx);
  }
  // cuDNN's view of the prefill chunks (attn_cudnn.cpp): lengths and element offsets of each chunk in
  // q/attn (rows of hq·dh) and in the fused QKV rows (K/V read in place when no chunk has a cached prefix).
  const int qkv_row = (c.hq + 2 * c.hkv) * c.dh;
  std::vector<int> pf_seq_q, pf_seq_kv, pf_q_off, pf_kv_off;
  for (int s = 0; s < prefill_seqs_; ++s) {
    pf_seq_q.push_back(batch.prefills[s].new_tokens);
    pf_seq_kv.push_back(batch.prefills[s].cached + batch.prefills[s].new_tokens);
  }
  for (int q0 : pf_q_start) {
    if ((long long)q0 * qkv_row > INT32_MAX) throw std::invalid_argument("ForwardBatch: prefill too long for int32 offsets");
    pf_q_off.push_back(q0 * c.hq * c.dh);
    pf_kv_off.push_back(q0 * qkv_row);
  }
  pf_cached_lens_ = pf_cached;
  pf_new_lens_ = pf_seq_q;
  sm_count_ = sm_count;
  prefill_impl_ = prefill_seqs_ > 0 ? attn_prefill_impl(batch.prefills) : AttnImpl::Own;
  decode_impl_ = decode_seqs_ > 0 ? attn_decode_impl() : AttnImpl::Own;
  cache_blocks_ = 0;
  for (const auto* bl : blocks)
    for (int b : *bl) cache_blocks_ = std::max(cache_blocks_, b + 1);
  std::vector<int> meta;
  auto put = [&](const std::vector<int>& v) {
    const size_t at = meta.size();
    meta.insert(meta.end(), v.begin(), v.end());
    return at;
  };
  positions_ = put(positions);
  slots_ = put(slots);
  pf_table_ = put(pf_table);
  pf_q_start_ = put(pf_q_start);
  pf_cached_ = put(pf_cached);
  dc_table_ = put(dc_table);
  dc_context_ = put(dc_context);
  last_rows_ = put(last_rows);
  pf_seq_q_ = put(pf_seq_q);
  pf_seq_kv_ = put(pf_seq_kv);
  pf_q_off_ = put(pf_q_off);
  pf_kv_off_ = put(pf_kv_off);
  if (decode_seqs_ > 0) {
    const AttnDecodeSplit sp = attn_decode_choose_split(decode_seqs_, c.hkv, max_ctx, sm_count);
    split_tokens_ = sp.split_tokens;
    num_splits_ = sp.num_splits;
  }
  return meta;
}

void ForwardBatch::enqueue(cudaStream_t stream, GemmHandle* gemm) const {
  const ModelConfig& c = w_.config();
  const int qkv_w = (c.hq + 2 * c.hkv) * c.dh, qd = c.hq * c.dh;
  const int* meta = meta_;
  const float scale = 1.f / std::sqrt((float)c.dh);
  launch_copy_bytes(residual_, input_, (size_t)n_ * c.hidden * 2, stream);
  debug_sync(stream, "embedding copy", -1);
  auto gemm_op = [&](const __nv_bfloat16* x, const __nv_bfloat16* w, __nv_bfloat16* y, int rows, int d_in, int d_out) {
    launch_gemm(GemmParams{x, w, y, rows, d_in, d_out, gemm}, stream);
  };
  for (int l = 0; l < c.num_layers; ++l) {
    const LayerWeights& lw = w_.layer(l);
    __nv_bfloat16* kc = kv_.k[l % kv_.k.size()];
    __nv_bfloat16* vc = kv_.v[l % kv_.v.size()];
    launch_add_rmsnorm(AddRmsNormParams{residual_, l == 0 ? nullptr : down_, normed_, lw.ln1, n_,
                                        c.hidden, c.norm_eps},
                       stream);
    debug_sync(stream, "add_rmsnorm 1", l);
    gemm_op(normed_, lw.w_qkv, qkv_, n_, c.hidden, qkv_w);
    debug_sync(stream, "qkv gemm", l);
    if (c.qk_norm)
      launch_qk_norm(QkNormParams{qkv_, lw.q_norm, lw.k_norm, n_, qkv_w, c.hq, c.hkv, c.dh, c.norm_eps}, stream);
    launch_rope(RopeParams{qkv_, q_, meta + positions_, n_, qkv_w, c.hq, c.hkv, c.dh, c.rope_theta},
                stream);
    launch_kv_cache_write(KvCacheWriteParams{qkv_ + qd, qkv_ + qd + c.hkv * c.dh, meta + slots_, kc, vc,
                                             n_, qkv_w, c.hkv, c.dh},
                          stream);
    debug_sync(stream, "qk_norm/rope/kv_cache_write", l);
    if (prefill_seqs_ > 0) {
      AttnPrefillParams ap{};
      ap.q = q_;
      ap.k_cache = kc;
      ap.v_cache = vc;
      ap.block_table = meta + pf_table_;
      ap.q_start = meta + pf_q_start_;
      ap.cached_len = meta + pf_cached_;
      ap.out = attn_;
      ap.num_seqs = prefill_seqs_;
      ap.hq = c.hq;
      ap.hkv = c.hkv;
      ap.dh = c.dh;
      ap.block_tokens = kBlockTokens;
      ap.max_blocks_per_seq = prefill_max_blocks_;
      ap.max_new_tokens = max_new_;
      ap.scale = scale;
      if (prefill_impl_ == AttnImpl::Own) {
        launch_attn_prefill(ap, stream);
      } else {
        if (!cudnn_prefill_) {
          CudnnAttnShape shape{true, prefill_seqs_, c.hq, c.hkv, c.dh, kBlockTokens, prefill_max_blocks_,
                               cache_blocks_, max_new_, sm_count_};
          choose_cudnn_causal(pf_cached_lens_, shape);
          if (shape.dense_kv) shape.kv_row_stride = qkv_w;
          choose_cudnn_uniform(pf_new_lens_, shape);
          cudnn_prefill_ = make_cudnn_attn_plan(shape);
        }
        CudnnAttnArgs ca{q_, kc, vc, ap.block_table, meta + pf_seq_q_, meta + pf_seq_kv_, meta + pf_q_off_, attn_, scale};
        if (cudnn_attn_plan_dense_kv(cudnn_prefill_.get())) {
          // No cached prefix: K (rotated in place) and V straight from this layer's fused QKV rows.
          ca.k_cache = qkv_ + qd;
          ca.v_cache = qkv_ + qd + c.hkv * c.dh;
          ca.kv_offset = meta + pf_kv_off_;
        }
        launch_attn_cudnn(cudnn_prefill_.get(), ca, stream);
      }
      debug_sync(stream, "attn_prefill", l);
    }
    if (decode_seqs_ > 0) {
      AttnDecodeParams dp{};
      dp.q = q_ + (size_t)prefill_tokens_ * qd;
      dp.k_cache = kc;
      dp.v_cache = vc;
      dp.block_table = meta + dc_table_;
      dp.context_len = meta + dc_context_;
      dp.out = attn_ + (size_t)prefill_tokens_ * qd;
      dp.workspace = workspace_;
      dp.num_seqs = decode_seqs_;
      dp.hq = c.hq;
      dp.hkv = c.hkv;
      dp.dh = c.dh;
      dp.block_tokens = kBlockTokens;
      dp.max_blocks_per_seq = decode_max_blocks_;
      dp.split_tokens = split_tokens_;
      dp.num_splits = num_splits_;
      dp.scale = scale;
      dp.num_cache_blocks = cache_blocks_;
      if (decode_impl_ == AttnImpl::Own) {
        launch_attn_decode(dp, stream);
      } else {
        if (!cudnn_decode_)
          cudnn_decode_ = make_cudnn_attn_plan(
              {false, decode_seqs_, c.hq, c.hkv, c.dh, kBlockTokens, decode_max_blocks_, cache_blocks_, 1, sm_count_});
        launch_attn_cudnn(cudnn_decode_.get(),
                          {dp.q, kc, vc, dp.block_table, nullptr, dp.context_len, nullptr, dp.out, scale}, stream);
      }
      debug_sync(stream, "attn_decode", l);
    }
    gemm_op(attn_, lw.w_o, o_, n_, qd, c.hidden);
    launch_add_rmsnorm(AddRmsNormParams{residual_, o_, normed_, lw.ln2, n_, c.hidden, c.norm_eps},
                       stream);
    gemm_op(normed_, lw.w_gate_up, gate_up_, n_, c.hidden, 2 * c.ffn);
    launch_silu_mul(SiluMulParams{gate_up_, act_, n_, c.ffn}, stream);
    gemm_op(act_, lw.w_down, down_, n_, c.ffn, c.hidden);
    debug_sync(stream, "o gemm / mlp", l);
  }
  launch_add_rmsnorm(
      AddRmsNormParams{residual_, down_, normed_, w_.final_norm(), n_, c.hidden, c.norm_eps}, stream);
  launch_gather_rows(GatherRowsParams{normed_, meta + last_rows_, last_, seqs_, c.hidden}, stream);
  gemm_op(last_, w_.lm_head(), logits_, seqs_, c.hidden, c.vocab);
  debug_sync(stream, "final norm / lm head", c.num_layers);
}

}  // namespace duet
