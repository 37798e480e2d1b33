#include "step_exec.h"

#include "../kernels/kernels.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace duet {

namespace {

// Left free for contexts, cuBLASLt workspaces and fragmentation.
constexpr size_t kReserveBytes = 3ull << 30;
// A KV copy shared by several layers must dwarf L2 for its reads to come from HBM.
constexpr double kKvCopyL2Multiple = 4.0;
// Holds a split window's decode stream until the host has queued both sides
// (k graph launches and the prefill's start event take well under this).
constexpr unsigned long long kGateNs = 500000;

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

}  // namespace

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

BatchSpec warm_up_batch(bool with_prefill) {
  BatchSpec b;
  if (with_prefill) b.prefills.push_back({64, 0});
  b.decode_contexts = {100, 200};
  return b;
}

void step_arena_bytes(const ModelConfig& cfg, const ExecStep& s, int sm_count, size_t& main, size_t& decode) {
  main = decode = 0;
  if (!s.split) {
    main = ForwardArena::bytes_for(cfg, aggregated_batch(s), sm_count);
    return;
  }
  if (!s.prefills.empty()) main = ForwardArena::bytes_for(cfg, prefill_batch(s), s.prefill_sms);
  for (int j = 0; j < s.k && !s.decodes.empty(); ++j)
    decode = std::max(decode, ForwardArena::bytes_for(cfg, decode_step_batch(s, j), s.decode_sms));
}

MemoryPlan plan_memory(const ModelConfig& cfg, const DeviceInfo& info, long long kv_blocks, int block_tokens,
                       size_t main_bytes, size_t decode_bytes, const std::string& where, size_t partition_bytes) {
  MemoryPlan m;
  m.weight_bytes = ModelWeights::bytes_needed(cfg);
  m.per_copy = (size_t)kv_blocks * block_tokens * cfg.hkv * cfg.dh * 2 * 2;
  const size_t fixed =
      m.weight_bytes + main_bytes + decode_bytes + 2 * kMetaSlotInts * 4 + kReserveBytes + partition_bytes;
  if (fixed + m.per_copy > info.free_mem_bytes)
    throw PlanError({where + ": the model (" + std::to_string(m.weight_bytes >> 20) + " MiB), activations (" +
                     std::to_string((main_bytes + decode_bytes) >> 20) + " MiB)" +
                     (partition_bytes ? ", partitions' GEMM workspaces (" + std::to_string(partition_bytes >> 20) + " MiB)"
                                      : std::string()) +
                     " and one KV copy of " +
                     std::to_string(kv_blocks) + " blocks (" + std::to_string(m.per_copy >> 20) +
                     " MiB) need more than the " + std::to_string(info.free_mem_bytes >> 20) + " MiB free on this " +
                     info.name});
  m.copies = (int)std::min<size_t>(cfg.num_layers, (info.free_mem_bytes - fixed) / m.per_copy);
  if (m.copies < cfg.num_layers && m.copies * (double)m.per_copy < kKvCopyL2Multiple * info.l2_bytes)
    throw PlanError({where + ": KV copies shared across layers would be too small to " + "miss L2 (" +
                     std::to_string(m.copies) + " x " + std::to_string(m.per_copy >> 20) + " MiB)"});
  return m;
}

SplitProblem split_pair_problem(int prefill_sms, int decode_sms, const DeviceInfo& info, const Partitioner& parts) {
  if (prefill_sms + decode_sms > info.sm_count)
    return {"prefill_sms + decode_sms",
            std::to_string(prefill_sms + decode_sms) + " exceeds the device's " + std::to_string(info.sm_count) + " SMs"};
  if (!parts.can_make_pair(prefill_sms, decode_sms))
    return {"prefill_sms/decode_sms", std::to_string(prefill_sms) + "/" + std::to_string(decode_sms) +
                                          " cannot be made as two disjoint partitions on this " + info.name +
                                          "; single partitions possible: " + parts.achievable()};
  return {};
}

std::string merge_objects(const std::string& a, const std::string& b) {
  return a.substr(0, a.size() - 1) + "," + b.substr(1);
}

double elapsed_us(const Event& a, const Event& b) {
  DUET_CUDA(cudaEventSynchronize(b.get()));
  float ms = 0;
  DUET_CUDA(cudaEventElapsedTime(&ms, a.get(), b.get()));
  return ms * 1000.0;
}

int* MetaSlot::place(const std::vector<int>& host, cudaStream_t upload) {
  if (used_ + host.size() > buf_.size())
    throw std::runtime_error("step metadata exceeds " + std::to_string(buf_.size()) + " ints");
  int* dst = buf_.get() + used_;
  if (!host.empty())
    DUET_CUDA(cudaMemcpyAsync(dst, host.data(), host.size() * sizeof(int), cudaMemcpyHostToDevice, upload));
  used_ += (host.size() + 63) / 64 * 64;  // keep each table 256-byte aligned
  return dst;
}

