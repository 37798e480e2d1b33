// The live session (live_exec.h): header checks, then the closed-loop
// executor's step machinery (step_exec.h) driven one step at a time.
//
// Timing: each step's own fields (gpu_us, or the split window's
// prefill_end_us / decode_end_us) come from the same events as in
// execute_schedule. Around them, on one stream of the primary context (the
// timeline), a "begin" event that every stream of the step waits on and an
// "end" event recorded after all of them: idle_before_us is the previous
// step's end to this step's begin, both on that one stream, so the figure
// never compares events of different green contexts.
#include "live_exec.h"

#include "cuda_check.h"
#include "device.h"
#include "exec_plan.h"
#include "forward.h"
#include "json.h"
#include "kv_pool.h"
#include "live_signals.h"
#include "partition.h"
#include "step_exec.h"

#include <algorithm>
#include <chrono>

namespace duet {

namespace {

using Clock = std::chrono::steady_clock;

double us_since(Clock::time_point t0) { return std::chrono::duration<double, std::micro>(Clock::now() - t0).count(); }

// The largest batches the header's limits allow, for sizing the arenas up
// front: max_batch_tokens prefill tokens beside max_seqs decodes (aggregated),
// max_seqs decodes (a window's decode side), with decode contexts that share
// the pool evenly (the decode workspace grows with the longest context). A
// step beyond these grows its arena (arena_grew).
void limit_arena_bytes(const LiveHeader& h, const DeviceInfo& info, size_t& main, size_t& decode) {
  const long long pool_tokens = h.kv_blocks * h.block_tokens;
  const int context = (int)std::max<long long>(1, std::min<long long>(pool_tokens / h.max_seqs, 1 << 20));
  BatchSpec agg, dec;
  agg.prefills.push_back({h.max_batch_tokens, 0});
  dec.decode_contexts.assign((size_t)h.max_seqs, context);
  agg.decode_contexts = dec.decode_contexts;
  std::vector<int> sms = {info.sm_count};
  for (const auto& p : h.splits) sms.insert(sms.end(), {p.first, p.second});
  main = ForwardArena::bytes_for(h.model, warm_up_batch(true), info.sm_count);
  decode = ForwardArena::bytes_for(h.model, warm_up_batch(false), info.sm_count);
  for (int n : sms) {
    main = std::max(main, ForwardArena::bytes_for(h.model, agg, n));
    decode = std::max(decode, ForwardArena::bytes_for(h.model, dec, n));
  }
}

}  // namespace

std::string live_error_line(const std::string& message) {
  return JsonObjectWriter().str("kind", "error").str("message", message).done();
}

struct LiveExecutor::Impl {
  ProgressFn progress;
  std::string backend;
  LiveHeader header;
  DeviceInfo info;
  MemoryPlan mem;
  // Declared in construction order; destroyed in reverse (close() does it explicitly).
  std::unique_ptr<Partitioner> parts;
  std::unique_ptr<ModelWeights> weights;
  std::unique_ptr<KvStore> kv;
  std::unique_ptr<KvPool> pool;
  std::unique_ptr<StepExecutor> steps;
  cudaStream_t timeline = nullptr;
  // The previous step, kept until the next one has run (its graphs and events).
  std::unique_ptr<ExecStep> prev_step;
  std::unique_ptr<PreparedStep> prev;
  std::unique_ptr<Event> prev_end;
  int next_step = 0;
  long long arena_grows = 0;
  std::string failure;  // non-empty: a step failed on the GPU
  std::unique_ptr<SignalWatch> signals;
  bool interrupted_at_close = false, closed = false;

  ~Impl() { release_gpu(); }

