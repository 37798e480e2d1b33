#include "experiment_runner.h"

#include "../kernels/kernels.h"
#include "checks.h"
#include "json.h"
#include "op_sets.h"
#include "timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace duet {

namespace {

// Input sets cycle through at least this many L2 sizes of data, so each op
// reads its inputs from HBM as in a real forward.
constexpr double kRotateL2Multiple = 3.0;
constexpr int kMaxSets = 32;
// A timed graph holds at least this much work, so event overhead (~µs) stays
// under 1% of what is measured.
constexpr double kMinGraphUs = 300.0;
constexpr int kMaxOpsPerGraph = 256;
// Left free for the context, cuBLASLt workspaces and fragmentation.
constexpr size_t kReserveBytes = 2ull << 30;
// A shared KV cache copy must dwarf L2 for its reads to come from HBM.
constexpr double kKvCopyL2Multiple = 4.0;
// Rows compared against the fp64 reference in an op experiment's check.
constexpr int kCheckRows = 4;

std::string stats_fields(const TimingStats& t) {
  return JsonObjectWriter()
      .num("median_us", t.median_us)
      .num("p10_us", t.p10_us)
      .num("p90_us", t.p90_us)
      .integer("reps", t.reps)
      .done();
}

// Appends the members of `extra` (an object's JSON text) to `echo` (another).
std::string merge(const std::string& echo, const std::string& extra) {
  if (extra == "{}") return echo;
  if (echo == "{}") return extra;
  return echo.substr(0, echo.size() - 1) + "," + extra.substr(1);
}

int popcount_mask(const std::vector<unsigned long long>& m) {
  int n = 0;
  for (auto w : m) n += __builtin_popcountll(w);
  return n;
}

// The SM ids set in a %smid mask, as a JSON array ("[0,1,2,…]").
std::string smid_list(const std::vector<unsigned long long>& m) {
  std::string out = "[";
  for (size_t w = 0; w < m.size(); ++w)
    for (int b = 0; b < 64; ++b)
      if (m[w] >> b & 1ull) out += (out.size() > 1 ? "," : "") + std::to_string(w * 64 + b);
  return out + "]";
}

bool disjoint(const std::vector<unsigned long long>& a, const std::vector<unsigned long long>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] & b[i]) return false;
  return true;
}

}  // namespace

size_t experiment_min_bytes(const Experiment& e, const Plan& plan, const DeviceInfo& info, std::string& why) {
  switch (e.kind) {
    case ExperimentKind::CeilingGemm:
    case ExperimentKind::CeilingBandwidth:
    case ExperimentKind::Op: {
      // The check allocates its own copy of one set next to nothing else.
      why = "one input set";
      return op_set_bytes(e, e.sms);
    }
    case ExperimentKind::Forward:
    case ExperimentKind::Concurrent: {
      const ModelConfig& cfg = plan.models.at(e.model);
      size_t bytes = ModelWeights::bytes_needed(cfg);
      const BatchSpec* a = e.kind == ExperimentKind::Forward ? &e.batch : &e.prefill_batch;
      const BatchSpec* b = e.kind == ExperimentKind::Forward ? nullptr : &e.decode_batch;
      for (const BatchSpec* bs : {a, b}) {
        if (!bs) continue;
        const size_t kv = kv_cache_bytes_per_copy(cfg, *bs);
        const int min_copies = (int)std::min<double>(
            cfg.num_layers, std::max(1.0, std::ceil(kKvCopyL2Multiple * info.l2_bytes / std::max<size_t>(kv, 1))));
        bytes += forward_activation_bytes(cfg, *bs, e.sms) + kv * min_copies;
      }
      why = "weights, activations and the fewest KV-cache copies allowed";
      return bytes;
    }
  }
  return 0;
}

ExperimentRunner::ExperimentRunner(const Plan& plan, const DeviceInfo& info, const Partitioner& parts)
    : plan_(plan), info_(info), parts_(parts) {}

size_t ExperimentRunner::free_bytes() const {
  size_t free = 0, total = 0;
  DUET_CUDA(cudaMemGetInfo(&free, &total));
  return free > kReserveBytes ? free - kReserveBytes : 0;
}

const Partition& ExperimentRunner::partition(int sms) {
  auto it = partitions_.find(sms);
  if (it == partitions_.end()) it = partitions_.emplace(sms, parts_.make(sms)).first;
  return *it->second;
}

const ModelWeights& ExperimentRunner::weights(const std::string& name) {
  if (model_name_ != name || !model_) {
    model_.reset();  // free the previous model first: two may not fit together
    model_ = std::make_unique<ModelWeights>(plan_.models.at(name), nullptr);
    model_name_ = name;
  }
  return *model_;
}

