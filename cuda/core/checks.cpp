#include "checks.h"

#include "../kernels/kernels.h"
#include "device_buffer.h"
#include "json.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

namespace duet {

namespace {

constexpr int kDh = 128;
constexpr int kBlockTokens = 16;

double to_double(__nv_bfloat16 v) {
  unsigned short bits;
  std::memcpy(&bits, &v, 2);
  const unsigned int wide = (unsigned int)bits << 16;
  float f;
  std::memcpy(&f, &wide, 4);
  return f;
}

std::vector<double> to_double(const std::vector<__nv_bfloat16>& v) {
  std::vector<double> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = to_double(v[i]);
  return out;
}

// ‖out − ref‖ / ‖ref‖ accumulated over every compared element.
struct ErrAcc {
  double num = 0, den = 0;
  long long n = 0;
  void add(double out, double ref) {
    num += (out - ref) * (out - ref);
    den += ref * ref;
    ++n;
  }
  double rel() const { return std::sqrt(num) / std::sqrt(den); }
};

class Fixture {
 public:
  Fixture(cudaStream_t s, unsigned long long seed) : s_(s), rng_(seed), seed_(seed * 1000003ull) {}
  std::mt19937_64& rng() { return rng_; }

  Bf16Buffer random(size_t n, float scale) {
    Bf16Buffer b(n);
    launch_fill_random_bf16(b.get(), n, seed_++, scale, s_);
    return b;
  }
  Bf16Buffer poisoned(size_t n) {
    Bf16Buffer b(n);
    launch_fill_bits_bf16(b.get(), n, kPoisonBf16, s_);
    return b;
  }
  DeviceBuffer<int> ints(const std::vector<int>& v) {
    DeviceBuffer<int> b(v.size());
    b.upload(v);
    return b;
  }
  long long nonfinite(const Bf16Buffer& b) {
    DeviceBuffer<unsigned long long> counter(1);
    DUET_CUDA(cudaMemsetAsync(counter.get(), 0, sizeof(unsigned long long), s_));
    launch_count_nonfinite_bf16(b.get(), b.size(), counter.get(), s_);
    sync();
    return (long long)counter.download()[0];
  }
  void sync() { DUET_CUDA(cudaStreamSynchronize(s_)); }

