// Correctness check and micro-benchmark of the prefill attention kernel
// (cuda/kernels/attn_prefill.cu), standalone so it builds with plain nvcc:
//
//   nvcc -std=c++17 -O3 -gencode=arch=compute_90a,code=sm_90a -Icuda/kernels \
//        cuda/tests/test_attn_prefill.cu cuda/kernels/attn_prefill.cu -o test_attn_prefill
//   ./test_attn_prefill [results.jsonl]
//   ./test_attn_prefill --small     # untimed cases only (for compute-sanitizer)
//
// For every case: fresh random bf16 inputs, K/V scattered over shuffled cache
// pages, every cache slot the kernel must not read (slots past a sequence's
// end, unused pages, block-table entries past the sequence) filled with NaN,
// output poisoned with NaN and followed by a guard band. Each tile variant's
// output is compared with a float64 CPU reference by ||out - ref|| / ||ref||
// (limit 1e-2, the bf16 range); any NaN or a touched guard fails. Timed cases
// then report the median of 20 CUDA-event timings after 3 warm-ups and TFLOP/s
// with causal FLOPs = 4 * hq * dh * (q * c + q^2 / 2) per sequence.
// Exit status: 0 when every check passed, 1 otherwise, 2 on a CUDA error.

#include "attn_prefill_tuning.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#define CUDA_CHECK(expr)                                                                                \
  do {                                                                                                  \
    const cudaError_t err_ = (expr);                                                                    \
    if (err_ != cudaSuccess) {                                                                          \
      std::fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr, cudaGetErrorString(err_)); \
      std::exit(2);                                                                                     \
    }                                                                                                   \
  } while (0)

