// execute_schedule: closed-loop validation's GPU side. The simulator's own
// schedule (turned into a duetsim-exec plan by `duetsim calibrate execute`)
// runs here step by step, as a serving engine would run it:
//   - one paged KV cache for the whole run (KvPool hands out blocks as
//     contexts grow and takes them back when requests finish or are
//     preempted), so block tables scatter and every context length is real;
//   - aggregated steps: the mixed batch as one CUDA graph on all SMs;
//   - split windows: the prefill eager on the S_p partition's stream beside
//     k decode steps captured as graphs and launched back to back on the S_d
//     partition's stream (contexts grow a token a step; the graphs hold the
//     whole batch, so a request that finishes inside the window keeps its
//     wasted slot, as in DuetServe), with %smid probes that confirm each side
//     stayed on its own SMs.
// The next step is prepared (metadata, graph capture) while the current one
// runs and is queued behind it with events, so the GPU sees steps back to
// back, as in serving. Each step's GPU times come from events on its own
// streams; the host's scheduling and sampling are not run here (the compare
// adds the simulator's host costs to both sides).
#include "duet_core.h"

#include "../kernels/kernels.h"
#include "cuda_check.h"
#include "device.h"
#include "exec_plan.h"
#include "forward.h"
#include "json.h"
#include "kv_pool.h"
#include "partition.h"
#include "results_file.h"
#include "timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>

namespace duet {

namespace {

// Left free for contexts, cuBLASLt workspaces and fragmentation.
constexpr size_t kReserveBytes = 3ull << 30;
// A KV copy shared by several layers must dwarf L2 for its reads to come from HBM.
constexpr double kKvCopyL2Multiple = 4.0;
// Holds a split window's decode stream until the host has queued both sides
// (k graph launches and the prefill's start event take well under this).
constexpr unsigned long long kGateNs = 500000;
// Metadata of one step (block tables, positions) for all its forwards.
constexpr size_t kMetaSlotInts = 16u << 20;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The batch of decode step j of a window: every decode of the window, contexts j
// tokens longer. DuetServe captures the k graphs for the whole batch, so a
// request that finished inside the window still takes its (wasted) slot.
BatchSpec decode_step_batch(const ExecStep& s, int j) {
  BatchSpec b;
  for (const auto& d : s.decodes) b.decode_contexts.push_back(d.context + j);
  return b;
}

BatchSpec prefill_batch(const ExecStep& s) {
  BatchSpec b;
  for (const auto& p : s.prefills) b.prefills.push_back({p.new_tokens, p.cached});
  return b;
}

BatchSpec aggregated_batch(const ExecStep& s) {
  BatchSpec b = prefill_batch(s);
  for (const auto& d : s.decodes) b.decode_contexts.push_back(d.context);
  return b;
}

int popcount_mask(const std::vector<unsigned long long>& m) {
  int n = 0;
  for (auto w : m) n += __builtin_popcountll(w);
  return n;
}

bool disjoint(const std::vector<unsigned long long>& a, const std::vector<unsigned long long>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] & b[i]) return false;
  return true;
}

class Event {
 public:
  // Created with the recording stream's context current.
  Event() { DUET_CUDA(cudaEventCreate(&e_)); }
  ~Event() {
    if (e_) cudaEventDestroy(e_);
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  cudaEvent_t get() const { return e_; }
  void record(cudaStream_t s) const { DUET_CUDA(cudaEventRecord(e_, s)); }

 private:
  cudaEvent_t e_ = nullptr;
};

double elapsed_us(const Event& a, const Event& b) {
  DUET_CUDA(cudaEventSynchronize(b.get()));
  float ms = 0;
  DUET_CUDA(cudaEventElapsedTime(&ms, a.get(), b.get()));
  return ms * 1000.0;
}

// Device memory for one in-flight step's metadata: forwards of a step place
// their block tables here one after another; two slots alternate, so step
// i+1 is prepared while step i (using the other slot) runs.
class MetaSlot {
 public:
  MetaSlot() : buf_(kMetaSlotInts) {}
  void reset() { used_ = 0; }
  int* place(const std::vector<int>& host, cudaStream_t upload) {
    if (used_ + host.size() > buf_.size())
      throw std::runtime_error("step metadata exceeds " + std::to_string(kMetaSlotInts) + " ints");
    int* dst = buf_.get() + used_;
    if (!host.empty())
      DUET_CUDA(cudaMemcpyAsync(dst, host.data(), host.size() * sizeof(int), cudaMemcpyHostToDevice, upload));
    used_ += (host.size() + 63) / 64 * 64;  // keep each table 256-byte aligned
    return dst;
  }