  // Rows to compare: all when few, else the first, the last and random others.
  std::vector<int> sample(int n, int max_rows) {
    std::vector<int> rows;
    if (n <= max_rows) {
      rows.resize(n);
      std::iota(rows.begin(), rows.end(), 0);
      return rows;
    }
    rows = {0, n - 1};
    std::uniform_int_distribution<int> pick(1, n - 2);
    while ((int)rows.size() < std::max(max_rows, 2)) {
      const int r = pick(rng_);
      if (std::find(rows.begin(), rows.end(), r) == rows.end()) rows.push_back(r);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

 private:
  cudaStream_t s_;
  std::mt19937_64 rng_;
  unsigned long long seed_;
};

CheckResult finish(const std::string& name, const ErrAcc& acc, long long nonfinite, double extra_rel = 0) {
  CheckResult r;
  r.name = name;
  r.rel_err = std::max(acc.rel(), extra_rel);
  r.nonfinite = nonfinite;
  r.compared = acc.n;
  r.passed = nonfinite == 0 && acc.n > 0 && std::isfinite(r.rel_err) && r.rel_err <= r.threshold;
  return r;
}

std::vector<double> row(const Bf16Buffer& b, size_t r, size_t width) { return to_double(b.download(r * width, width)); }

// Gathers one sequence's first `tokens` K (or V) rows from a paged cache:
// [tokens][hkv][dh].
std::vector<double> gather_seq(const Bf16Buffer& cache, const std::vector<int>& table, int tokens, int hkv) {
  const size_t per_block = (size_t)kBlockTokens * hkv * kDh;
  std::vector<double> out;
  out.reserve((size_t)tokens * hkv * kDh);
  for (int b = 0; b * kBlockTokens < tokens; ++b) {
    std::vector<double> blk = to_double(cache.download((size_t)table[b] * per_block, per_block));
    const int in_block = std::min(kBlockTokens, tokens - b * kBlockTokens);
    out.insert(out.end(), blk.begin(), blk.begin() + (size_t)in_block * hkv * kDh);
  }
  return out;
}

// Softmax attention of one query head over keys 0..len-1 of kv head `kvh`.
void ref_attention(const double* q, const std::vector<double>& k, const std::vector<double>& v, int len, int hkv,
                   int kvh, double scale, double* out) {
  std::vector<double> p(len);
  double mx = -1e300;
  for (int t = 0; t < len; ++t) {
    const double* kr = &k[((size_t)t * hkv + kvh) * kDh];
    double s = 0;
    for (int d = 0; d < kDh; ++d) s += q[d] * kr[d];
    p[t] = s * scale;
    mx = std::max(mx, p[t]);
  }
  double sum = 0;
  for (int t = 0; t < len; ++t) sum += (p[t] = std::exp(p[t] - mx));
  for (int d = 0; d < kDh; ++d) out[d] = 0;
  for (int t = 0; t < len; ++t) {
    const double* vr = &v[((size_t)t * hkv + kvh) * kDh];
    for (int d = 0; d < kDh; ++d) out[d] += p[t] / sum * vr[d];
  }
}

// A random placement of each sequence's blocks in the cache, so a kernel
// that assumed contiguous blocks would fail.
std::vector<std::vector<int>> shuffled_tables(const std::vector<int>& seq_tokens, std::mt19937_64& rng, int& total) {
  total = 0;
  for (int t : seq_tokens) total += (t + kBlockTokens - 1) / kBlockTokens;
  std::vector<int> perm(total);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<std::vector<int>> tables;
  int next = 0;
  for (int t : seq_tokens) {
    const int nb = (t + kBlockTokens - 1) / kBlockTokens;
    tables.emplace_back(perm.begin() + next, perm.begin() + next + nb);
    next += nb;
  }
  return tables;
}

std::vector<int> flatten_tables(const std::vector<std::vector<int>>& tables, int& max_blocks) {
  max_blocks = 1;
  for (const auto& t : tables) max_blocks = std::max(max_blocks, (int)t.size());
  std::vector<int> flat(tables.size() * max_blocks, 0);
  for (size_t s = 0; s < tables.size(); ++s) std::copy(tables[s].begin(), tables[s].end(), flat.begin() + s * max_blocks);
  return flat;
}

}  // namespace

CheckResult check_gemm(cudaStream_t s, GemmHandle* h, int n, int d_in, int d_out, const CheckOptions& o) {
  Fixture f(s, o.seed);
  Bf16Buffer x = f.random((size_t)n * d_in, 1.f), w = f.random((size_t)d_out * d_in, 1.f);
  Bf16Buffer y = f.poisoned((size_t)n * d_out);
  launch_gemm(GemmParams{x.get(), w.get(), y.get(), n, d_in, d_out, h}, s);
  const long long bad = f.nonfinite(y);
  // Compare sampled rows over a window of output columns.
  const int cols = std::min(d_out, 256);
  const int c0 = d_out > cols ? std::uniform_int_distribution<int>(0, (d_out - cols) / 8)(f.rng()) * 8 : 0;
  const std::vector<double> wd = to_double(w.download((size_t)c0 * d_in, (size_t)cols * d_in));
  ErrAcc acc;
  for (int r : f.sample(n, o.max_rows)) {
    const std::vector<double> xr = row(x, r, d_in);
    const std::vector<double> yr = to_double(y.download((size_t)r * d_out + c0, cols));
    for (int c = 0; c < cols; ++c) {
      double ref = 0;
      for (int k = 0; k < d_in; ++k) ref += xr[k] * wd[(size_t)c * d_in + k];
      acc.add(yr[c], ref);
    }
  }
  return finish("gemm n=" + std::to_string(n) + " d_in=" + std::to_string(d_in) + " d_out=" + std::to_string(d_out),
                acc, bad);
}

CheckResult check_add_rmsnorm(cudaStream_t s, int n, int dim, bool with_add, const CheckOptions& o) {
  Fixture f(s, o.seed);
  Bf16Buffer res = f.random((size_t)n * dim, 2.f), x = f.random((size_t)n * dim, 1.f), w = f.random(dim, 1.f);
  Bf16Buffer out = f.poisoned((size_t)n * dim);
  f.sync();
  const std::vector<int> rows = f.sample(n, o.max_rows);
  std::vector<std::vector<double>> res_before, x_rows;
  for (int r : rows) {
    res_before.push_back(row(res, r, dim));
    x_rows.push_back(row(x, r, dim));
  }
  const float eps = 1e-6f;
  launch_add_rmsnorm(AddRmsNormParams{res.get(), with_add ? x.get() : nullptr, out.get(), w.get(), n, dim, eps}, s);
  const long long bad = f.nonfinite(out) + f.nonfinite(res);
  const std::vector<double> wd = to_double(w.download());
  ErrAcc acc, acc_res;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::vector<double> r = res_before[i];
    if (with_add)
      for (int c = 0; c < dim; ++c) r[c] += x_rows[i][c];
    double sq = 0;
    for (double v : r) sq += v * v;
    const double inv = 1.0 / std::sqrt(sq / dim + eps);
    const std::vector<double> got = row(out, rows[i], dim), got_res = row(res, rows[i], dim);
    for (int c = 0; c < dim; ++c) {
      acc.add(got[c], r[c] * inv * wd[c]);
      acc_res.add(got_res[c], r[c]);
    }
  }
  return finish(std::string(with_add ? "add_rmsnorm" : "rmsnorm") + " n=" + std::to_string(n) +
                    " dim=" + std::to_string(dim),
                acc, bad, acc_res.rel());
}

CheckResult check_qk_norm(cudaStream_t s, int n, int hq, int hkv, const CheckOptions& o, QkNormLoad load, int tokens) {
  Fixture f(s, o.seed);
  const int width = (hq + 2 * hkv) * kDh;
  Bf16Buffer qkv = f.random((size_t)n * width, 2.f), qw = f.random(kDh, 1.f), kw = f.random(kDh, 1.f);
  f.sync();
  const std::vector<int> rows = f.sample(n, o.max_rows);
  std::vector<std::vector<double>> before;
  for (int r : rows) before.push_back(row(qkv, r, width));
  const float eps = 1e-6f;
  QkNormParams params{qkv.get(), qw.get(), kw.get(), n, width, hq, hkv, kDh, eps, load};
  (load == QkNormLoad::Pipelined ? params.pipeline_tokens : params.bulk_tokens) = tokens;
  launch_qk_norm(params, s);
  const long long bad = f.nonfinite(qkv);
  const std::vector<double> qwd = to_double(qw.download()), kwd = to_double(kw.download());
  ErrAcc acc;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<double> got = row(qkv, rows[i], width);
    for (int h = 0; h < hq + 2 * hkv; ++h) {
      const double* in = &before[i][(size_t)h * kDh];
      double sq = 0;
      for (int d = 0; d < kDh; ++d) sq += in[d] * in[d];
      const double inv = 1.0 / std::sqrt(sq / kDh + eps);
      for (int d = 0; d < kDh; ++d) {
        const double ref = h < hq ? in[d] * inv * qwd[d] : h < hq + hkv ? in[d] * inv * kwd[d] : in[d];  // v untouched
        acc.add(got[(size_t)h * kDh + d], ref);
      }
    }
  }
  const std::string label = load == QkNormLoad::Bulk        ? "[bulk x" + std::to_string(tokens) + "]"
                            : load == QkNormLoad::Pipelined ? "[pipelined x" + std::to_string(tokens) + "]"
                            : load == QkNormLoad::Registers ? "[registers]"
                                                            : "";
  return finish("qk_norm" + label + " n=" + std::to_string(n) + " hq=" + std::to_string(hq) + " hkv=" + std::to_string(hkv),
                acc, bad);
}

CheckResult check_rope(cudaStream_t s, int n, int hq, int hkv, float theta, const CheckOptions& o, int tokens) {
  Fixture f(s, o.seed);
  const int width = (hq + 2 * hkv) * kDh;
  Bf16Buffer qkv = f.random((size_t)n * width, 1.f), q_out = f.poisoned((size_t)n * hq * kDh);
  std::vector<int> pos(n);
  std::uniform_int_distribution<int> pick(0, 16383);
  for (int& p : pos) p = pick(f.rng());
  DeviceBuffer<int> positions = f.ints(pos);
  f.sync();
  const std::vector<int> rows = f.sample(n, o.max_rows);
  std::vector<std::vector<double>> before;
  for (int r : rows) before.push_back(row(qkv, r, width));
  launch_rope(RopeParams{qkv.get(), q_out.get(), positions.get(), n, width, hq, hkv, kDh, theta, tokens}, s);
  const long long bad = f.nonfinite(q_out) + f.nonfinite(qkv);
  ErrAcc acc;
  const int half = kDh / 2;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<double> got_qkv = row(qkv, rows[i], width), got_q = row(q_out, rows[i], (size_t)hq * kDh);
    for (int h = 0; h < hq + 2 * hkv; ++h) {
      const double* in = &before[i][(size_t)h * kDh];
      const double* got = h < hq ? &got_q[(size_t)h * kDh] : &got_qkv[(size_t)h * kDh];
      for (int j = 0; j < half; ++j) {
        if (h >= hq + hkv) {  // v heads are not rotated
          acc.add(got[j], in[j]);
          acc.add(got[j + half], in[j + half]);
          continue;
        }
        const double angle = pos[rows[i]] * std::pow((double)theta, -2.0 * j / kDh);
        acc.add(got[j], in[j] * std::cos(angle) - in[j + half] * std::sin(angle));
        acc.add(got[j + half], in[j + half] * std::cos(angle) + in[j] * std::sin(angle));
      }
    }
  }
  return finish("rope" + (tokens > 0 ? "[x" + std::to_string(tokens) + "]" : std::string()) + " n=" + std::to_string(n) + " hq=" + std::to_string(hq) +
                    " hkv=" + std::to_string(hkv),
                acc, bad);
}

