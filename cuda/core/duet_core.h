// The host library's public face: what the standalone runner and the Node
// binding call. Plain C++ types only (no Node, no CUDA types), so either front
// end can include it.
#ifndef DUET_CORE_DUET_CORE_H
#define DUET_CORE_DUET_CORE_H

#include <functional>
#include <string>
#include <vector>

namespace duet {

struct RunOptions {
  std::string plan_name = "plan.json";  // used in error messages (file:line:col)
  std::string out_path;                 // JSONL, appended line by line (flushed after each experiment)
  bool resume = false;                  // keep the file and skip ids that already have a result
  std::string backend = "runner";       // recorded in the meta line: "runner" or "addon"
};

// One line of progress (experiment done, skipped, failed); for stderr or a JS callback.
using ProgressFn = std::function<void(const std::string&)>;

// Parses and checks the plan against the device (SM counts, memory) before
// any GPU work, then runs every experiment and writes one JSON line each after
// a meta line. Returns the number of experiments run (not skipped). Throws
// PlanError (a std::runtime_error listing every located problem) for a bad
// plan, std::runtime_error for CUDA failures.
int run_plan(const std::string& plan_json, const RunOptions& options, const ProgressFn& progress);

struct ExecuteOptions {
  std::string plan_name = "exec.jsonl";  // used in error messages (file:line)
  std::string out_path;                  // JSONL: a meta line, one line per step (flushed as they finish), a done line
  bool resume = false;                   // keep the steps already in out_path and go on after them
  std::string backend = "runner";
  double max_seconds = 0;                // > 0: stop cleanly after about this long (resume later); 0: no limit
};

// Runs a duetsim-exec plan (cuda/README.md): every step of a simulated
// schedule, in order, over one paged KV cache on the real GPU: aggregated
// steps as CUDA graphs on all SMs; split windows with the prefill eager on
// its green-context partition beside k decode graphs back to back on the
// other. Checks the plan and the device (partitions, memory) before any GPU
// work; throws PlanError for a bad plan. Returns the number of steps run.
int execute_schedule(const std::string& plan_jsonl, const ExecuteOptions& options, const ProgressFn& progress);

// The meta line's object (GPU, driver, runtime, SM split) as JSON.
std::string device_info_json(const std::string& backend);

// Runs the fixed kernel check suite on the whole GPU; returns one JSON object
// per check and sets all_passed.
std::vector<std::string> run_checks(bool& all_passed, unsigned long long seed, const ProgressFn& progress);

}  // namespace duet

#endif  // DUET_CORE_DUET_CORE_H