namespace {

constexpr int kHeadDim = 128;
constexpr int kBlockTokens = 16;
constexpr int kWarmup = 3;
constexpr int kReps = 20;
constexpr double kRelErrLimit = 1e-2;
constexpr uint16_t kNanBits = 0x7FC0;    // bf16 quiet NaN, for cache slots that must not be read
constexpr uint8_t kPoisonByte = 0xFF;    // 0xFFFF is a bf16 NaN: unwritten outputs fail the check
constexpr uint8_t kGuardByte = 0x5A;     // guard band after the output must stay 0x5A5A
constexpr size_t kGuardElems = 4096;
const int kTileVariants[] = {64, 128};

struct Chunk {
  int new_tokens;
  int cached;
};

struct Case {
  std::string name;
  int hq;
  int hkv;
  std::vector<Chunk> chunks;
  bool timed;
  int check_head_stride;  // reference on heads 0, s, 2s, ... (1 = all); keeps the biggest case quick
};

// Keep the timed cases in step with SHAPES in cuda/tests/bench_attn_prefill.py.
std::vector<Case> all_cases() {
  return {
      {"1x2048 c0", 32, 8, {{2048, 0}}, true, 1},
      {"1x512 c1024", 32, 8, {{512, 1024}}, true, 1},
      {"3 seqs", 32, 8, {{300, 0}, {77, 1000}, {1000, 45}}, true, 1},
      {"1x8192 c0", 32, 8, {{8192, 0}}, true, 8},
      {"8x1024 c0", 32, 8, std::vector<Chunk>(8, {1024, 0}), true, 2},
      {"1x77 c0", 32, 8, {{77, 0}}, false, 1},
      {"1x1000 c0", 32, 8, {{1000, 0}}, false, 1},
      {"hq40 333 c123", 40, 8, {{333, 123}}, false, 1},
      {"tiny mix", 32, 8, {{1, 0}, {1, 500}, {16, 0}, {65, 63}}, false, 1},
      {"mha 129 c31", 8, 8, {{129, 31}}, false, 1},
      {"mqa 200 c17", 16, 1, {{200, 17}}, false, 1},
  };
}

uint16_t to_bf16(float f) {  // round to nearest even; inputs here are finite
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u += 0x7FFF + ((u >> 16) & 1);
  return static_cast<uint16_t>(u >> 16);
}

double from_bf16(uint16_t b) {
  const uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

double causal_flops(const Case& c) {
  double f = 0;
  for (const Chunk& ch : c.chunks) {
    f += 4.0 * c.hq * kHeadDim * (double(ch.new_tokens) * ch.cached + double(ch.new_tokens) * ch.new_tokens / 2.0);
  }
  return f;
}

struct HostInputs {
  std::vector<uint16_t> q, k_cache, v_cache;  // bf16 bits
  std::vector<int> block_table, q_start, cached_len;
  std::vector<std::vector<double>> k_seq, v_seq;  // per sequence [kv_len][hkv][dh], for the reference
  int num_pages = 0, max_blocks_per_seq = 0, total_new = 0, max_new = 0;
};

HostInputs make_inputs(const Case& c, std::mt19937_64& rng) {
  HostInputs in;
  std::normal_distribution<float> normal(0.f, 1.f);
  const int num_seqs = static_cast<int>(c.chunks.size());
  int pages_used = 0;
  in.q_start.push_back(0);
  for (const Chunk& ch : c.chunks) {
    const int kv_len = ch.cached + ch.new_tokens;
    const int pages = (kv_len + kBlockTokens - 1) / kBlockTokens;
    pages_used += pages;
    in.max_blocks_per_seq = std::max(in.max_blocks_per_seq, pages + 2);  // spare entries the kernel must ignore
    in.q_start.push_back(in.q_start.back() + ch.new_tokens);
    in.cached_len.push_back(ch.cached);
    in.max_new = std::max(in.max_new, ch.new_tokens);
  }
  in.total_new = in.q_start.back();
  in.num_pages = pages_used + 3;  // the last pages stay all-NaN
  std::vector<int> perm(in.num_pages);
  for (int i = 0; i < in.num_pages; ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  const int nan_page = perm[pages_used];

  const size_t page_elems = size_t(kBlockTokens) * c.hkv * kHeadDim;
  in.k_cache.assign(in.num_pages * page_elems, kNanBits);
  in.v_cache.assign(in.num_pages * page_elems, kNanBits);
  in.block_table.assign(size_t(num_seqs) * in.max_blocks_per_seq, nan_page);
  int next = 0;
  for (int s = 0; s < num_seqs; ++s) {
    const int kv_len = c.chunks[s].cached + c.chunks[s].new_tokens;
    const int pages = (kv_len + kBlockTokens - 1) / kBlockTokens;
    for (int b = 0; b < pages; ++b) in.block_table[size_t(s) * in.max_blocks_per_seq + b] = perm[next++];
    std::vector<double> ks(size_t(kv_len) * c.hkv * kHeadDim), vs(ks.size());
    for (int pos = 0; pos < kv_len; ++pos) {
      const int page = in.block_table[size_t(s) * in.max_blocks_per_seq + pos / kBlockTokens];
      for (int h = 0; h < c.hkv; ++h) {
        for (int d = 0; d < kHeadDim; ++d) {
          const size_t at = ((size_t(page) * kBlockTokens + pos % kBlockTokens) * c.hkv + h) * kHeadDim + d;
          const size_t here = (size_t(pos) * c.hkv + h) * kHeadDim + d;
          in.k_cache[at] = to_bf16(normal(rng));
          in.v_cache[at] = to_bf16(normal(rng));
          ks[here] = from_bf16(in.k_cache[at]);
          vs[here] = from_bf16(in.v_cache[at]);
        }
      }
    }
    in.k_seq.push_back(std::move(ks));
    in.v_seq.push_back(std::move(vs));
  }
  in.q.resize(size_t(in.total_new) * c.hq * kHeadDim);
  for (uint16_t& x : in.q) x = to_bf16(normal(rng));
  return in;
}

// float64 attention for the checked heads, spread over the host's cores.
std::vector<double> reference(const Case& c, const HostInputs& in, double scale) {
  std::vector<double> ref(in.q.size(), 0.0);
  struct Task {
    int seq, head, row0;
  };
  constexpr int kRowsPerTask = 32;
  std::vector<Task> tasks;
  for (int s = 0; s < int(c.chunks.size()); ++s)
    for (int h = 0; h < c.hq; h += c.check_head_stride)
      for (int r = 0; r < c.chunks[s].new_tokens; r += kRowsPerTask) tasks.push_back({s, h, r});
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    std::vector<double> qrow(kHeadDim), p, acc(kHeadDim);
    for (size_t t; (t = next.fetch_add(1)) < tasks.size();) {
      const Task& task = tasks[t];
      const Chunk& ch = c.chunks[task.seq];
      const int kvh = task.head / (c.hq / c.hkv);
      const std::vector<double>& ks = in.k_seq[task.seq];
      const std::vector<double>& vs = in.v_seq[task.seq];
      for (int i = task.row0; i < std::min(ch.new_tokens, task.row0 + kRowsPerTask); ++i) {
        const size_t q_at = (size_t(in.q_start[task.seq] + i) * c.hq + task.head) * kHeadDim;
        for (int d = 0; d < kHeadDim; ++d) qrow[d] = from_bf16(in.q[q_at + d]);
        const int keys = ch.cached + i + 1;  // causal: positions 0 .. cached + i
        p.assign(keys, 0.0);
        double mx = -INFINITY;
        for (int j = 0; j < keys; ++j) {
          const double* k = &ks[(size_t(j) * c.hkv + kvh) * kHeadDim];
          double part[4] = {0, 0, 0, 0};  // independent chains: the add latency would bound one
          for (int d = 0; d < kHeadDim; d += 4)
            for (int u = 0; u < 4; ++u) part[u] += qrow[d + u] * k[d + u];
          p[j] = (part[0] + part[1] + part[2] + part[3]) * scale;
          mx = std::max(mx, p[j]);
        }
        double sum = 0;
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int j = 0; j < keys; ++j) {
          p[j] = std::exp(p[j] - mx);
          sum += p[j];
          const double* v = &vs[(size_t(j) * c.hkv + kvh) * kHeadDim];
          for (int d = 0; d < kHeadDim; ++d) acc[d] += p[j] * v[d];
        }
        for (int d = 0; d < kHeadDim; ++d) ref[q_at + d] = acc[d] / sum;
      }
    }
  };
  const unsigned n = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < n; ++i) pool.emplace_back(worker);
  for (std::thread& th : pool) th.join();
  return ref;
}