CheckResult check_silu_mul(cudaStream_t s, int n, int dim, const CheckOptions& o) {
  Fixture f(s, o.seed);
  Bf16Buffer gu = f.random((size_t)n * 2 * dim, 4.f), out = f.poisoned((size_t)n * dim);
  launch_silu_mul(SiluMulParams{gu.get(), out.get(), n, dim}, s);
  const long long bad = f.nonfinite(out);
  ErrAcc acc;
  for (int r : f.sample(n, o.max_rows)) {
    const std::vector<double> in = row(gu, r, (size_t)2 * dim), got = row(out, r, dim);
    for (int c = 0; c < dim; ++c) {
      const double g = in[c], u = in[dim + c];
      acc.add(got[c], g / (1 + std::exp(-g)) * u);
    }
  }
  return finish("silu_mul n=" + std::to_string(n) + " dim=" + std::to_string(dim), acc, bad);
}

CheckResult check_kv_cache_write(cudaStream_t s, int n, int hkv, const CheckOptions& o) {
  Fixture f(s, o.seed);
  const int row_w = hkv * kDh, stride = 2 * row_w;
  const int slots = (n + kBlockTokens - 1) / kBlockTokens * kBlockTokens + kBlockTokens;  // spare slots stay poisoned
  std::vector<int> perm(slots);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), f.rng());
  perm.resize(n);
  Bf16Buffer kv = f.random((size_t)n * stride, 1.f);
  Bf16Buffer kc = f.poisoned((size_t)slots * row_w), vc = f.poisoned((size_t)slots * row_w);
  DeviceBuffer<int> map = f.ints(perm);
  launch_kv_cache_write(KvCacheWriteParams{kv.get(), kv.get() + row_w, map.get(), kc.get(), vc.get(), n, stride, hkv, kDh},
                        s);
  // Exactly the unwritten slots may hold poison: fewer means stray writes.
  const long long expected_poison = 2LL * (slots - n) * row_w;
  const long long bad = std::llabs(f.nonfinite(kc) + f.nonfinite(vc) - expected_poison);
  ErrAcc acc;
  for (int t : f.sample(n, o.max_rows)) {
    const std::vector<double> in = row(kv, t, stride), k = row(kc, perm[t], row_w), v = row(vc, perm[t], row_w);
    for (int c = 0; c < row_w; ++c) {
      acc.add(k[c], in[c]);
      acc.add(v[c], in[row_w + c]);
    }
  }
  return finish("kv_cache_write n=" + std::to_string(n) + " hkv=" + std::to_string(hkv), acc, bad);
}