 private:
  DeviceBuffer<int> buf_;
  size_t used_ = 0;
};

struct SplitPartitions {
  std::unique_ptr<Partition> prefill, decode;
};

// One step, prepared (tables uploaded, graphs captured) and, once launched,
// the events its results are read from.
struct PreparedStep {
  const ExecStep* step = nullptr;
  std::unique_ptr<ForwardBatch> main;  // aggregated forward, or the window's prefill
  std::unique_ptr<Graph> main_graph;   // aggregated only
  std::vector<std::unique_ptr<ForwardBatch>> decodes;
  std::vector<std::unique_ptr<Graph>> decode_graphs;
  SplitPartitions* pair = nullptr;
  int mask_slot = 0;
  // Events (created in the context of the stream they are recorded on).
  std::unique_ptr<Event> start, end, p_start, p_end, d_start, gate;
  std::vector<std::unique_ptr<Event>> d_ends;
  std::vector<std::unique_ptr<Event>> done;  // one per stream the step ran on: the next step waits on them
  std::vector<std::pair<const Partition*, const Event*>> done_on;
};

class ScheduleExecutor {
 public:
  ScheduleExecutor(const ExecPlan& plan, const DeviceInfo& info, Partitioner& parts, const ModelWeights& weights,
                   KvCaches kv, KvPool& pool, const ProgressFn& progress)
      : plan_(plan), info_(info), parts_(parts), w_(weights), kv_(std::move(kv)), pool_(pool), progress_(progress) {
    whole_ = parts_.make(info_.sm_count);
    DUET_CUDA(cudaStreamCreateWithFlags(&upload_, cudaStreamNonBlocking));
    for (int i = 0; i < 2; ++i) {
      pmask_[i] = DeviceBuffer<unsigned long long>(kSmidMaskWords);
      dmask_[i] = DeviceBuffer<unsigned long long>(kSmidMaskWords);
    }
  }
  ~ScheduleExecutor() {
    cudaDeviceSynchronize();
    if (upload_) cudaStreamDestroy(upload_);
  }

  // Activation arenas sized once for the largest step of each kind, so no
  // step reallocates (and synchronises) mid-run.
  void reserve_arenas(size_t main_bytes, size_t decode_bytes) {
    main_arena_.reserve(main_bytes, upload_, false);
    decode_arena_.reserve(std::max<size_t>(decode_bytes, 1), upload_, false);
  }

  // Warms every partition's modules and cuBLASLt state with one eager
  // forward, so no first-use work lands inside a timed step or a capture.
  void warm_up() {
    for (const ExecStep& s : plan_.steps) {
      const Partition* main = whole_.get();
      const Partition* dec = nullptr;
      if (s.split) {
        SplitPartitions& sp = pair(s.prefill_sms, s.decode_sms);
        main = sp.prefill.get();
        dec = sp.decode.get();
      }
      warm(main, warm_up_batch(true), main_arena_);
      if (dec) warm(dec, warm_up_batch(false), decode_arena_);
    }
  }

  // A small batch that touches every kernel (with a prefill) or the decode ones.
  static BatchSpec warm_up_batch(bool with_prefill) {
    BatchSpec b;
    if (with_prefill) b.prefills.push_back({64, 0});
    b.decode_contexts = {100, 200};
    return b;
  }

