// The schedule executor's input, `duetsim-exec` version 1 (JSONL; written by
// `duetsim calibrate execute` from a duetsim-schedule, format in
// cuda/README.md): a header line with the model and the KV pool size, then one
// line per step with its batch, its mode and the requests whose KV is freed
// before (preempted) and after it (finished). Parsed once, here, into plain
// structs; every problem is reported as "file:line: path: message" before
// any GPU work. Host only, no CUDA.
#ifndef DUET_CORE_EXEC_PLAN_H
#define DUET_CORE_EXEC_PLAN_H

#include "plan.h"

#include <string>
#include <vector>

namespace duet {

struct ExecPrefill {
  int id = 0, new_tokens = 0, cached = 0;
};
struct ExecDecode {
  int id = 0, context = 0, steps = 1;  // context: tokens attended in the window's first step, the new one included
};

struct ExecStep {
  int step = 0, line = 0;
  bool split = false;
  int prefill_sms = 0, decode_sms = 0, k = 1;
  std::vector<int> free_before;  // preempted: KV freed before the step
  std::vector<ExecPrefill> prefills;
  std::vector<ExecDecode> decodes;
  std::vector<int> release_after;  // finished: KV freed after the step
};

struct ExecPlan {
  std::string file;
  std::string schedule_json;  // the header's "schedule" object (the source schedule's header), echoed into the results
  ModelConfig model;
  int block_tokens = 16;
  long long kv_blocks = 0;
  std::vector<ExecStep> steps;
};

// Throws PlanError listing every problem found (at most 50, then a count).
ExecPlan parse_exec_plan(const std::string& text, const std::string& file_name);

// Tokens a decode has written by the end of its step: in a split window all
// k look-ahead steps run for every decode (a request that finishes inside
// the window wastes the rest of it, as DuetServe's pre-captured graphs do).
long long decode_tokens_written(const ExecStep& s, const ExecDecode& d);

class KvPool;

// The blocks of a step's requests, prefills then decodes in step order.
struct StepBlocks {
  std::vector<const std::vector<int>*> prefills, decodes;
};

// One step's KV rule, applied to `pool`: frees the requests preempted before
// it, then grows every request's blocks to cover what the step writes.
// The dry run, the executor and its resume all go through here.
StepBlocks take_step_blocks(KvPool& pool, const ExecStep& s);
// Frees the requests that finished in the step.
void release_step_blocks(KvPool& pool, const ExecStep& s);

// Replays the plan's block bookkeeping on the host (no GPU): every step's
// blocks fit the pool, every freed request holds blocks. Returns the peak
// number of blocks in use; throws PlanError naming the step's line otherwise.
long long dry_run_kv(const ExecPlan& plan);

}  // namespace duet

#endif  // DUET_CORE_EXEC_PLAN_H