int ExperimentRunner::kv_copies_for(const ModelConfig& cfg, const std::vector<const BatchSpec*>& batches,
                                    int sm_count) {
  size_t kv = 0, act = 0;
  for (const BatchSpec* b : batches) {
    kv += kv_cache_bytes_per_copy(cfg, *b);
    act += forward_activation_bytes(cfg, *b, sm_count);
  }
  const size_t avail = free_bytes();
  if (act >= avail) throw std::runtime_error("not enough GPU memory for the activations");
  const int copies = (int)std::min<size_t>(cfg.num_layers, (avail - act) / std::max<size_t>(kv, 1));
  if (copies < 1 || (copies < cfg.num_layers && copies * (double)kv < kKvCopyL2Multiple * info_.l2_bytes))
    throw std::runtime_error("not enough GPU memory for the KV cache: " + std::to_string(kv >> 20) +
                             " MiB per layer copy, " + std::to_string(avail >> 20) + " MiB free");
  return copies;
}

std::string ExperimentRunner::run(const Experiment& e) {
  switch (e.kind) {
    case ExperimentKind::CeilingGemm:
    case ExperimentKind::CeilingBandwidth:
    case ExperimentKind::Op: return run_ceiling_or_op(e);
    case ExperimentKind::Forward: return run_forward(e);
    case ExperimentKind::Concurrent: return run_concurrent(e);
  }
  throw std::logic_error("unknown experiment kind");
}

std::string ExperimentRunner::run_ceiling_or_op(const Experiment& e) {
  const Partition& part = partition(e.sms);
  ScopedPartition scope(part);
  cudaStream_t st = part.stream();
  std::string extra = "{}";

  if (e.kind == ExperimentKind::Op) {
    CheckOptions co;
    co.seed = std::hash<std::string>()(e.id);
    co.max_rows = kCheckRows;
    CheckResult c;
    switch (e.op) {
      case OpKind::Gemm: c = check_gemm(st, part.gemm(), e.tokens, e.d_in, e.d_out, co); break;
      case OpKind::AttnPrefill: c = check_attn_prefill(st, e.hq, e.hkv, e.chunks, co, attn_prefill_impl(e.chunks), e.sms); break;
      case OpKind::AttnDecode: c = check_attn_decode(st, e.hq, e.hkv, e.contexts, e.sms, co, attn_decode_impl()); break;
      case OpKind::Elementwise:
        switch (e.which) {
          case ElementwiseKind::AddRmsNorm: c = check_add_rmsnorm(st, e.tokens, e.dim, true, co); break;
          case ElementwiseKind::Rope: c = check_rope(st, e.tokens, e.dim / 128, 0, 1e6f, co); break;
          case ElementwiseKind::QkNorm: c = check_qk_norm(st, e.tokens, e.dim / 128, 0, co); break;
          case ElementwiseKind::SiluMul: c = check_silu_mul(st, e.tokens, e.dim, co); break;
        }
        break;
    }
    JsonObjectWriter x;
    x.raw("check", check_result_json(c));
    // Which implementation ran (and, for cuDNN, which engine its heuristics chose).
    if (e.op == OpKind::AttnPrefill || e.op == OpKind::AttnDecode)
      x.str("impl", attn_impl_label(e.op == OpKind::AttnPrefill ? attn_prefill_impl(e.chunks) : attn_decode_impl()));
    extra = x.done();
  }

  const size_t set_bytes = op_set_bytes(e, e.sms);
  int sets = (int)std::ceil(kRotateL2Multiple * info_.l2_bytes / (double)std::max<size_t>(set_bytes, 1));
  sets = std::max(1, std::min({sets, kMaxSets, (int)(free_bytes() / std::max<size_t>(set_bytes, 1))}));
  auto ops = build_op_sets(e, sets, e.sms, part.gemm(), st);
  if (ops->cudnn) extra = merge(extra, JsonObjectWriter().str("cudnn_engine", cudnn_attn_plan_engine(ops->cudnn.get())).done());
  for (auto& l : ops->launches) l(st);  // warm-up: modules, cuBLASLt heuristics
  DUET_CUDA(cudaStreamSynchronize(st));
  // First estimate the op's time from one pass over the sets, then size the
  // timed graph to hold at least kMinGraphUs of work.
  double est_us;
  {
    Graph once(st, [&] {
      for (auto& l : ops->launches) l(st);
    });
    est_us = time_graph(once, st, 1, 3, sets).median_us;
  }
  int passes = (int)std::ceil(kMinGraphUs / std::max(est_us * sets, 1e-3));
  passes = std::max(1, std::min(passes, kMaxOpsPerGraph / sets));
  Graph g(st, [&] {
    for (int p = 0; p < passes; ++p)
      for (auto& l : ops->launches) l(st);
  });
  const TimingStats t = time_graph(g, st, plan_.warmup, plan_.repeats, passes * sets);
  JsonObjectWriter w;
  w.integer("sets", sets).integer("ops_per_graph", passes * sets);
  if (e.kind == ExperimentKind::CeilingGemm) w.num("flops_per_s", 2.0 * e.m * e.n * e.k / (t.median_us * 1e-6));
  if (e.kind == ExperimentKind::CeilingBandwidth) w.num("bytes_per_s", (double)e.bytes / (t.median_us * 1e-6));
  return merge(merge(merge(e.echo, stats_fields(t)), w.done()), extra);
}

