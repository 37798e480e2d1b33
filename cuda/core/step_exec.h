// One serving step on the GPU, the machinery shared by the closed-loop
// schedule executor (schedule_exec.cpp: a fixed duetsim-exec plan) and the
// live session (live_exec.cpp: steps decided one at a time by the
// simulator's scheduler), so both measure a step the same way:
//   - aggregated steps: the mixed batch as one CUDA graph on all SMs;
//   - split windows: the prefill eager on the S_p partition's stream beside
//     k decode steps captured as graphs and launched back to back on the S_d
//     partition's stream, behind a short gate so the host has queued both
//     sides, with %smid probes that confirm each side stayed on its own SMs.
// prepare() takes the step's KV blocks from the pool, uploads its metadata
// and captures its graphs; launch() queues it behind the events it is given;
// result() reads its events. Host bookkeeping only: callers decide what runs
// when.
#ifndef DUET_CORE_STEP_EXEC_H
#define DUET_CORE_STEP_EXEC_H

#include "cuda_check.h"
#include "device.h"
#include "device_buffer.h"
#include "duet_core.h"
#include "exec_plan.h"
#include "forward.h"
#include "json.h"
#include "kv_pool.h"
#include "partition.h"
#include "timing.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace duet {

// Metadata of one step (block tables, positions) for all its forwards.
constexpr size_t kMetaSlotInts = 16u << 20;

// The batch of decode step j of a window: every decode of the window, contexts j
// tokens longer. DuetServe captures the k graphs for the whole batch, so a
// request that finished inside the window still takes its (wasted) slot.
BatchSpec decode_step_batch(const ExecStep& s, int j);
BatchSpec prefill_batch(const ExecStep& s);
BatchSpec aggregated_batch(const ExecStep& s);

// A small batch that touches every kernel (with a prefill) or the decode ones.
BatchSpec warm_up_batch(bool with_prefill);

// Arena bytes a step needs: `main` (the aggregated forward, or the window's
// prefill) and `decode` (the largest of the window's decode steps).
void step_arena_bytes(const ModelConfig& cfg, const ExecStep& s, int sm_count, size_t& main, size_t& decode);

// Device memory for the weights, the arenas and the KV store: how many KV
// copies (one per layer at best) fit beside the rest. Throws PlanError with
// `where` ("file:1: header.kv_blocks" or "<live header>: kv_blocks") when
// one copy does not fit, or when shared copies would be too small to miss L2.
// `partition_bytes`: device memory the caller's partitions take beyond the
// fixed reserve (the live session's: every pair of its header is made up
// front, each side with its own cuBLASLt workspace); 0 for the closed loop,
// whose few pairs the reserve covers.
struct MemoryPlan {
  size_t weight_bytes = 0, per_copy = 0;
  int copies = 0;
};
MemoryPlan plan_memory(const ModelConfig& cfg, const DeviceInfo& info, long long kv_blocks, int block_tokens,
                       size_t main_bytes, size_t decode_bytes, const std::string& where, size_t partition_bytes = 0);

// Why a split pair cannot run on this device (SM count, green-context
// granularity): field "prefill_sms + decode_sms" or "prefill_sms/decode_sms"
// and the message; field empty when it can.
struct SplitProblem {
  std::string field, message;
};
SplitProblem split_pair_problem(int prefill_sms, int decode_sms, const DeviceInfo& info, const Partitioner& parts);

// {"a":1} + {"b":2} -> {"a":1,"b":2} (both non-empty objects).
std::string merge_objects(const std::string& a, const std::string& b);

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

// Waits for `b`, then returns b - a in microseconds.
double elapsed_us(const Event& a, const Event& b);

// Device memory for one in-flight step's metadata: forwards of a step place
// their block tables here one after another; two slots alternate, so step
// i+1 is prepared while step i (using the other slot) runs.
class MetaSlot {
 public:
  MetaSlot() : buf_(kMetaSlotInts) {}
  void reset() { used_ = 0; }
  int* place(const std::vector<int>& host, cudaStream_t upload);
  size_t capacity() const { return buf_.size(); }
  // Reallocates (synchronising the device) to hold `ints` if it holds
  // fewer; returns whether it did. Only with nothing in flight that uses it.
  bool reserve(size_t ints);

 private:
  DeviceBuffer<int> buf_;
  size_t used_ = 0;
};

struct SplitPartitions {
  std::unique_ptr<Partition> prefill, decode;
};

// One step, prepared (tables uploaded, graphs captured) and, once launched,
// the events its results are read from. `step` must outlive it.
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

class StepExecutor {
 public:
  StepExecutor(const DeviceInfo& info, Partitioner& parts, const ModelWeights& weights, KvCaches kv, KvPool& pool,
               const ProgressFn& progress);
  ~StepExecutor();
  StepExecutor(const StepExecutor&) = delete;
  StepExecutor& operator=(const StepExecutor&) = delete;

  // Activation arenas sized once for the largest step of each kind, so no
  // step reallocates (and synchronises) mid-run.
  void reserve_arenas(size_t main_bytes, size_t decode_bytes);
  // Grows the arenas (synchronising the device) if `s` needs more than they
  // hold; returns whether one grew. Only between steps, nothing in flight.
  bool fit_arenas(const ExecStep& s);
  // Grows metadata slot `slot_index` (synchronising the device) if `s` may
  // place more than it holds (step_meta_ints_bound); returns whether it grew.
  // Only between steps, nothing in flight.
  bool fit_meta(const ExecStep& s, int slot_index);

  // Warms every partition the steps use with one eager forward, so no
  // first-use work lands inside a timed step or a capture.
  void warm_up(const std::vector<ExecStep>& steps);
  void warm_whole();
  void warm_pair(int prefill_sms, int decode_sms);
  bool has_pair(int prefill_sms, int decode_sms) const { return pairs_.count({prefill_sms, decode_sms}) != 0; }

  // Takes the step's KV blocks from the pool (take_step_blocks), uploads its
  // metadata into slot `slot_index` (0 or 1) and captures its graphs.
  std::unique_ptr<PreparedStep> prepare(const ExecStep& s, int slot_index);
  // Queues the step behind every event in `after` (the previous step's done
  // events, or a barrier of the caller's).
  void launch(PreparedStep& p, const std::vector<const Event*>& after);
  static std::vector<const Event*> done_events(const PreparedStep* p);
  // Waits for the step and writes its result fields (kind, step, mode, and
  // gpu_us or the split window's fields) into `w`.
  void result(PreparedStep& p, JsonObjectWriter& w);

  int smid_violations() const { return smid_violations_; }
  size_t main_arena_bytes() const { return main_arena_.size(); }
  size_t decode_arena_bytes() const { return decode_arena_.size(); }

 private:
  void warm(const Partition* p, const BatchSpec& b, const ForwardArena& arena);
  SplitPartitions& pair(int prefill_sms, int decode_sms);
  std::unique_ptr<ForwardBatch> forward(const BatchSpec& b, const std::vector<const std::vector<int>*>& lists,
                                        const ForwardArena& arena, int sms, MetaSlot& slot);
  void mark_done(PreparedStep& p, const Partition& part);

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

}  // namespace duet

#endif  // DUET_CORE_STEP_EXEC_H