  // Runs steps [first, plan.steps.size()) and appends one result line each.
  int run(size_t first, std::ofstream& out, const ExecuteOptions& opt, const ProgressFn& progress) {
    const auto t0 = Clock::now();
    auto last_report = t0;
    int ran = 0;
    const size_t n = plan_.steps.size();
    std::unique_ptr<PreparedStep> cur, prev;
    if (first < n) {
      cur = prepare(first, 0);
      launch(*cur, nullptr);
    }
    for (size_t i = first; i < n; ++i) {
      release_step_blocks(pool_, plan_.steps[i]);
      std::unique_ptr<PreparedStep> next;
      const bool time_left = opt.max_seconds <= 0 || seconds_since(t0) < opt.max_seconds;
      if (i + 1 < n && time_left) {
        next = prepare(i + 1, (int)((i + 1 - first) % 2));
        launch(*next, cur.get());
      }
      out << result_line(*cur) << "\n" << std::flush;
      ++ran;
      prev = std::move(cur);  // its done events may still be waited on by `next`
      cur = std::move(next);
      if (seconds_since(last_report) >= 5 || i + 1 == n) {
        last_report = Clock::now();
        const double el = seconds_since(t0);
        const double eta = el / ran * (double)(n - i - 1);
        progress("[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] steps, " + format_number(el) + " s, ETA " +
                 format_number(std::round(eta)) + " s, KV blocks in use " + std::to_string(pool_.used()) + "/" +
                 std::to_string(pool_.capacity()) + ", smid violations " + std::to_string(smid_violations_));
      }
      if (!cur) {
        if (i + 1 < n)
          progress("stopped after " + format_number(seconds_since(t0)) + " s (max_seconds); " + std::to_string(n - i - 1) +
                   " steps left: run again with --resume");
        break;
      }
    }
    DUET_CUDA(cudaDeviceSynchronize());
    return ran;
  }

  // Host bookkeeping of steps already in a resumed results file.
  void replay_bookkeeping(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      take_step_blocks(pool_, plan_.steps[i]);
      release_step_blocks(pool_, plan_.steps[i]);
    }
  }

  int smid_violations() const { return smid_violations_; }

 private:
  void warm(const Partition* p, const BatchSpec& b, const ForwardArena& arena) {
    if (!warmed_.insert(p).second) return;
    if (std::getenv("DUET_DEBUG_SYNC")) std::fprintf(stderr, "warm-up on %d SMs (%s)\n", p->sms(), p->green() ? "green context" : "whole GPU");
    std::vector<int> blocks;
    for (int i = 0; i < 16; ++i) blocks.push_back((int)(i % pool_.capacity()));  // any blocks: the data is random
    std::vector<const std::vector<int>*> lists((size_t)b.num_seqs(), &blocks);
    meta_[0].reset();
    ForwardBatch fb(w_, b, lists, kv_, arena, p->sms(), [&](const std::vector<int>& h) { return meta_[0].place(h, upload_); });
    DUET_CUDA(cudaStreamSynchronize(upload_));
    ScopedPartition scope(*p);
    fb.enqueue(p->stream(), p->gemm());
    DUET_CUDA(cudaStreamSynchronize(p->stream()));
  }

  SplitPartitions& pair(int prefill_sms, int decode_sms) {
    const auto key = std::make_pair(prefill_sms, decode_sms);
    auto it = pairs_.find(key);
    if (it == pairs_.end()) {
      auto made = parts_.make_pair(prefill_sms, decode_sms);
      for (const Partition* part : {made.first.get(), made.second.get()})
        if (part->max_cluster() < 8)
          progress_("partition of " + std::to_string(part->sms()) + " SMs launches clusters of at most " +
                    std::to_string(part->max_cluster()) + " blocks: its GEMMs use cuBLASLt kernels that fit");
      it = pairs_.emplace(key, SplitPartitions{std::move(made.first), std::move(made.second)}).first;
    }
    return it->second;
  }

  std::unique_ptr<ForwardBatch> forward(const BatchSpec& b, const std::vector<const std::vector<int>*>& lists,
                                        const ForwardArena& arena, int sms, MetaSlot& slot) {
    return std::make_unique<ForwardBatch>(w_, b, lists, kv_, arena, sms,
                                          [&](const std::vector<int>& h) { return slot.place(h, upload_); });
  }