  void release_gpu() {
    if (steps || timeline) cudaDeviceSynchronize();
    prev.reset();
    prev_end.reset();
    prev_step.reset();
    steps.reset();
    if (timeline) cudaStreamDestroy(timeline);
    timeline = nullptr;
    pool.reset();
    kv.reset();
    weights.reset();
    parts.reset();
  }
};

LiveExecutor::LiveExecutor(const std::string& header_json, const ProgressFn& progress, const std::string& backend)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.progress = progress;
  m.backend = backend;
  const std::string where = "<live header>";
  m.header = parse_live_header(header_json, forward_block_tokens());
  const LiveHeader& h = m.header;
  m.info = query_device_info();
  m.parts = std::make_unique<Partitioner>(m.info);
  std::vector<std::string> problems;
  for (size_t i = 0; i < h.splits.size(); ++i) {
    const SplitProblem bad = split_pair_problem(h.splits[i].first, h.splits[i].second, m.info, *m.parts);
    if (!bad.field.empty())
      problems.push_back(where + ": splits[" + std::to_string(i) + "]: " + bad.field + " " + bad.message);
  }
  if (!problems.empty()) throw PlanError(problems);
  size_t main_bytes = 0, decode_bytes = 0;
  limit_arena_bytes(h, m.info, main_bytes, decode_bytes);
  // The whole GPU and both sides of every listed pair, each with its cuBLASLt workspace, are made after
  // the KV store has taken what the plan leaves it: budget them, or a header listing every split of the
  // device (some 30 pairs on an H200, ~2 GiB of workspaces) eats the reserve meant for contexts.
  const size_t partition_bytes = (1 + 2 * h.splits.size()) * kGemmWorkspaceBytes;
  m.mem = plan_memory(h.model, m.info, h.kv_blocks, h.block_tokens, main_bytes, decode_bytes, where + ": kv_blocks",
                      partition_bytes);

  std::string pairs;
  for (const auto& p : h.splits) pairs += (pairs.empty() ? "" : ", ") + std::to_string(p.first) + "/" + std::to_string(p.second);
  progress("live session: model " + h.model.name + ": " + std::to_string(m.mem.weight_bytes >> 20) +
           " MiB of weights; KV pool " + std::to_string(h.kv_blocks) + " blocks x " + std::to_string(m.mem.copies) +
           " copies for " + std::to_string(h.model.num_layers) + " layers; arenas " +
           std::to_string((main_bytes + decode_bytes) >> 20) + " MiB; splits " + (pairs.empty() ? "none" : pairs));
  m.weights = std::make_unique<ModelWeights>(h.model, nullptr);
  m.kv = std::make_unique<KvStore>(m.mem.per_copy / 4, m.mem.copies, 3000, nullptr);
  DUET_CUDA(cudaDeviceSynchronize());
  m.pool = std::make_unique<KvPool>(h.kv_blocks, h.block_tokens);
  m.steps = std::make_unique<StepExecutor>(m.info, *m.parts, *m.weights, m.kv->caches(), *m.pool, m.progress);
  m.steps->reserve_arenas(main_bytes, decode_bytes);
  DUET_CUDA(cudaStreamCreateWithFlags(&m.timeline, cudaStreamNonBlocking));
  m.steps->warm_whole();
  for (const auto& p : h.splits) m.steps->warm_pair(p.first, p.second);
  DUET_CUDA(cudaDeviceSynchronize());
  size_t free_bytes = 0, total_bytes = 0;
  DUET_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes));
  progress("live session: ready (whole GPU and " + std::to_string(h.splits.size()) + " split pairs warmed; " +
           std::to_string(free_bytes >> 20) + " MiB left free for arena growth and new splits)");
  m.signals = std::make_unique<SignalWatch>();
}

LiveExecutor::~LiveExecutor() {
  try {
    close();
  } catch (...) {
  }
}

void LiveExecutor::close() {
  Impl& m = *impl_;
  if (m.closed) return;
  m.closed = true;
  m.interrupted_at_close = m.signals && m.signals->fired();
  m.signals.reset();
  m.release_gpu();
}

bool LiveExecutor::closed() const { return impl_->closed; }

bool LiveExecutor::interrupted() const {
  return impl_->closed ? impl_->interrupted_at_close : impl_->signals && impl_->signals->fired();
}

