#include "op_sets.h"

#include "../kernels/kernels.h"

#include <algorithm>
#include <cmath>

namespace duet {

namespace {

constexpr int kDh = 128;
constexpr int kBlockTokens = 16;

int blocks_for(int t) { return (t + kBlockTokens - 1) / kBlockTokens; }

// Gemm shape of an experiment (op gemm, or the ceiling's m x n x k).
void gemm_shape(const Experiment& e, int& n, int& d_in, int& d_out) {
  if (e.kind == ExperimentKind::CeilingGemm) {
    n = (int)e.n;
    d_in = (int)e.k;
    d_out = (int)e.m;
  } else {
    n = e.tokens;
    d_in = e.d_in;
    d_out = e.d_out;
  }
}

struct PagedLayout {
  std::vector<int> table;  // [seqs, max_blocks], contiguous runs per sequence
  int max_blocks = 1, total_blocks = 0;
};

PagedLayout paged(const std::vector<int>& lens) {
  PagedLayout p;
  for (int l : lens) p.max_blocks = std::max(p.max_blocks, blocks_for(l));
  p.table.assign(lens.size() * p.max_blocks, 0);
  for (size_t s = 0; s < lens.size(); ++s)
    for (int b = 0; b < blocks_for(lens[s]); ++b) p.table[s * p.max_blocks + b] = p.total_blocks++;
  return p;
}

std::vector<int> prefill_lens(const Experiment& e) {
  std::vector<int> lens;
  for (const auto& c : e.chunks) lens.push_back(c.cached + c.new_tokens);
  return lens;
}

}  // namespace

size_t op_set_bytes(const Experiment& e, int sm_count) {
  if (e.kind == ExperimentKind::CeilingGemm || (e.kind == ExperimentKind::Op && e.op == OpKind::Gemm)) {
    int n, d_in, d_out;
    gemm_shape(e, n, d_in, d_out);
    return ((size_t)n * d_in + (size_t)d_out * d_in + (size_t)n * d_out) * 2;
  }
  if (e.kind == ExperimentKind::CeilingBandwidth) return (size_t)e.bytes;
  switch (e.op) {
    case OpKind::AttnPrefill: {
      size_t tokens = 0;
      for (const auto& c : e.chunks) tokens += c.new_tokens;
      const PagedLayout p = paged(prefill_lens(e));
      return tokens * e.hq * kDh * 2 * 2 + (size_t)p.total_blocks * kBlockTokens * e.hkv * kDh * 2 * 2 +
             p.table.size() * 4 + e.chunks.size() * 8 + 8;
    }
    case OpKind::AttnDecode: {
      const size_t seqs = e.contexts.size();
      const PagedLayout p = paged(e.contexts);
      const int max_ctx = *std::max_element(e.contexts.begin(), e.contexts.end());
      const AttnDecodeSplit sp = attn_decode_choose_split((int)seqs, e.hkv, max_ctx, sm_count);
      return seqs * e.hq * kDh * 2 * 2 + (size_t)p.total_blocks * kBlockTokens * e.hkv * kDh * 2 * 2 +
             p.table.size() * 4 + seqs * 4 + attn_decode_workspace_floats((int)seqs, e.hq, sp.num_splits, kDh) * 4;
    }
    case OpKind::Elementwise: {
      const size_t n = e.tokens, d = e.dim;
      switch (e.which) {
        case ElementwiseKind::AddRmsNorm: return (3 * n * d + d) * 2;
        case ElementwiseKind::Rope: return 2 * n * d * 2 + n * 4;
        case ElementwiseKind::QkNorm: return n * d * 2 + 2 * kDh * 2;
        case ElementwiseKind::SiluMul: return 3 * n * d * 2;
      }
      break;
    }
    case OpKind::Gemm: break;
  }
  return 0;
}

std::unique_ptr<OpSets> build_op_sets(const Experiment& e, int sets, int sm_count, GemmHandle* gemm,
                                      cudaStream_t stream) {
  auto o = std::make_unique<OpSets>();
  unsigned long long seed = 7;
  auto random = [&](size_t n, float scale) {
    o->bf16.emplace_back(n);
    launch_fill_random_bf16(o->bf16.back().get(), n, seed++, scale, stream);
    return o->bf16.back().get();
  };
  auto ints = [&](const std::vector<int>& v) {
    o->ints.emplace_back(v.size());
    o->ints.back().upload(v);
    return o->ints.back().get();
  };
  o->bf16.reserve(8 * sets);  // pointers taken above stay valid: DeviceBuffer moves keep the device pointer

  if (e.kind == ExperimentKind::CeilingBandwidth) {
    for (int s = 0; s < sets; ++s) {
      const size_t half = (size_t)e.bytes / 2;
      __nv_bfloat16* src = random(half / 2, 1.f);
      __nv_bfloat16* dst = random(half / 2, 1.f);
      o->launches.push_back([=](cudaStream_t st) { launch_copy_bytes(dst, src, half, st); });
    }
  } else if (e.kind == ExperimentKind::CeilingGemm || e.op == OpKind::Gemm) {
    int n, d_in, d_out;
    gemm_shape(e, n, d_in, d_out);
    for (int s = 0; s < sets; ++s) {
      __nv_bfloat16* x = random((size_t)n * d_in, 1.f);
      __nv_bfloat16* w = random((size_t)d_out * d_in, std::sqrt(3.f / d_in));
      __nv_bfloat16* y = random((size_t)n * d_out, 1.f);
      o->launches.push_back([=](cudaStream_t st) { launch_gemm(GemmParams{x, w, y, n, d_in, d_out, gemm}, st); });
    }
  } else if (e.op == OpKind::AttnPrefill) {
    const PagedLayout p = paged(prefill_lens(e));
    std::vector<int> q_start{0}, cached;
    int max_new = 0;
    for (const auto& c : e.chunks) {
      q_start.push_back(q_start.back() + c.new_tokens);
      cached.push_back(c.cached);
      max_new = std::max(max_new, c.new_tokens);
    }
    const int* table = ints(p.table);
    const int* qs = ints(q_start);
    const int* cl = ints(cached);
    const size_t cache = (size_t)p.total_blocks * kBlockTokens * e.hkv * kDh;
    for (int s = 0; s < sets; ++s) {
      AttnPrefillParams ap{};
      ap.q = random((size_t)q_start.back() * e.hq * kDh, 2.f);
      ap.k_cache = random(cache, 1.f);
      ap.v_cache = random(cache, 1.f);
      ap.out = random((size_t)q_start.back() * e.hq * kDh, 1.f);
      ap.block_table = table;
      ap.q_start = qs;
      ap.cached_len = cl;
      ap.num_seqs = (int)e.chunks.size();
      ap.hq = e.hq;
      ap.hkv = e.hkv;
      ap.dh = kDh;
      ap.block_tokens = kBlockTokens;
      ap.max_blocks_per_seq = p.max_blocks;
      ap.max_new_tokens = max_new;
      ap.scale = 1.f / std::sqrt((float)kDh);
      if (attn_prefill_impl(e.chunks) == AttnImpl::Own) {
        o->launches.push_back([=](cudaStream_t st) { launch_attn_prefill(ap, st); });
        continue;
      }
      // cuDNN: one plan for every set; the metadata is built here, once, as an
      // engine builds it once a step for all layers (not part of the op's time).
      const int seqs = ap.num_seqs;
      if (!o->cudnn) {
        CudnnAttnShape shape{true, seqs, e.hq, e.hkv, kDh, kBlockTokens, p.max_blocks, p.total_blocks, max_new, sm_count};
        choose_cudnn_causal(cached, shape);
        std::vector<int> fresh;
        for (const PrefillChunk& c : e.chunks) fresh.push_back(c.new_tokens);
        choose_cudnn_uniform(fresh, shape);
        o->cudnn = make_cudnn_attn_plan(shape);
      }
      o->ints.emplace_back(seqs);
      int* seq_q = o->ints.back().get();
      o->ints.emplace_back(seqs);
      int* seq_kv = o->ints.back().get();
      o->ints.emplace_back(seqs + 1);
      int* q_off = o->ints.back().get();
      o->ints.emplace_back(seqs + 1);
      int* kv_off = o->ints.back().get();
      launch_attn_cudnn_prefill_meta(qs, cl, seqs, e.hq, kDh, seq_q, seq_kv, q_off, stream, e.hkv * kDh, kv_off);
      CudnnAttnArgs ca{ap.q, ap.k_cache, ap.v_cache, table, seq_q, seq_kv, q_off, ap.out, ap.scale, kv_off};
      if (o->cudnn && cudnn_attn_plan_dense_kv(o->cudnn.get())) {
        // The chunks' own K/V rows as the QKV projection leaves them (no cache read).
        ca.k_cache = random((size_t)q_start.back() * e.hkv * kDh, 1.f);
        ca.v_cache = random((size_t)q_start.back() * e.hkv * kDh, 1.f);
      }
      CudnnAttnPlan* plan = o->cudnn.get();
      o->launches.push_back([=](cudaStream_t st) { launch_attn_cudnn(plan, ca, st); });
    }
  } else if (e.op == OpKind::AttnDecode) {
    const int seqs = (int)e.contexts.size();
    const PagedLayout p = paged(e.contexts);
    const int max_ctx = *std::max_element(e.contexts.begin(), e.contexts.end());
    const AttnDecodeSplit sp = attn_decode_choose_split(seqs, e.hkv, max_ctx, sm_count);
    const int* table = ints(p.table);
    const int* ctx = ints(e.contexts);
    const size_t cache = (size_t)p.total_blocks * kBlockTokens * e.hkv * kDh;
    for (int s = 0; s < sets; ++s) {
      AttnDecodeParams dp{};
      dp.q = random((size_t)seqs * e.hq * kDh, 2.f);
      dp.k_cache = random(cache, 1.f);
      dp.v_cache = random(cache, 1.f);
      dp.out = random((size_t)seqs * e.hq * kDh, 1.f);
      o->floats.emplace_back(attn_decode_workspace_floats(seqs, e.hq, sp.num_splits, kDh));
      dp.workspace = o->floats.back().get();
      dp.block_table = table;
      dp.context_len = ctx;
      dp.num_seqs = seqs;
      dp.hq = e.hq;
      dp.hkv = e.hkv;
      dp.dh = kDh;
      dp.block_tokens = kBlockTokens;
      dp.max_blocks_per_seq = p.max_blocks;
      dp.split_tokens = sp.split_tokens;
      dp.num_splits = sp.num_splits;
      dp.scale = 1.f / std::sqrt((float)kDh);
      dp.num_cache_blocks = p.total_blocks;
      if (attn_decode_impl() == AttnImpl::Own) {
        o->launches.push_back([=](cudaStream_t st) { launch_attn_decode(dp, st); });
        continue;
      }
      if (!o->cudnn)
        o->cudnn = make_cudnn_attn_plan({false, seqs, e.hq, e.hkv, kDh, kBlockTokens, p.max_blocks, p.total_blocks, 1,
                                         sm_count});
      const CudnnAttnArgs ca{dp.q, dp.k_cache, dp.v_cache, table, nullptr, ctx, nullptr, dp.out, dp.scale};
      CudnnAttnPlan* plan = o->cudnn.get();
      o->launches.push_back([=](cudaStream_t st) { launch_attn_cudnn(plan, ca, st); });
    }
  } else {
    const int n = e.tokens, d = e.dim, heads = e.dim / kDh;
    std::vector<int> positions(n);
    for (int i = 0; i < n; ++i) positions[i] = (i * 7919) % 32768;
    const int* pos = e.which == ElementwiseKind::Rope ? ints(positions) : nullptr;
    const float eps = 1e-6f;
    for (int s = 0; s < sets; ++s) {
      switch (e.which) {
        case ElementwiseKind::AddRmsNorm: {
          __nv_bfloat16 *res = random((size_t)n * d, 1.f), *x = random((size_t)n * d, 1.f),
                        *out = random((size_t)n * d, 1.f), *w = random(d, 1.f);
          o->launches.push_back(
              [=](cudaStream_t st) { launch_add_rmsnorm(AddRmsNormParams{res, x, out, w, n, d, eps}, st); });
          break;
        }
        case ElementwiseKind::Rope: {
          // dim = (hq+hkv)·dh of the fused qkv row: every head is rotated; all
          // are written out-of-place here (same bytes as q out, k in place).
          __nv_bfloat16 *qk = random((size_t)n * d, 1.f), *out = random((size_t)n * d, 1.f);
          o->launches.push_back(
              [=](cudaStream_t st) { launch_rope(RopeParams{qk, out, pos, n, d, heads, 0, kDh, 1e6f}, st); });
          break;
        }
        case ElementwiseKind::QkNorm: {
          __nv_bfloat16 *qk = random((size_t)n * d, 1.f), *qw = random(kDh, 1.f), *kw = random(kDh, 1.f);
          o->launches.push_back(
              [=](cudaStream_t st) { launch_qk_norm(QkNormParams{qk, qw, kw, n, d, heads, 0, kDh, eps}, st); });
          break;
        }
        case ElementwiseKind::SiluMul: {
          __nv_bfloat16 *gu = random((size_t)n * 2 * d, 2.f), *out = random((size_t)n * d, 1.f);
          o->launches.push_back([=](cudaStream_t st) { launch_silu_mul(SiluMulParams{gu, out, n, d}, st); });
          break;
        }
      }
    }
  }
  DUET_CUDA(cudaStreamSynchronize(stream));
  return o;
}

}  // namespace duet