CheckResult check_gather_rows(cudaStream_t s, int n, int dim, const CheckOptions& o) {
  Fixture f(s, o.seed);
  const int m = 2 * n + 1;
  std::vector<int> rows(n);
  std::uniform_int_distribution<int> pick(0, m - 1);
  for (int& r : rows) r = pick(f.rng());
  Bf16Buffer in = f.random((size_t)m * dim, 1.f), out = f.poisoned((size_t)n * dim);
  DeviceBuffer<int> idx = f.ints(rows);
  launch_gather_rows(GatherRowsParams{in.get(), idx.get(), out.get(), n, dim}, s);
  const long long bad = f.nonfinite(out);
  ErrAcc acc;
  for (int i : f.sample(n, o.max_rows)) {
    const std::vector<double> src = row(in, rows[i], dim), got = row(out, i, dim);
    for (int c = 0; c < dim; ++c) acc.add(got[c], src[c]);
  }
  return finish("gather_rows n=" + std::to_string(n) + " dim=" + std::to_string(dim), acc, bad);
}

CheckResult check_attn_decode(cudaStream_t s, int hq, int hkv, const std::vector<int>& contexts, int sm_count,
                              const CheckOptions& o, AttnImpl impl, const AttnDecodeVariant& v) {
  Fixture f(s, o.seed);
  const int seqs = (int)contexts.size();
  int total_blocks = 0, max_blocks = 0;
  const std::vector<std::vector<int>> tables = shuffled_tables(contexts, f.rng(), total_blocks);
  const std::vector<int> flat = flatten_tables(tables, max_blocks);
  const size_t cache = (size_t)total_blocks * kBlockTokens * hkv * kDh;
  Bf16Buffer kc = f.random(cache, 1.f), vc = f.random(cache, 1.f), q = f.random((size_t)seqs * hq * kDh, 2.f);
  // The slots past each sequence's end in its last page hold NaN, as a serving cache's may hold anything:
  // a kernel must neither read them into a score nor multiply a zero probability by them.
  const size_t slot_elems = (size_t)hkv * kDh;
  for (int sq = 0; sq < seqs; ++sq) {
    const int used = contexts[sq] % kBlockTokens;
    if (used == 0) continue;
    const size_t first = ((size_t)tables[sq].back() * kBlockTokens + used) * slot_elems;
    const size_t n = (size_t)(kBlockTokens - used) * slot_elems;
    launch_fill_bits_bf16(kc.get() + first, n, kPoisonBf16, s);
    launch_fill_bits_bf16(vc.get() + first, n, kPoisonBf16, s);
  }
  Bf16Buffer out = f.poisoned((size_t)seqs * hq * kDh);
  DeviceBuffer<int> table = f.ints(flat), ctx = f.ints(contexts);
  const int max_ctx = *std::max_element(contexts.begin(), contexts.end());
  AttnDecodeSplit sp = attn_decode_choose_split(seqs, hkv, max_ctx, sm_count);
  if (v.split_tokens > 0) sp = AttnDecodeSplit{v.split_tokens, (max_ctx + v.split_tokens - 1) / v.split_tokens};
  DeviceBuffer<float> ws(attn_decode_workspace_floats(seqs, hq, sp.num_splits, kDh));
  const double scale = 1.0 / std::sqrt((double)kDh);
  AttnDecodeParams p{};
  p.q = q.get();
  p.k_cache = kc.get();
  p.v_cache = vc.get();
  p.block_table = table.get();
  p.context_len = ctx.get();
  p.out = out.get();
  p.workspace = ws.get();
  p.num_seqs = seqs;
  p.hq = hq;
  p.hkv = hkv;
  p.dh = kDh;
  p.block_tokens = kBlockTokens;
  p.max_blocks_per_seq = max_blocks;
  p.split_tokens = sp.split_tokens;
  p.num_splits = sp.num_splits;
  p.scale = (float)scale;
  p.load = v.load;
  p.math = v.math;
  p.token_rows_stages = v.token_rows_stages;
  p.num_cache_blocks = total_blocks;
  if (impl == AttnImpl::Own) {
    launch_attn_decode(p, s);
  } else {
    const CudnnAttnPlanPtr plan =
        make_cudnn_attn_plan({false, seqs, hq, hkv, kDh, kBlockTokens, max_blocks, total_blocks, 1, sm_count});
    launch_attn_cudnn(plan.get(), {p.q, p.k_cache, p.v_cache, p.block_table, nullptr, p.context_len, nullptr, p.out, p.scale}, s);
    DUET_CUDA(cudaStreamSynchronize(s));  // the plan (and its workspace) goes when this scope ends
  }
  const long long bad = f.nonfinite(out);
  ErrAcc acc;
  std::vector<double> ref(kDh);
  for (int sq : f.sample(seqs, o.max_rows)) {
    const std::vector<double> k = gather_seq(kc, tables[sq], contexts[sq], hkv);
    const std::vector<double> v = gather_seq(vc, tables[sq], contexts[sq], hkv);
    const std::vector<double> qs = row(q, sq, (size_t)hq * kDh), got = row(out, sq, (size_t)hq * kDh);
    for (int h = 0; h < hq; ++h) {
      ref_attention(&qs[(size_t)h * kDh], k, v, contexts[sq], hkv, h / (hq / hkv), scale, ref.data());
      for (int d = 0; d < kDh; ++d) acc.add(got[(size_t)h * kDh + d], ref[d]);
    }
  }
  std::string label = v.load == AttnDecodeLoad::Bulk      ? "[bulk]"
                      : v.load == AttnDecodeLoad::Tma     ? "[tma]"
                      : v.load == AttnDecodeLoad::CpAsync ? "[cp_async]"
                                                          : "";
  if (v.math == AttnDecodeMath::HeadRows) label += "[head_rows]";
  if (v.math == AttnDecodeMath::TokenRows) label += "[token_rows" + (v.token_rows_stages ? "," + std::to_string(v.token_rows_stages) + " stages" : std::string()) + "]";
  return finish(std::string(impl == AttnImpl::Own ? "attn_decode" : "attn_decode[cudnn]") + label + " seqs=" + std::to_string(seqs) + " hq=" + std::to_string(hq) + " hkv=" +
                    std::to_string(hkv) + " max_ctx=" + std::to_string(max_ctx) +
                    (impl == AttnImpl::Own ? " splits=" + std::to_string(sp.num_splits) + "x" + std::to_string(sp.split_tokens) : std::string()),
                acc, bad);
}