  std::unique_ptr<PreparedStep> prepare(size_t index, int slot_index) {
    auto p = std::make_unique<PreparedStep>();
    const ExecStep& s = plan_.steps[index];
    p->step = &s;
    p->mask_slot = slot_index;
    MetaSlot& slot = meta_[slot_index];
    slot.reset();
    const StepBlocks blocks = take_step_blocks(pool_, s);
    const auto& pf_lists = blocks.prefills;
    const auto& dc_lists = blocks.decodes;
    if (!s.split) {
      std::vector<const std::vector<int>*> lists = pf_lists;
      lists.insert(lists.end(), dc_lists.begin(), dc_lists.end());
      p->main = forward(aggregated_batch(s), lists, main_arena_, info_.sm_count, slot);
      DUET_CUDA(cudaStreamSynchronize(upload_));
      ScopedPartition scope(*whole_);
      p->main_graph = std::make_unique<Graph>(whole_->stream(), [&] { p->main->enqueue(whole_->stream(), whole_->gemm()); });
      return p;
    }
    p->pair = &pair(s.prefill_sms, s.decode_sms);
    if (!s.prefills.empty()) p->main = forward(prefill_batch(s), pf_lists, main_arena_, s.prefill_sms, slot);
    if (!s.decodes.empty())
      for (int j = 0; j < s.k; ++j)
        p->decodes.push_back(forward(decode_step_batch(s, j), dc_lists, decode_arena_, s.decode_sms, slot));
    DUET_CUDA(cudaStreamSynchronize(upload_));
    const Partition& dp = *p->pair->decode;
    ScopedPartition scope(dp);
    for (const auto& fb : p->decodes)
      p->decode_graphs.push_back(std::make_unique<Graph>(dp.stream(), [&] { fb->enqueue(dp.stream(), dp.gemm()); }));
    return p;
  }

  void wait_for(const PreparedStep* prev, cudaStream_t s) {
    if (!prev) return;
    for (const auto& d : prev->done_on) DUET_CUDA(cudaStreamWaitEvent(s, d.second->get(), 0));
  }

  void mark_done(PreparedStep& p, const Partition& part) {
    ScopedPartition scope(part);
    p.done.push_back(std::make_unique<Event>());
    p.done.back()->record(part.stream());
    p.done_on.emplace_back(&part, p.done.back().get());
  }

  void launch(PreparedStep& p, const PreparedStep* prev) {
    const ExecStep& s = *p.step;
    if (!s.split) {
      {
        ScopedPartition scope(*whole_);
        cudaStream_t st = whole_->stream();
        wait_for(prev, st);
        p.start = std::make_unique<Event>();
        p.end = std::make_unique<Event>();
        p.start->record(st);
        p.main_graph->launch(st);
        p.end->record(st);
      }
      mark_done(p, *whole_);
      return;
    }
    const Partition& pp = *p.pair->prefill;
    const Partition& dp = *p.pair->decode;
    unsigned long long* pmask = pmask_[p.mask_slot].get();
    unsigned long long* dmask = dmask_[p.mask_slot].get();
    {
      ScopedPartition scope(dp);
      cudaStream_t st = dp.stream();
      wait_for(prev, st);
      DUET_CUDA(cudaMemsetAsync(dmask, 0, kSmidMaskWords * sizeof(unsigned long long), st));
      launch_smid_probe(dmask, 4 * info_.sm_count, st);
      launch_gate_sleep(kGateNs, st);
      p.gate = std::make_unique<Event>();
      p.gate->record(st);
      p.d_start = std::make_unique<Event>();
      p.d_start->record(st);
      for (const auto& g : p.decode_graphs) {
        g->launch(st);
        p.d_ends.push_back(std::make_unique<Event>());
        p.d_ends.back()->record(st);
      }
    }
    {
      ScopedPartition scope(pp);
      cudaStream_t st = pp.stream();
      wait_for(prev, st);
      DUET_CUDA(cudaMemsetAsync(pmask, 0, kSmidMaskWords * sizeof(unsigned long long), st));
      launch_smid_probe(pmask, 4 * info_.sm_count, st);
      DUET_CUDA(cudaStreamWaitEvent(st, p.gate->get(), 0));
      p.p_start = std::make_unique<Event>();
      p.p_start->record(st);
      if (p.main) p.main->enqueue(st, pp.gemm());  // eager, as DuetServe runs the prefill
      p.p_end = std::make_unique<Event>();
      p.p_end->record(st);
    }
    mark_done(p, dp);
    mark_done(p, pp);
  }