std::string ExperimentRunner::run_forward(const Experiment& e) {
  const ModelWeights& w = weights(e.model);
  const Partition& part = partition(e.sms);
  const int copies = kv_copies_for(w.config(), {&e.batch}, e.sms);
  ForwardBatch fb(w, e.batch, copies, e.sms, nullptr);
  ScopedPartition scope(part);
  cudaStream_t st = part.stream();
  // Eager first: warms modules and fixes every cuBLASLt choice before capture.
  fb.enqueue(st, part.gemm());
  DUET_CUDA(cudaStreamSynchronize(st));
  // Eager timing too: prefill runs eagerly in DuetServe, so launch gaps count.
  std::vector<double> eager;
  {
    EventTimer t;
    const int reps = std::max(2, plan_.repeats / 5);
    for (int i = 0; i < reps; ++i) {
      t.start(st);
      fb.enqueue(st, part.gemm());
      t.stop(st);
      eager.push_back(t.elapsed_us());
    }
  }
  DeviceBuffer<unsigned long long> mask(kSmidMaskWords);
  DUET_CUDA(cudaMemsetAsync(mask.get(), 0, mask.bytes(), st));
  Graph g(st, [&] {
    launch_smid_probe(mask.get(), 4 * info_.sm_count, st);
    fb.enqueue(st, part.gemm());
  });
  const TimingStats t = time_graph(g, st, plan_.warmup, plan_.repeats);
  const int smids = popcount_mask(mask.download());
  const TimingStats te = summarize(eager);
  JsonObjectWriter x;
  x.integer("num_tokens", e.batch.num_tokens())
      .integer("kv_copies", copies)
      .num("eager_median_us", te.median_us)
      .integer("eager_reps", te.reps)
      .integer("smid_count", smids)
      .boolean("smids_ok", smids <= e.sms)
      .str("attn_prefill_impl", e.batch.prefills.empty() ? "none" : attn_impl_label(attn_prefill_impl(e.batch.prefills)))
      .str("attn_decode_impl", e.batch.decode_contexts.empty() ? "none" : attn_impl_label(attn_decode_impl()));
  return merge(merge(e.echo, stats_fields(t)), x.done());
}