struct DeviceBuffers {
  __nv_bfloat16 *q = nullptr, *k = nullptr, *v = nullptr, *out = nullptr;
  int *block_table = nullptr, *q_start = nullptr, *cached_len = nullptr;
  size_t out_elems = 0;
};

template <typename T>
T* upload(const std::vector<T>& host) {
  T* dev = nullptr;
  CUDA_CHECK(cudaMalloc(&dev, host.size() * sizeof(T)));
  CUDA_CHECK(cudaMemcpy(dev, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  return dev;
}

DeviceBuffers upload_inputs(const HostInputs& in) {
  DeviceBuffers b;
  b.q = reinterpret_cast<__nv_bfloat16*>(upload(in.q));
  b.k = reinterpret_cast<__nv_bfloat16*>(upload(in.k_cache));
  b.v = reinterpret_cast<__nv_bfloat16*>(upload(in.v_cache));
  b.block_table = upload(in.block_table);
  b.q_start = upload(in.q_start);
  b.cached_len = upload(in.cached_len);
  b.out_elems = in.q.size();
  CUDA_CHECK(cudaMalloc(&b.out, (b.out_elems + kGuardElems) * sizeof(uint16_t)));
  return b;
}

void free_buffers(DeviceBuffers& b) {
  for (void* p : {static_cast<void*>(b.q), static_cast<void*>(b.k), static_cast<void*>(b.v),
                  static_cast<void*>(b.out), static_cast<void*>(b.block_table), static_cast<void*>(b.q_start),
                  static_cast<void*>(b.cached_len)})
    CUDA_CHECK(cudaFree(p));
}

AttnPrefillParams make_params(const Case& c, const HostInputs& in, const DeviceBuffers& b, float scale) {
  AttnPrefillParams p{};
  p.q = b.q;
  p.k_cache = b.k;
  p.v_cache = b.v;
  p.block_table = b.block_table;
  p.q_start = b.q_start;
  p.cached_len = b.cached_len;
  p.out = b.out;
  p.num_seqs = static_cast<int>(c.chunks.size());
  p.hq = c.hq;
  p.hkv = c.hkv;
  p.dh = kHeadDim;
  p.block_tokens = kBlockTokens;
  p.max_blocks_per_seq = in.max_blocks_per_seq;
  p.max_new_tokens = in.max_new;
  p.scale = scale;
  return p;
}

struct CheckResult {
  double rel_err;
  size_t non_finite;
  bool guard_ok;
  bool passed;
  size_t worst_at;  // element with the largest |out - ref|, or the first non-finite one
  double worst_out, worst_ref;
};

CheckResult check_variant(const Case& c, const AttnPrefillParams& p, const DeviceBuffers& b,
                          const std::vector<double>& ref, int block_m) {
  CUDA_CHECK(cudaMemset(b.out, kPoisonByte, b.out_elems * sizeof(uint16_t)));
  CUDA_CHECK(cudaMemset(b.out + b.out_elems, kGuardByte, kGuardElems * sizeof(uint16_t)));
  launch_attn_prefill_tiled(p, 0, block_m);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<uint16_t> out(b.out_elems + kGuardElems);
  CUDA_CHECK(cudaMemcpy(out.data(), b.out, out.size() * sizeof(uint16_t), cudaMemcpyDeviceToHost));
  CheckResult r{0.0, 0, true, false, 0, 0.0, 0.0};
  double diff2 = 0, ref2 = 0, worst = -1;
  for (size_t i = 0; i < b.out_elems; ++i) {
    const double o = from_bf16(out[i]);
    if (!std::isfinite(o)) {
      if (r.non_finite++ == 0) r.worst_at = i, r.worst_out = o, r.worst_ref = ref[i], worst = INFINITY;
      continue;
    }
    const int head = static_cast<int>((i / kHeadDim) % c.hq);
    if (head % c.check_head_stride != 0) continue;
    diff2 += (o - ref[i]) * (o - ref[i]);
    ref2 += ref[i] * ref[i];
    if (std::fabs(o - ref[i]) > worst) worst = std::fabs(o - ref[i]), r.worst_at = i, r.worst_out = o, r.worst_ref = ref[i];
  }
  for (size_t i = b.out_elems; i < out.size(); ++i) r.guard_ok &= out[i] == uint16_t(kGuardByte * 0x0101);
  r.rel_err = std::sqrt(diff2 / ref2);
  r.passed = r.non_finite == 0 && r.guard_ok && r.rel_err <= kRelErrLimit;
  return r;
}

struct Timing {
  double median_us, p10_us, p90_us;
};

Timing time_variant(const AttnPrefillParams& p, int block_m) {
  cudaEvent_t start, stop;
  CUDA_CHECK(cudaEventCreate(&start));
  CUDA_CHECK(cudaEventCreate(&stop));
  for (int i = 0; i < kWarmup; ++i) launch_attn_prefill_tiled(p, 0, block_m);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<double> us;
  for (int i = 0; i < kReps; ++i) {
    CUDA_CHECK(cudaEventRecord(start));
    launch_attn_prefill_tiled(p, 0, block_m);
    CUDA_CHECK(cudaEventRecord(stop));
    CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    us.push_back(ms * 1000.0);
  }
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaEventDestroy(start));
  CUDA_CHECK(cudaEventDestroy(stop));
  std::sort(us.begin(), us.end());
  auto at = [&](double f) { return us[std::min(us.size() - 1, size_t(f * us.size()))]; };
  return {us[us.size() / 2], at(0.1), at(0.9)};
}

// Launching with out-of-range params must throw before touching the GPU.
bool check_rejects_bad_params(const AttnPrefillParams& good) {
  bool ok = true;
  auto expect_throw = [&](AttnPrefillParams p, const char* what) {
    try {
      launch_attn_prefill_tiled(p, 0, 64);
      std::printf("FAIL: %s was accepted\n", what);
      ok = false;
    } catch (const std::invalid_argument& e) {
      std::printf("rejected as expected: %s\n", e.what());
    }
  };
  AttnPrefillParams p = good;
  p.dh = 64;
  expect_throw(p, "dh = 64");
  p = good;
  p.hkv = 3;
  expect_throw(p, "hq not a multiple of hkv");
  p = good;
  p.k_cache = nullptr;
  expect_throw(p, "null k_cache");
  try {
    launch_attn_prefill_tiled(good, 0, 96);
    std::printf("FAIL: block_m = 96 was accepted\n");
    ok = false;
  } catch (const std::invalid_argument& e) {
    std::printf("rejected as expected: %s\n", e.what());
  }
  CUDA_CHECK(cudaDeviceSynchronize());
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  // --small: only the untimed cases, no timing; quick enough for compute-sanitizer.
  const bool small_only = argc > 1 && std::strcmp(argv[1], "--small") == 0;
  const char* jsonl_path = argc > 1 && !small_only ? argv[1] : nullptr;
  FILE* jsonl = jsonl_path ? std::fopen(jsonl_path, "w") : nullptr;
  if (jsonl_path && !jsonl) {
    std::fprintf(stderr, "cannot open %s for writing\n", jsonl_path);
    return 2;
  }
  cudaDeviceProp prop{};
  CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  int driver = 0, runtime = 0;
  CUDA_CHECK(cudaDriverGetVersion(&driver));
  CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
  std::printf("device: %s, %d SMs, driver API %d, runtime %d\n", prop.name, prop.multiProcessorCount, driver, runtime);
  if (jsonl) {
    std::fprintf(jsonl, "{\"kind\":\"meta\",\"gpu\":\"%s\",\"sm_count\":%d,\"cuda_driver_api\":%d,\"cuda_runtime\":%d}\n",
                 prop.name, prop.multiProcessorCount, driver, runtime);
  }

  const double scale = 1.0 / std::sqrt(double(kHeadDim));
  bool all_passed = true;
  struct Row {
    std::string name;
    int hq;
    int block_m;
    CheckResult check;
    bool timed;
    Timing timing;
    double flops;
  };
  std::vector<Row> rows;
  const std::vector<Case> cases = all_cases();
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    const Case& c = cases[ci];
    if (small_only && c.timed) continue;
    std::mt19937_64 rng(0x5eed0000ULL + ci);  // fresh inputs for every case, reproducible
    const HostInputs in = make_inputs(c, rng);
    const std::vector<double> ref = reference(c, in, scale);
    DeviceBuffers b = upload_inputs(in);
    const AttnPrefillParams p = make_params(c, in, b, static_cast<float>(scale));
    if (rows.empty()) all_passed &= check_rejects_bad_params(p);
    for (int block_m : kTileVariants) {
      Row row{c.name, c.hq, block_m, check_variant(c, p, b, ref, block_m), c.timed, {0, 0, 0}, causal_flops(c)};
      all_passed &= row.check.passed;
      if (c.timed) row.timing = time_variant(p, block_m);
      std::fprintf(stderr, "%-14s block_m %3d rel_err %.3e%s\n", c.name.c_str(), block_m, row.check.rel_err,
                   row.check.passed ? "" : " FAILED");
      if (jsonl) {
        std::fprintf(jsonl,
                     "{\"case\":\"%s\",\"hq\":%d,\"hkv\":%d,\"block_m\":%d,\"rel_err\":%.4e,\"non_finite\":%zu,"
                     "\"guard_ok\":%s,\"passed\":%s,\"flops\":%.6e",
                     c.name.c_str(), c.hq, c.hkv, block_m, row.check.rel_err, row.check.non_finite,
                     row.check.guard_ok ? "true" : "false", row.check.passed ? "true" : "false", row.flops);
        if (c.timed) {
          std::fprintf(jsonl, ",\"median_us\":%.2f,\"p10_us\":%.2f,\"p90_us\":%.2f,\"tflops\":%.1f", row.timing.median_us,
                       row.timing.p10_us, row.timing.p90_us, row.flops / (row.timing.median_us * 1e-6) / 1e12);
        }
        std::fprintf(jsonl, "}\n");
      }
      rows.push_back(row);
    }
    free_buffers(b);
  }

  std::printf("%-14s %7s %10s %10s %10s %8s %10s %s\n", "case", "block_m", "median_us", "p10_us", "p90_us", "TFLOP/s",
              "rel_err", "check");
  for (const Row& r : rows) {
    if (r.timed) {
      std::printf("%-14s %7d %10.1f %10.1f %10.1f %8.1f %10.2e %s\n", r.name.c_str(), r.block_m, r.timing.median_us,
                  r.timing.p10_us, r.timing.p90_us, r.flops / (r.timing.median_us * 1e-6) / 1e12, r.check.rel_err,
                  r.check.passed ? "ok" : "FAIL");
    } else {
      std::printf("%-14s %7d %10s %10s %10s %8s %10.2e %s\n", r.name.c_str(), r.block_m, "-", "-", "-", "-",
                  r.check.rel_err, r.check.passed ? "ok" : "FAIL");
    }
    if (!r.check.passed) {
      const size_t at = r.check.worst_at;
      std::printf("    non-finite outputs: %zu, guard intact: %s, worst at token %zu head %zu dim %zu: out %g ref %g\n",
                  r.check.non_finite, r.check.guard_ok ? "yes" : "no", at / kHeadDim / r.hq, at / kHeadDim % r.hq,
                  at % kHeadDim, r.check.worst_out, r.check.worst_ref);
    }
  }
  std::printf("%s\n", all_passed ? "ALL PASSED" : "SOME CHECKS FAILED");
  if (jsonl) std::fclose(jsonl);
  return all_passed ? 0 : 1;
}