  std::string result_line(PreparedStep& p) {
    const ExecStep& s = *p.step;
    JsonObjectWriter w;
    w.str("kind", "step").integer("step", s.step).str("mode", s.split ? "split" : "aggregated");
    if (!s.split) return w.num("gpu_us", elapsed_us(*p.start, *p.end)).done();
    std::string ends = "[";
    for (size_t j = 0; j < p.d_ends.size(); ++j)
      ends += (j ? "," : "") + format_number(elapsed_us(*p.d_start, *p.d_ends[j]));
    ends += "]";
    const double pf = elapsed_us(*p.p_start, *p.p_end);
    DeviceBuffer<unsigned long long>& pm = pmask_[p.mask_slot];
    DeviceBuffer<unsigned long long>& dm = dmask_[p.mask_slot];
    const std::vector<unsigned long long> pmh = pm.download(), dmh = dm.download();
    const bool ok = disjoint(pmh, dmh) && popcount_mask(pmh) <= s.prefill_sms && popcount_mask(dmh) <= s.decode_sms;
    if (!ok) ++smid_violations_;
    w.integer("prefill_sms", s.prefill_sms).integer("decode_sms", s.decode_sms).integer("k", s.k);
    if (p.main) w.num("prefill_end_us", pf);
    else w.raw("prefill_end_us", "null");
    return w.raw("decode_end_us", s.decodes.empty() ? "[]" : ends).boolean("smids_ok", ok).done();
  }

  const ExecPlan& plan_;
  const DeviceInfo& info_;
  Partitioner& parts_;
  const ModelWeights& w_;
  KvCaches kv_;
  KvPool& pool_;
  const ProgressFn& progress_;
  std::unique_ptr<Partition> whole_;
  std::map<std::pair<int, int>, SplitPartitions> pairs_;
  std::set<const Partition*> warmed_;
  ForwardArena main_arena_, decode_arena_;
  MetaSlot meta_[2];
  DeviceBuffer<unsigned long long> pmask_[2], dmask_[2];
  cudaStream_t upload_ = nullptr;
  int smid_violations_ = 0;
};

// Device checks before any allocation: partitions the split can make, memory.
void validate_exec_against_device(const ExecPlan& plan, const DeviceInfo& info, const Partitioner& parts) {
  std::vector<std::string> problems;
  std::set<std::pair<int, int>> seen;
  for (const ExecStep& s : plan.steps) {
    if (!s.split || !seen.insert({s.prefill_sms, s.decode_sms}).second) continue;
    const std::string where = plan.file + ":" + std::to_string(s.line) + ": steps[" + std::to_string(s.step) + "]";
    if (s.prefill_sms + s.decode_sms > info.sm_count)
      problems.push_back(where + ".prefill_sms + decode_sms: " + std::to_string(s.prefill_sms + s.decode_sms) +
                         " exceeds the device's " + std::to_string(info.sm_count) + " SMs");
    else if (!parts.can_make_pair(s.prefill_sms, s.decode_sms))
      problems.push_back(where + ".prefill_sms/decode_sms: " + std::to_string(s.prefill_sms) + "/" +
                         std::to_string(s.decode_sms) + " cannot be made as two disjoint partitions on this " + info.name +
                         "; single partitions possible: " + parts.achievable());
  }
  if (!problems.empty()) throw PlanError(problems);
}

std::string merge_objects(const std::string& a, const std::string& b) {
  return a.substr(0, a.size() - 1) + "," + b.substr(1);
}

}  // namespace