std::string ExperimentRunner::run_concurrent(const Experiment& e) {
  const ModelWeights& w = weights(e.model);
  const ModelConfig& cfg = w.config();
  auto pair = parts_.make_pair(e.prefill_sms, e.decode_sms);
  const Partition& pp = *pair.first;
  const Partition& dp = *pair.second;
  const int copies = kv_copies_for(cfg, {&e.prefill_batch, &e.decode_batch}, std::max(e.prefill_sms, e.decode_sms));
  ForwardBatch pf(w, e.prefill_batch, copies, e.prefill_sms, nullptr);
  ForwardBatch dc(w, e.decode_batch, copies, e.decode_sms, nullptr);
  DeviceBuffer<unsigned long long> pmask(kSmidMaskWords), dmask(kSmidMaskWords);
  DUET_CUDA(cudaMemset(pmask.get(), 0, pmask.bytes()));
  DUET_CUDA(cudaMemset(dmask.get(), 0, dmask.bytes()));
  const int k = e.lookahead;
  const int probe_blocks = 4 * info_.sm_count;

  // Decode side: k forwards back to back in one graph, as DuetServe replays k
  // pre-captured iterations with no CPU sync between them.
  std::unique_ptr<Graph> decode_graph;
  std::unique_ptr<EventTimer> d_timer, gate_timer;
  cudaEvent_t gate = nullptr;
  {
    ScopedPartition s(dp);
    dc.enqueue(dp.stream(), dp.gemm());
    DUET_CUDA(cudaStreamSynchronize(dp.stream()));
    decode_graph = std::make_unique<Graph>(dp.stream(), [&] {
      launch_smid_probe(dmask.get(), probe_blocks, dp.stream());
      for (int i = 0; i < k; ++i) dc.enqueue(dp.stream(), dp.gemm());
    });
    d_timer = std::make_unique<EventTimer>();
    DUET_CUDA(cudaEventCreateWithFlags(&gate, cudaEventDisableTiming));
  }
  std::unique_ptr<EventTimer> p_timer;
  {
    ScopedPartition s(pp);
    pf.enqueue(pp.stream(), pp.gemm());
    DUET_CUDA(cudaStreamSynchronize(pp.stream()));
    p_timer = std::make_unique<EventTimer>();
  }
  auto enqueue_prefill = [&] {
    launch_smid_probe(pmask.get(), probe_blocks, pp.stream());
    pf.enqueue(pp.stream(), pp.gemm());
  };

  // Alone.
  std::vector<double> d_alone, p_alone, d_conc, p_conc;
  const int reps = plan_.repeats, warm = plan_.warmup;
  for (int i = 0; i < warm + reps; ++i) {
    {
      ScopedPartition s(dp);
      d_timer->start(dp.stream());
      decode_graph->launch(dp.stream());
      d_timer->stop(dp.stream());
      const double us = d_timer->elapsed_us() / k;
      if (i >= warm) d_alone.push_back(us);
    }
    {
      ScopedPartition s(pp);
      p_timer->start(pp.stream());
      enqueue_prefill();
      p_timer->stop(pp.stream());
      const double us = p_timer->elapsed_us();
      if (i >= warm) p_alone.push_back(us);
    }
  }
  // Measure how long the host takes to enqueue the eager prefill, so the gate
  // below holds both streams long enough for it.
  double enqueue_us;
  {
    ScopedPartition s(pp);
    const auto t0 = std::chrono::steady_clock::now();
    enqueue_prefill();
    enqueue_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    DUET_CUDA(cudaStreamSynchronize(pp.stream()));
  }
  const unsigned long long gate_ns = (unsigned long long)(2 * enqueue_us * 1000) + 1000000ull;

  // Together: a gate kernel on the decode stream holds both streams until the
  // host has enqueued both sides, so they start together.
  for (int i = 0; i < warm + reps; ++i) {
    {
      ScopedPartition s(dp);
      launch_gate_sleep(gate_ns, dp.stream());
      DUET_CUDA(cudaEventRecord(gate, dp.stream()));
      d_timer->start(dp.stream());
      decode_graph->launch(dp.stream());
      d_timer->stop(dp.stream());
    }
    {
      ScopedPartition s(pp);
      DUET_CUDA(cudaStreamWaitEvent(pp.stream(), gate, 0));
      p_timer->start(pp.stream());
      enqueue_prefill();
      p_timer->stop(pp.stream());
    }
    const double dus = d_timer->elapsed_us() / k;
    const double pus = p_timer->elapsed_us();
    if (i >= warm) {
      d_conc.push_back(dus);
      p_conc.push_back(pus);
    }
  }
  {
    ScopedPartition s(dp);
    DUET_CUDA(cudaEventDestroy(gate));
  }
  const std::vector<unsigned long long> dm = dmask.download(), pm = pmask.download();
  const int dn = popcount_mask(dm), pn = popcount_mask(pm);
  const bool apart = disjoint(dm, pm);
  const TimingStats da = summarize(d_alone), pa = summarize(p_alone), dcs = summarize(d_conc), pcs = summarize(p_conc);
  JsonObjectWriter x;
  x.num("decode_alone_us", da.median_us)
      .num("prefill_alone_us", pa.median_us)
      .num("decode_concurrent_us", dcs.median_us)
      .num("prefill_concurrent_us", pcs.median_us)
      .num("decode_concurrent_p10_us", dcs.p10_us)
      .num("decode_concurrent_p90_us", dcs.p90_us)
      .num("prefill_concurrent_p10_us", pcs.p10_us)
      .num("prefill_concurrent_p90_us", pcs.p90_us)
      .integer("reps", reps)
      .integer("kv_copies", copies)
      .integer("decode_smid_count", dn)
      .integer("prefill_smid_count", pn)
      .raw("decode_smids", smid_list(dm))
      .raw("prefill_smids", smid_list(pm))
      .boolean("smids_disjoint", apart)
      .boolean("decode_smids_ok", apart && dn <= e.decode_sms)
      .boolean("prefill_smids_ok", apart && pn <= e.prefill_sms)
      .num("prefill_enqueue_host_us", enqueue_us)
      .str("attn_prefill_impl", e.prefill_batch.prefills.empty() ? "none" : attn_impl_label(attn_prefill_impl(e.prefill_batch.prefills)))
      .str("attn_decode_impl", attn_impl_label(attn_decode_impl()));
  return merge(e.echo, x.done());
}

}  // namespace duet
