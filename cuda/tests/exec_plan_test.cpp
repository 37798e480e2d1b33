// Host-only checks of the schedule executor's plan reader and KV pool (no
// GPU, no CUDA): built and run with g++ by test/cuda/exec-plan.test.ts.
//   exec_plan_test [PLAN.jsonl]   also parses PLAN and checks its pool size
// Prints "ok N" or "FAIL ..." lines; exit status 1 on any failure.
#include "../core/exec_plan.h"
#include "../core/kv_pool.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

int failures = 0, passes = 0;

void expect(bool ok, const std::string& what) {
  if (ok) ++passes;
  else {
    ++failures;
    std::cout << "FAIL " << what << std::endl;
  }
}

// The plan's parse error must contain every fragment.
void expect_error(const std::string& text, const std::vector<std::string>& fragments, const std::string& what) {
  try {
    duet::ExecPlan p = duet::parse_exec_plan(text, "t.jsonl");
    duet::dry_run_kv(p);
    expect(false, what + ": no error");
  } catch (const duet::PlanError& e) {
    const std::string msg = e.what();
    bool all = true;
    for (const auto& f : fragments) all = all && msg.find(f) != std::string::npos;
    expect(all, what + ": message was: " + msg);
  }
}

const std::string kModel =
    R"("model":{"numLayers":2,"hiddenSize":256,"numQHeads":4,"numKvHeads":2,"headDim":128,"ffnSize":512,"vocabSize":1024,"qkNorm":true})";

std::string header(int kv_blocks, int steps) {
  return std::string(R"({"format":"duetsim-exec","version":1,"model_name":"tiny",)") + kModel +
         R"(,"block_tokens":16,"kv_blocks":)" + std::to_string(kv_blocks) + R"(,"steps":)" + std::to_string(steps) +
         R"(,"schedule":{"model":"tiny"}})" + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  // KvPool: blocks come back, peak is tracked, exhaustion and unknown ids are errors.
  {
    duet::KvPool pool(10, 16);
    expect(pool.ensure(1, 17).size() == 2, "17 tokens take 2 blocks");
    expect(pool.ensure(1, 32).size() == 2, "32 tokens still 2 blocks");
    expect(pool.ensure(1, 10).size() == 2, "never shrinks");
    pool.ensure(2, 16 * 8);
    expect(pool.used() == 10 && pool.peak() == 10, "pool full");
    bool threw = false;
    try {
      pool.ensure(3, 1);
    } catch (const duet::KvPoolExhausted&) {
      threw = true;
    }
    expect(threw, "exhausted pool throws");
    pool.release(1);
    expect(pool.used() == 8, "release returns blocks");
    const auto& l = pool.ensure(3, 20);
    expect(l.size() == 2 && l[0] != l[1], "freed blocks are handed out again");
    threw = false;
    try {
      pool.release(42);
    } catch (const std::logic_error&) {
      threw = true;
    }
    expect(threw, "releasing an unknown id throws");
  }
  // A good plan: one aggregated step, one split window with k=2 where one request finishes early.
  const std::string good = header(6, 3) +
                           R"({"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[0,20,0]],"decodes":[],"release":[]})"
                           "\n"
                           R"({"step":1,"mode":"split","prefill_sms":32,"decode_sms":100,"k":2,"free":[],"prefills":[[1,40,0]],"decodes":[[0,21,2]],"release":[0]})"
                           "\n"
                           R"({"step":2,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[],"decodes":[[1,41,1]],"release":[1]})"
                           "\n";
  try {
    const duet::ExecPlan p = duet::parse_exec_plan(good, "good.jsonl");
    expect(p.steps.size() == 3 && p.steps[1].split && p.steps[1].k == 2 && p.steps[1].decodes[0].steps == 2, "good plan parsed");
    expect(p.model.num_layers == 2 && p.model.hkv == 2 && p.kv_blocks == 6, "header parsed");
    // Request 0: 22 tokens by the window's end (2 blocks); request 1: 40 (3 blocks) -> peak 5.
    expect(duet::dry_run_kv(p) == 5, "dry run peak is 5 blocks");
  } catch (const std::exception& e) {
    expect(false, std::string("good plan rejected: ") + e.what());
  }
  expect_error(std::string(R"({"format":"other","version":1})") + "\n", {"t.jsonl:1: header.format"}, "wrong format");
  expect_error(header(6, 1) + R"({"step":1,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[0,20,0]],"decodes":[],"release":[]})" "\n",
               {"t.jsonl:2: steps[0].step", "expected 0"}, "misnumbered step");
  expect_error(header(6, 1) + R"({"step":0,"mode":"split","prefill_sms":32,"decode_sms":100,"k":1,"free":[],"prefills":[],"decodes":[[0,10,2]],"release":[]})" "\n",
               {"t.jsonl:2: steps[0].decodes", "window of k=1"}, "decode steps beyond k");
  expect_error(header(6, 1) + R"({"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[0,-3,0]],"decodes":[],"release":[]})" "\n",
               {"t.jsonl:2: steps[0].prefills[0][1]", "must be in 1.."}, "negative token count");
  expect_error(header(6, 1) + R"({"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[0,200,0]],"decodes":[],"release":[]})" "\n",
               {"t.jsonl:2: steps[0]", "KV pool exhausted"}, "pool too small");
  expect_error(header(6, 1) + R"({"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[7],"prefills":[[0,20,0]],"decodes":[],"release":[]})" "\n",
               {"t.jsonl:2: steps[0]", "request 7 holds no blocks"}, "freeing an unknown request");
  expect_error(header(6, 2) + R"({"step":0,"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[],"prefills":[[0,20,0]],"decodes":[],"release":[]})" "\n",
               {"t.jsonl:1: header.steps", "cut short"}, "truncated plan");
  expect_error(header(6, 1) + "{\"step\":0,\"mode\":\n", {"t.jsonl:2: steps[0]", "not JSON"}, "malformed line");
  if (argc > 1) {
    std::ifstream in(argv[1]);
    std::stringstream text;
    text << in.rdbuf();
    try {
      const duet::ExecPlan p = duet::parse_exec_plan(text.str(), argv[1]);
      const long long peak = duet::dry_run_kv(p);
      expect(peak == p.kv_blocks, "shipped plan: the executor's peak (" + std::to_string(peak) +
                                      ") equals the pool the TypeScript compiler sized (" + std::to_string(p.kv_blocks) + ")");
      std::cout << "plan " << argv[1] << ": " << p.steps.size() << " steps, peak " << peak << " blocks" << std::endl;
    } catch (const std::exception& e) {
      expect(false, std::string("plan rejected: ") + e.what());
    }
  }
  std::cout << (failures ? "FAILED " : "ok ") << passes << " passed, " << failures << " failed" << std::endl;
  return failures ? 1 : 0;
}
