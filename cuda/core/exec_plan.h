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
#include <utility>
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

// At least the ints of metadata a step's forwards place in one MetaSlot
// (step_exec.h): per forward, positions and cache slots per token, block
// tables padded to the forward's longest, a few ints per sequence (the
// layout of ForwardBatch::init in forward.cpp), each rounded up to 64 ints.
// The padded decode tables of a split window's k forwards dominate: 256
// decodes at 16k tokens, k=64 place some 17M ints.
long long step_meta_ints_bound(const ExecStep& s, int block_tokens);
// Frees the requests that finished in the step.
void release_step_blocks(KvPool& pool, const ExecStep& s);

// Replays the plan's block bookkeeping on the host (no GPU): every step's
// blocks fit the pool, every freed request holds blocks. Returns the peak
// number of blocks in use; throws PlanError naming the step's line otherwise.
long long dry_run_kv(const ExecPlan& plan);

// A live session (issue 15; cuda/README.md "Live sessions"): the header
// fixes the model, the KV pool and the limits the arenas are sized for, then
// the simulator's scheduler sends one step line at a time, in the step
// format above. Problems read "<live header>: field: message" and
// "<live step N>: field: message".
struct LiveHeader {
  ModelConfig model;
  int block_tokens = 16;
  long long kv_blocks = 0;
  std::vector<std::pair<int, int>> splits;  // [prefill_sms, decode_sms] pairs opened (and warmed) up front
  int max_batch_tokens = 0, max_seqs = 0, max_lookahead = 1;
};

constexpr long long kLiveMaxKvBlocks = 1LL << 22;
constexpr int kLiveMaxBatchTokens = 1 << 18, kLiveMaxSeqs = 1 << 14, kLiveMaxLookahead = 64;

// Parses and checks the header (one JSON object); `kernel_block_tokens` is
// the kernels' KV block size, which block_tokens must equal. Throws PlanError
// listing every problem. The device checks (split pairs, memory) come after,
// in live_exec.cpp, still before any allocation.
LiveHeader parse_live_header(const std::string& json, int kernel_block_tokens);

// "<live step N>"
std::string live_step_name(int step);

// Parses step line `expect` of a live session and checks it against the
// header's limits (k <= max_lookahead, prefill tokens <= max_batch_tokens,
// sequences <= max_seqs). Throws PlanError.
ExecStep parse_live_step(const std::string& json, int expect, const LiveHeader& header);

// What take_step_blocks(pool, s) and release_step_blocks(pool, s) would
// reject, found without changing the pool: preempted or finished requests
// that hold no blocks (or appear twice), and a step whose new blocks exceed
// what is free once its preempted requests are freed. Each problem starts
// with `where` ("<live step N>"). Empty: both will succeed.
std::vector<std::string> check_step_kv(const KvPool& pool, const ExecStep& s, const std::string& where);

}  // namespace duet

#endif  // DUET_CORE_EXEC_PLAN_H