int execute_schedule(const std::string& text, const ExecuteOptions& opt, const ProgressFn& progress) {
  const ExecPlan plan = parse_exec_plan(text, opt.plan_name);
  if (plan.block_tokens != forward_block_tokens())
    throw PlanError({opt.plan_name + ":1: header.block_tokens: must be " + std::to_string(forward_block_tokens()) +
                     " (the kernels' KV block size; replay with that block size)"});
  const long long peak_blocks = dry_run_kv(plan);
  const DeviceInfo info = query_device_info();
  Partitioner parts(info);
  validate_exec_against_device(plan, info, parts);
  const ModelConfig& cfg = plan.model;

  // Memory: weights, the two activation arenas, then as many KV copies (one
  // per layer at best) as fit.
  size_t main_bytes = 0, decode_bytes = 0;
  for (const ExecStep& s : plan.steps) {
    if (!s.split) {
      main_bytes = std::max(main_bytes, ForwardArena::bytes_for(cfg, aggregated_batch(s), info.sm_count));
      continue;
    }
    if (!s.prefills.empty()) main_bytes = std::max(main_bytes, ForwardArena::bytes_for(cfg, prefill_batch(s), s.prefill_sms));
    for (int j = 0; j < s.k && !s.decodes.empty(); ++j)
      decode_bytes = std::max(decode_bytes, ForwardArena::bytes_for(cfg, decode_step_batch(s, j), s.decode_sms));
  }
  // The warm-up batches (ScheduleExecutor::warm_up_batch) must fit too.
  main_bytes = std::max(main_bytes, ForwardArena::bytes_for(cfg, ScheduleExecutor::warm_up_batch(true), info.sm_count));
  decode_bytes = std::max(decode_bytes, ForwardArena::bytes_for(cfg, ScheduleExecutor::warm_up_batch(false), info.sm_count));
  const size_t weight_bytes = ModelWeights::bytes_needed(cfg);
  const size_t per_copy = (size_t)plan.kv_blocks * plan.block_tokens * cfg.hkv * cfg.dh * 2 * 2;
  const size_t fixed = weight_bytes + main_bytes + decode_bytes + 2 * kMetaSlotInts * 4 + kReserveBytes;
  if (fixed + per_copy > info.free_mem_bytes)
    throw PlanError({opt.plan_name + ":1: header.kv_blocks: the model (" + std::to_string(weight_bytes >> 20) +
                     " MiB), activations (" + std::to_string((main_bytes + decode_bytes) >> 20) + " MiB) and one KV copy of " +
                     std::to_string(plan.kv_blocks) + " blocks (" + std::to_string(per_copy >> 20) + " MiB) need more than the " +
                     std::to_string(info.free_mem_bytes >> 20) + " MiB free on this " + info.name});
  const int copies = (int)std::min<size_t>(cfg.num_layers, (info.free_mem_bytes - fixed) / per_copy);
  if (copies < cfg.num_layers && copies * (double)per_copy < kKvCopyL2Multiple * info.l2_bytes)
    throw PlanError({opt.plan_name + ":1: header.kv_blocks: KV copies shared across layers would be too small to " +
                     "miss L2 (" + std::to_string(copies) + " x " + std::to_string(per_copy >> 20) + " MiB)"});

  ResumeState state;
  if (opt.resume) state = prepare_resume(opt.out_path);
  if ((size_t)state.steps > plan.steps.size())
    throw std::runtime_error(opt.out_path + " holds " + std::to_string(state.steps) + " steps; the plan has " +
                             std::to_string(plan.steps.size()) + " (results of another plan?)");
  std::ofstream out(opt.out_path, opt.resume ? std::ios::app : std::ios::trunc);
  if (!out) throw std::runtime_error("cannot open " + opt.out_path + " for writing");

  progress("model " + cfg.name + ": " + std::to_string(weight_bytes >> 20) + " MiB of weights; KV pool " +
           std::to_string(plan.kv_blocks) + " blocks (peak in use " + std::to_string(peak_blocks) + ") x " +
           std::to_string(copies) + " copies for " + std::to_string(cfg.num_layers) + " layers; " +
           std::to_string(plan.steps.size()) + " steps");
  const ModelWeights weights(cfg, nullptr);
  const KvStore kv(per_copy / 4, copies, 3000, nullptr);
  DUET_CUDA(cudaDeviceSynchronize());

  if (!state.has_meta) {
    const std::string extra = JsonObjectWriter()
                                  .str("format", "duetsim-exec-result")
                                  .integer("version", 1)
                                  .raw("schedule", plan.schedule_json)
                                  .str("model", cfg.name)
                                  .integer("kv_blocks", plan.kv_blocks)
                                  .integer("kv_peak_blocks", peak_blocks)
                                  .integer("kv_copies", copies)
                                  .integer("steps_planned", (long long)plan.steps.size())
                                  .done();
    out << merge_objects(device_info_json(opt.backend), extra) << "\n" << std::flush;
  }

  KvPool pool(plan.kv_blocks, plan.block_tokens);
  ScheduleExecutor ex(plan, info, parts, weights, kv.caches(), pool, progress);
  ex.reserve_arenas(main_bytes, decode_bytes);
  ex.warm_up();
  ex.replay_bookkeeping((size_t)state.steps);
  if (state.steps > 0) progress("resuming after " + std::to_string(state.steps) + " steps already in " + opt.out_path);
  const auto t0 = Clock::now();
  const int ran = ex.run((size_t)state.steps, out, opt, progress);
  if ((size_t)state.steps + ran == plan.steps.size())
    out << JsonObjectWriter()
               .str("kind", "done")
               .integer("steps", (long long)plan.steps.size())
               .num("wall_s", seconds_since(t0))
               .integer("smid_violations", ex.smid_violations())
               .integer("kv_peak_blocks", pool.peak())
               .done()
        << "\n"
        << std::flush;
  return ran;
}

}  // namespace duet
