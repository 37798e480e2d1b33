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
// adds the simulator's host costs to both sides). A step's preparation,
// launch and timing are step_exec.h's, shared with the live session
// (live_exec.h), so both measure a step alike.
#include "duet_core.h"

#include "cuda_check.h"
#include "device.h"
#include "exec_plan.h"
#include "forward.h"
#include "json.h"
#include "kv_pool.h"
#include "partition.h"
#include "results_file.h"
#include "step_exec.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <set>

namespace duet {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The plan's steps in order over the shared step machinery (step_exec.h):
// step i+1 is prepared and queued behind step i's done events while step i runs.
class ScheduleExecutor {
 public:
  ScheduleExecutor(const ExecPlan& plan, const DeviceInfo& info, Partitioner& parts, const ModelWeights& weights,
                   KvCaches kv, KvPool& pool, const ProgressFn& progress)
      : plan_(plan), pool_(pool), steps_(info, parts, weights, std::move(kv), pool, progress) {}

  void reserve_arenas(size_t main_bytes, size_t decode_bytes) { steps_.reserve_arenas(main_bytes, decode_bytes); }
  void warm_up() { steps_.warm_up(plan_.steps); }

  // Runs steps [first, plan.steps.size()) and appends one result line each.
  int run(size_t first, std::ofstream& out, const ExecuteOptions& opt, const ProgressFn& progress) {
    const auto t0 = Clock::now();
    auto last_report = t0;
    int ran = 0;
    const size_t n = plan_.steps.size();
    std::unique_ptr<PreparedStep> cur, prev;
    if (first < n) {
      cur = steps_.prepare(plan_.steps[first], 0);
      steps_.launch(*cur, {});
    }
    for (size_t i = first; i < n; ++i) {
      release_step_blocks(pool_, plan_.steps[i]);
      std::unique_ptr<PreparedStep> next;
      const bool time_left = opt.max_seconds <= 0 || seconds_since(t0) < opt.max_seconds;
      if (i + 1 < n && time_left) {
        next = steps_.prepare(plan_.steps[i + 1], (int)((i + 1 - first) % 2));
        steps_.launch(*next, StepExecutor::done_events(cur.get()));
      }
      JsonObjectWriter w;
      steps_.result(*cur, w);
      out << w.done() << "\n" << std::flush;
      ++ran;
      prev = std::move(cur);  // its done events may still be waited on by `next`
      cur = std::move(next);
      if (seconds_since(last_report) >= 5 || i + 1 == n) {
        last_report = Clock::now();
        const double el = seconds_since(t0);
        const double eta = el / ran * (double)(n - i - 1);
        progress("[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] steps, " + format_number(el) + " s, ETA " +
                 format_number(std::round(eta)) + " s, KV blocks in use " + std::to_string(pool_.used()) + "/" +
                 std::to_string(pool_.capacity()) + ", smid violations " + std::to_string(steps_.smid_violations()));
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

  int smid_violations() const { return steps_.smid_violations(); }

 private:
  const ExecPlan& plan_;
  KvPool& pool_;
  StepExecutor steps_;
};

// Device checks before any allocation: partitions the split can make, memory.
void validate_exec_against_device(const ExecPlan& plan, const DeviceInfo& info, const Partitioner& parts) {
  std::vector<std::string> problems;
  std::set<std::pair<int, int>> seen;
  for (const ExecStep& s : plan.steps) {
    if (!s.split || !seen.insert({s.prefill_sms, s.decode_sms}).second) continue;
    const std::string where = plan.file + ":" + std::to_string(s.line) + ": steps[" + std::to_string(s.step) + "]";
    const SplitProblem bad = split_pair_problem(s.prefill_sms, s.decode_sms, info, parts);
    if (!bad.field.empty()) problems.push_back(where + "." + bad.field + ": " + bad.message);
  }
  if (!problems.empty()) throw PlanError(problems);
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
    size_t m = 0, d = 0;
    step_arena_bytes(cfg, s, info.sm_count, m, d);
    main_bytes = std::max(main_bytes, m);
    decode_bytes = std::max(decode_bytes, d);
  }
  // The warm-up batches (warm_up_batch) must fit too.
  main_bytes = std::max(main_bytes, ForwardArena::bytes_for(cfg, warm_up_batch(true), info.sm_count));
  decode_bytes = std::max(decode_bytes, ForwardArena::bytes_for(cfg, warm_up_batch(false), info.sm_count));
  const MemoryPlan mem = plan_memory(cfg, info, plan.kv_blocks, plan.block_tokens, main_bytes, decode_bytes,
                                     opt.plan_name + ":1: header.kv_blocks");
  const size_t weight_bytes = mem.weight_bytes, per_copy = mem.per_copy;
  const int copies = mem.copies;

  ResumeState state;
  if (opt.resume) {
    state = prepare_resume(opt.out_path);
    check_resume_settings(state, duet_settings(), opt.out_path);
  }
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