CheckResult check_attn_prefill(cudaStream_t s, int hq, int hkv, const std::vector<PrefillChunk>& chunks,
                               const CheckOptions& o, AttnImpl impl, int sm_count, bool fused_kv_rows) {
  Fixture f(s, o.seed);
  const int seqs = (int)chunks.size();
  std::vector<int> lens, q_start{0}, cached;
  int max_new = 0;
  for (const auto& c : chunks) {
    lens.push_back(c.cached + c.new_tokens);
    q_start.push_back(q_start.back() + c.new_tokens);
    cached.push_back(c.cached);
    max_new = std::max(max_new, c.new_tokens);
  }
  const int total_new = q_start.back();
  int total_blocks = 0, max_blocks = 0;
  const std::vector<std::vector<int>> tables = shuffled_tables(lens, f.rng(), total_blocks);
  const std::vector<int> flat = flatten_tables(tables, max_blocks);
  const size_t cache = (size_t)total_blocks * kBlockTokens * hkv * kDh;
  // The chunk's own K/V count as already written: the whole cache is random.
  Bf16Buffer kc = f.random(cache, 1.f), vc = f.random(cache, 1.f), q = f.random((size_t)total_new * hq * kDh, 2.f);
  Bf16Buffer out = f.poisoned((size_t)total_new * hq * kDh);
  DeviceBuffer<int> table = f.ints(flat), qs = f.ints(q_start), cl = f.ints(cached);
  const double scale = 1.0 / std::sqrt((double)kDh);
  AttnPrefillParams p{};
  p.q = q.get();
  p.k_cache = kc.get();
  p.v_cache = vc.get();
  p.block_table = table.get();
  p.q_start = qs.get();
  p.cached_len = cl.get();
  p.out = out.get();
  p.num_seqs = seqs;
  p.hq = hq;
  p.hkv = hkv;
  p.dh = kDh;
  p.block_tokens = kBlockTokens;
  p.max_blocks_per_seq = max_blocks;
  p.max_new_tokens = max_new;
  p.scale = (float)scale;
  std::string engine;  // cuDNN: the plan's engine and graph (uniform or padded), named in the check
  if (impl == AttnImpl::Own) {
    launch_attn_prefill(p, s);
  } else {
    CudnnAttnShape shape{true, seqs, hq, hkv, kDh, kBlockTokens, max_blocks, total_blocks, max_new, sm_count};
    choose_cudnn_causal(cached, shape);
    std::vector<int> fresh;
    for (const PrefillChunk& c : chunks) fresh.push_back(c.new_tokens);
    choose_cudnn_uniform(fresh, shape);
    const int kv_w = hkv * kDh, fused_row = hq * kDh + 2 * kv_w;
    if (fused_kv_rows && shape.dense_kv) shape.kv_row_stride = fused_row;
    const CudnnAttnPlanPtr plan = make_cudnn_attn_plan(shape);
    engine = cudnn_attn_plan_engine(plan.get());
    DeviceBuffer<int> seq_q(seqs), seq_kv(seqs), q_off(seqs + 1), kv_off(seqs + 1);
    launch_attn_cudnn_prefill_meta(p.q_start, p.cached_len, seqs, hq, kDh, seq_q.get(), seq_kv.get(), q_off.get(), s,
                                   shape.kv_row_stride > 0 ? fused_row : kv_w, kv_off.get());
    CudnnAttnArgs a{p.q, p.k_cache, p.v_cache, p.block_table, seq_q.get(), seq_kv.get(), q_off.get(), p.out, p.scale};
    // Dense K/V: the chunks' own rows gathered out of the (shuffled) cache pages, in token order.
    Bf16Buffer kd(shape.dense_kv ? (size_t)total_new * hkv * kDh : 1), vd(shape.dense_kv ? (size_t)total_new * hkv * kDh : 1);
    Bf16Buffer fused(shape.kv_row_stride > 0 ? (size_t)total_new * fused_row : 1);
    std::vector<int> rows;
    for (int sq = 0; shape.dense_kv && sq < seqs; ++sq)
      for (int i = 0; i < chunks[sq].new_tokens; ++i) rows.push_back(tables[sq][i / kBlockTokens] * kBlockTokens + i % kBlockTokens);
    DeviceBuffer<int> r = shape.dense_kv ? f.ints(rows) : DeviceBuffer<int>(1);
    if (shape.dense_kv) {
      launch_gather_rows(GatherRowsParams{p.k_cache, r.get(), kd.get(), total_new, hkv * kDh}, s);
      launch_gather_rows(GatherRowsParams{p.v_cache, r.get(), vd.get(), total_new, hkv * kDh}, s);
      a.k_cache = kd.get();
      a.v_cache = vd.get();
      a.kv_offset = kv_off.get();
      if (shape.kv_row_stride > 0) {
        // [q | k | v] rows: the q columns stay NaN (never read); K and V go to their columns.
        launch_fill_bits_bf16(fused.get(), (size_t)total_new * fused_row, kPoisonBf16, s);
        const size_t pitch = (size_t)fused_row * 2, w = (size_t)kv_w * 2;
        DUET_CUDA(cudaMemcpy2DAsync(fused.get() + hq * kDh, pitch, kd.get(), w, w, total_new, cudaMemcpyDeviceToDevice, s));
        DUET_CUDA(cudaMemcpy2DAsync(fused.get() + hq * kDh + kv_w, pitch, vd.get(), w, w, total_new, cudaMemcpyDeviceToDevice, s));
        a.k_cache = fused.get() + hq * kDh;
        a.v_cache = fused.get() + hq * kDh + kv_w;
      }
    }
    launch_attn_cudnn(plan.get(), a, s);
    DUET_CUDA(cudaStreamSynchronize(s));  // the buffers above go at the end of this block
  }
  const long long bad = f.nonfinite(out);
  ErrAcc acc;
  std::vector<double> ref(kDh);
  const int rows_per_chunk = std::max(2, o.max_rows / std::max(seqs, 1));
  for (int sq = 0; sq < seqs; ++sq) {
    const std::vector<double> k = gather_seq(kc, tables[sq], lens[sq], hkv);
    const std::vector<double> v = gather_seq(vc, tables[sq], lens[sq], hkv);
    for (int i : f.sample(chunks[sq].new_tokens, rows_per_chunk)) {
      const int r = q_start[sq] + i;
      const std::vector<double> qr = row(q, r, (size_t)hq * kDh), got = row(out, r, (size_t)hq * kDh);
      for (int h = 0; h < hq; ++h) {
        // Causal: the query at position cached+i sees keys 0..cached+i.
        ref_attention(&qr[(size_t)h * kDh], k, v, cached[sq] + i + 1, hkv, h / (hq / hkv), scale, ref.data());
        for (int d = 0; d < kDh; ++d) acc.add(got[(size_t)h * kDh + d], ref[d]);
      }
    }
  }
  std::string shape;
  for (const auto& c : chunks) shape += (shape.empty() ? "" : ",") + std::to_string(c.new_tokens) + "+" + std::to_string(c.cached);
  return finish(std::string(impl == AttnImpl::Own ? "attn_prefill" : fused_kv_rows ? "attn_prefill[cudnn, fused qkv rows]" : "attn_prefill[cudnn]") + " hq=" + std::to_string(hq) + " hkv=" + std::to_string(hkv) + " chunks(new+cached)=" + shape +
                    (engine.empty() ? "" : " (" + engine + ")"),
                acc, bad);
}