bool MetaSlot::reserve(size_t ints) {
  if (ints <= buf_.size()) return false;
  DUET_CUDA(cudaDeviceSynchronize());
  buf_ = DeviceBuffer<int>();  // free first: old and new may not fit together
  buf_ = DeviceBuffer<int>(ints + ints / 4);
  used_ = 0;
  return true;
}

StepExecutor::StepExecutor(const DeviceInfo& info, Partitioner& parts, const ModelWeights& weights, KvCaches kv,
                           KvPool& pool, const ProgressFn& progress)
    : info_(info), parts_(parts), w_(weights), kv_(std::move(kv)), pool_(pool), progress_(progress) {
  whole_ = parts_.make(info_.sm_count);
  DUET_CUDA(cudaStreamCreateWithFlags(&upload_, cudaStreamNonBlocking));
  for (int i = 0; i < 2; ++i) {
    pmask_[i] = DeviceBuffer<unsigned long long>(kSmidMaskWords);
    dmask_[i] = DeviceBuffer<unsigned long long>(kSmidMaskWords);
  }
}

StepExecutor::~StepExecutor() {
  cudaDeviceSynchronize();
  if (upload_) cudaStreamDestroy(upload_);
}

void StepExecutor::reserve_arenas(size_t main_bytes, size_t decode_bytes) {
  main_arena_.reserve(main_bytes, upload_, false);
  decode_arena_.reserve(std::max<size_t>(decode_bytes, 1), upload_, false);
}

bool StepExecutor::fit_arenas(const ExecStep& s) {
  size_t main = 0, decode = 0;
  step_arena_bytes(w_.config(), s, info_.sm_count, main, decode);
  const bool a = main_arena_.reserve(main, upload_, true);
  const bool b = decode_arena_.reserve(decode, upload_, true);
  return a || b;
}

bool StepExecutor::fit_meta(const ExecStep& s, int slot_index) {
  return meta_[slot_index].reserve((size_t)step_meta_ints_bound(s, forward_block_tokens()));
}

void StepExecutor::warm_up(const std::vector<ExecStep>& steps) {
  for (const ExecStep& s : steps) {
    if (s.split) warm_pair(s.prefill_sms, s.decode_sms);
    else warm_whole();
  }
}

void StepExecutor::warm_whole() { warm(whole_.get(), warm_up_batch(true), main_arena_); }

void StepExecutor::warm_pair(int prefill_sms, int decode_sms) {
  SplitPartitions& sp = pair(prefill_sms, decode_sms);
  warm(sp.prefill.get(), warm_up_batch(true), main_arena_);
  warm(sp.decode.get(), warm_up_batch(false), decode_arena_);
}

void StepExecutor::warm(const Partition* p, const BatchSpec& b, const ForwardArena& arena) {
  if (!warmed_.insert(p).second) return;
  if (std::getenv("DUET_DEBUG_SYNC"))
    std::fprintf(stderr, "warm-up on %d SMs (%s)\n", p->sms(), p->green() ? "green context" : "whole GPU");
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

SplitPartitions& StepExecutor::pair(int prefill_sms, int decode_sms) {
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

std::unique_ptr<ForwardBatch> StepExecutor::forward(const BatchSpec& b, const std::vector<const std::vector<int>*>& lists,
                                                    const ForwardArena& arena, int sms, MetaSlot& slot) {
  return std::make_unique<ForwardBatch>(w_, b, lists, kv_, arena, sms,
                                        [&](const std::vector<int>& h) { return slot.place(h, upload_); });
}

std::unique_ptr<PreparedStep> StepExecutor::prepare(const ExecStep& s, int slot_index) {
  auto p = std::make_unique<PreparedStep>();
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

std::vector<const Event*> StepExecutor::done_events(const PreparedStep* p) {
  std::vector<const Event*> out;
  if (p)
    for (const auto& d : p->done_on) out.push_back(d.second);
  return out;
}

void StepExecutor::mark_done(PreparedStep& p, const Partition& part) {
  ScopedPartition scope(part);
  p.done.push_back(std::make_unique<Event>());
  p.done.back()->record(part.stream());
  p.done_on.emplace_back(&part, p.done.back().get());
}

void StepExecutor::launch(PreparedStep& p, const std::vector<const Event*>& after) {
  const ExecStep& s = *p.step;
  auto wait_for = [&](cudaStream_t st) {
    for (const Event* e : after) DUET_CUDA(cudaStreamWaitEvent(st, e->get(), 0));
  };
  if (!s.split) {
    {
      ScopedPartition scope(*whole_);
      cudaStream_t st = whole_->stream();
      wait_for(st);
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
    wait_for(st);
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
    wait_for(st);
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

void StepExecutor::result(PreparedStep& p, JsonObjectWriter& w) {
  const ExecStep& s = *p.step;
  w.str("kind", "step").integer("step", s.step).str("mode", s.split ? "split" : "aggregated");
  if (!s.split) {
    w.num("gpu_us", elapsed_us(*p.start, *p.end));
    return;
  }
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
  w.raw("decode_end_us", s.decodes.empty() ? "[]" : ends).boolean("smids_ok", ok);
}

}  // namespace duet