std::string LiveExecutor::meta() const {
  const Impl& m = *impl_;
  if (m.closed) throw std::runtime_error("live session: meta() after close()");
  std::string splits = "[";
  for (size_t i = 0; i < m.header.splits.size(); ++i)
    splits += (i ? ",[" : "[") + std::to_string(m.header.splits[i].first) + "," +
              std::to_string(m.header.splits[i].second) + "]";
  splits += "]";
  const std::string extra = JsonObjectWriter()
                                .str("format", "duetsim-live-result")
                                .integer("version", 1)
                                .str("model", m.header.model.name)
                                .integer("kv_blocks", m.header.kv_blocks)
                                .integer("kv_copies", m.mem.copies)
                                .integer("block_tokens", m.header.block_tokens)
                                .raw("splits", splits)
                                .integer("max_batch_tokens", m.header.max_batch_tokens)
                                .integer("max_seqs", m.header.max_seqs)
                                .integer("max_lookahead", m.header.max_lookahead)
                                .integer("steps_run", m.next_step)
                                .integer("arena_grows", m.arena_grows)
                                .integer("smid_violations", m.steps ? m.steps->smid_violations() : 0)
                                .done();
  return merge_objects(device_info_json(m.backend), extra);
}

std::string LiveExecutor::step(const std::string& step_json) {
  const auto t0 = Clock::now();
  Impl& m = *impl_;
  if (m.closed) throw std::runtime_error("live session: step() after close()");
  if (!m.failure.empty())
    throw std::runtime_error("live session: failed at step " + std::to_string(m.next_step) + " (" + m.failure +
                             "); close it and open a new one");
  // Everything that can be wrong with the step, found before the GPU or the
  // pool is touched.
  const std::string where = live_step_name(m.next_step);
  auto s = std::make_unique<ExecStep>(parse_live_step(step_json, m.next_step, m.header));
  std::vector<std::string> problems;
  const bool new_pair = s->split && !m.steps->has_pair(s->prefill_sms, s->decode_sms);
  if (new_pair) {
    const SplitProblem bad = split_pair_problem(s->prefill_sms, s->decode_sms, m.info, *m.parts);
    if (!bad.field.empty()) problems.push_back(where + ": " + bad.field + ": " + bad.message);
  }
  for (auto& p : check_step_kv(*m.pool, *s, where)) problems.push_back(std::move(p));
  if (!problems.empty()) throw PlanError(problems);

  try {
    DUET_CUDA(cudaSetDevice(0));  // the primary context current on this thread: the timeline's events are made in it
    if (new_pair) {
      m.progress("live session: opening split " + std::to_string(s->prefill_sms) + "/" + std::to_string(s->decode_sms) +
                 " at step " + std::to_string(s->step) + " (not in the header's splits): made and warmed now");
      m.steps->warm_pair(s->prefill_sms, s->decode_sms);
    }
    // A step beyond the header's limits (longer contexts, a larger window) grows an arena or its
    // metadata slot here, outside the timed region; without it the slot's fixed 16M ints run out
    // mid-prepare (k=64 windows of 256 long decodes) after the pool was changed, failing the session.
    const bool grew_arena = m.steps->fit_arenas(*s);
    const bool grew = m.steps->fit_meta(*s, m.next_step % 2) || grew_arena;
    if (grew) ++m.arena_grows;
    std::unique_ptr<PreparedStep> p = m.steps->prepare(*s, m.next_step % 2);  // takes the step's KV blocks
    const long long kv_used = m.pool->used();
    // The primary context is current here (ScopedPartition restores it).
    auto begin = std::make_unique<Event>();
    begin->record(m.timeline);
    m.steps->launch(*p, {begin.get()});
    const double prepare_us = us_since(t0);
    for (const Event* e : StepExecutor::done_events(p.get())) DUET_CUDA(cudaStreamWaitEvent(m.timeline, e->get(), 0));
    auto end = std::make_unique<Event>();
    end->record(m.timeline);
    JsonObjectWriter w;
    m.steps->result(*p, w);  // waits for the step's own events
    DUET_CUDA(cudaEventSynchronize(end->get()));
    w.num("prepare_us", prepare_us);
    if (m.prev_end) w.num("idle_before_us", elapsed_us(*m.prev_end, *begin));
    else w.raw("idle_before_us", "null");
    w.integer("kv_used_blocks", kv_used).boolean("arena_grew", grew);
    release_step_blocks(*m.pool, *s);
    m.prev = std::move(p);
    m.prev_step = std::move(s);
    m.prev_end = std::move(end);
    ++m.next_step;
    return w.done();
  } catch (const std::exception& e) {
    m.failure = e.what();
    throw;
  }
}

}  // namespace duet