std::string check_result_json(const CheckResult& c) {
  return JsonObjectWriter()
      .num("rel_err", c.rel_err)
      .num("threshold", c.threshold)
      .boolean("passed", c.passed)
      .integer("compared", c.compared)
      .integer("nonfinite", c.nonfinite)
      .done();
}

std::vector<CheckResult> run_check_suite(cudaStream_t s, GemmHandle* h, int sm_count, unsigned long long seed) {
  std::vector<CheckResult> out;
  CheckOptions o;
  auto next = [&]() {
    o.seed = seed++;
    return o;
  };
  out.push_back(check_gemm(s, h, 1, 4096, 6144, next()));
  out.push_back(check_gemm(s, h, 37, 512, 1000, next()));
  out.push_back(check_gemm(s, h, 300, 1024, 2048, next()));
  out.push_back(check_add_rmsnorm(s, 5, 4096, true, next()));
  out.push_back(check_add_rmsnorm(s, 3, 5120, false, next()));
  out.push_back(check_add_rmsnorm(s, 2, 8192, true, next()));
  out.push_back(check_add_rmsnorm(s, 4, 1000, true, next()));  // a partial vector column per thread
  out.push_back(check_qk_norm(s, 7, 32, 8, next()));
  out.push_back(check_qk_norm(s, 300, 40, 8, next()));  // 256+ tokens: several heads per thread
  out.push_back(check_rope(s, 9, 32, 8, 1e6f, next()));
  out.push_back(check_rope(s, 3, 40, 8, 5e5f, next()));
  out.push_back(check_rope(s, 300, 32, 8, 1e6f, next()));  // 256+ tokens: several heads per thread
  // The pipelined kernel at each block size, with a partial last block and both models' heads.
  for (int t : {1, 2, 4, 8}) {
    out.push_back(check_rope(s, 301, 40, 8, 1e6f, next(), t));
    out.push_back(check_rope(s, 1027, 32, 8, 1e6f, next(), t));
  }
  out.push_back(check_silu_mul(s, 6, 12288, next()));
  out.push_back(check_silu_mul(s, 37, 17408, next()));  // the last block part-filled
  out.push_back(check_kv_cache_write(s, 50, 8, next()));
  out.push_back(check_gather_rows(s, 13, 4096, next()));
  out.push_back(check_attn_decode(s, 32, 8, {1, 17, 300, 1029}, sm_count, next()));
  out.push_back(check_attn_decode(s, 40, 8, {4096, 2500}, sm_count, next()));
  out.push_back(check_attn_decode(s, 8, 8, {70, 33, 129}, sm_count, next()));
  out.push_back(check_attn_decode(s, 16, 2, {9000}, sm_count, next()));
  {
    // Enough (sequence, kv head) pairs for one split each: pass 1 writes the output itself, no merge.
    std::vector<int> many;
    for (int i = 0; i < 48; ++i) many.push_back(1 + (i * 37) % 700);
    out.push_back(check_attn_decode(s, 32, 8, many, sm_count, next()));
  }
  {
    // Every way of loading K/V explicitly, whatever the default on this device: cp.async everywhere, bulk
    // row copies and TMA tensor-map boxes on sm_90 and later.
    int device = 0, major = 0;
    DUET_CUDA(cudaGetDevice(&device));
    DUET_CUDA(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
    std::vector<AttnDecodeLoad> loads{AttnDecodeLoad::CpAsync};
    if (major >= 9) {
      loads.push_back(AttnDecodeLoad::Bulk);
      loads.push_back(AttnDecodeLoad::Tma);
    }
    for (AttnDecodeLoad l : loads) {
      const AttnDecodeVariant v{l, AttnDecodeMath::HeadRows};
      out.push_back(check_attn_decode(s, 32, 8, {1, 17, 300, 1029}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 40, 8, {4096, 2500, 33}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 16, 2, {9000}, sm_count, next(), AttnImpl::Own, v));
    }
    // The token-rows kernel at both stage counts, every group size (the heads are its mma columns, 1..8 of 8),
    // and splits that end inside a 64-token tile or a page (32 and 96 tokens), whatever the split rule picks.
    for (int stages : {2, 3}) {
      const AttnDecodeVariant v{AttnDecodeLoad::CpAsync, AttnDecodeMath::TokenRows, stages};
      out.push_back(check_attn_decode(s, 32, 8, {1, 17, 300, 1029}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 40, 8, {4096, 2500, 33}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 8, 8, {70, 33, 129}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 16, 2, {9000}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 48, 8, {777, 64, 65}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 56, 8, {200, 1000}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 24, 8, {500, 31}, sm_count, next(), AttnImpl::Own, v));
      out.push_back(check_attn_decode(s, 16, 8, {130, 1}, sm_count, next(), AttnImpl::Own, v));
      for (int split : {32, 96}) {
        const AttnDecodeVariant vs{AttnDecodeLoad::CpAsync, AttnDecodeMath::TokenRows, stages, split};
        out.push_back(check_attn_decode(s, 40, 8, {1000, 95, 33, 1}, sm_count, next(), AttnImpl::Own, vs));
      }
    }
    {
      const AttnDecodeVariant vs{AttnDecodeLoad::CpAsync, AttnDecodeMath::HeadRows, 0, 96};
      out.push_back(check_attn_decode(s, 40, 8, {1000, 95, 33, 1}, sm_count, next(), AttnImpl::Own, vs));
    }
    // qk_norm's bulk path (sm_90) at each block size: token counts that leave a partial last block, both models' heads.
    if (major >= 9) {
      for (int t : {1, 4, 8}) {
        out.push_back(check_qk_norm(s, 301, 40, 8, next(), QkNormLoad::Bulk, t));
        out.push_back(check_qk_norm(s, 7, 32, 8, next(), QkNormLoad::Bulk, t));
      }
    }
    // The pipelined path at each block size: a partial last block (301, 7 tokens), both models' heads, every row of a
    // 1,500-token call sampled as the others are.
    for (int t : {2, 4, 8}) {
      out.push_back(check_qk_norm(s, 301, 40, 8, next(), QkNormLoad::Pipelined, t));
      out.push_back(check_qk_norm(s, 7, 32, 8, next(), QkNormLoad::Pipelined, t));
      out.push_back(check_qk_norm(s, 1500, 32, 8, next(), QkNormLoad::Pipelined, t));
    }
    out.push_back(check_qk_norm(s, 300, 32, 8, next(), QkNormLoad::Registers));
    out.push_back(check_qk_norm(s, 1500, 40, 8, next(), QkNormLoad::Registers));
    out.push_back(check_qk_norm(s, 1500, 40, 8, next()));  // the default rule's path at 1,024+ tokens (bulk on sm_90)
  }
  out.push_back(check_attn_prefill(s, 32, 8, {{1, 0}}, next()));
  out.push_back(check_attn_prefill(s, 32, 8, {{77, 0}, {130, 45}}, next()));
  out.push_back(check_attn_prefill(s, 40, 8, {{128, 1000}}, next()));
  out.push_back(check_attn_prefill(s, 8, 8, {{64, 0}, {1, 300}, {33, 16}}, next()));
  if (cudnn_attn_available()) {
    // cuDNN's engines on the same shapes (and the same poisoned pages and slots past each sequence).
    const AttnImpl c = AttnImpl::Cudnn;
    out.push_back(check_attn_decode(s, 32, 8, {1, 17, 300, 1029}, sm_count, next(), c));
    out.push_back(check_attn_decode(s, 40, 8, {4096, 2500}, sm_count, next(), c));
    out.push_back(check_attn_decode(s, 8, 8, {70, 33, 129}, sm_count, next(), c));
    out.push_back(check_attn_prefill(s, 32, 8, {{1, 0}}, next(), c, sm_count));
    out.push_back(check_attn_prefill(s, 32, 8, {{77, 0}, {130, 45}}, next(), c, sm_count));
    out.push_back(check_attn_prefill(s, 40, 8, {{128, 1000}}, next(), c, sm_count));
    out.push_back(check_attn_prefill(s, 8, 8, {{64, 0}, {1, 300}, {33, 16}}, next(), c, sm_count));
    out.push_back(check_attn_prefill(s, 32, 8, {{2048, 0}}, next(), c, sm_count));
    out.push_back(check_attn_prefill(s, 32, 8, {{512, 1024}}, next(), c, sm_count));             // one offset
    out.push_back(check_attn_prefill(s, 32, 8, {{300, 0}, {77, 0}, {513, 0}}, next(), c, sm_count));  // top-left, ragged
    out.push_back(check_attn_prefill(s, 40, 8, {{300, 0}, {77, 0}}, next(), c, sm_count, true));  // K/V in fused QKV rows
    // Equal fresh chunks take the uniform graph (no lengths, no offsets; the 2,048-token one above too): several
    // sequences, and K/V read in place from fused QKV rows.
    out.push_back(check_attn_prefill(s, 32, 8, {{256, 0}, {256, 0}, {256, 0}}, next(), c, sm_count));
    out.push_back(check_attn_prefill(s, 40, 8, {{300, 0}, {300, 0}}, next(), c, sm_count, true));
  }
  return out;
}

}  // namespace duet
