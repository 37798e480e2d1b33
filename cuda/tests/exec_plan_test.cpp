// Host-only checks of the schedule executor's plan reader, the live
// session's header and step reader and KV check, and the KV pool (no GPU, no
// CUDA): built and run with g++ by test/calibrate/closed-loop/exec-plan.test.ts.
//   exec_plan_test [PLAN.jsonl]   also parses PLAN and checks its pool size
// Prints "ok N" or "FAIL ..." lines; exit status 1 on any failure.
#include "../core/exec_plan.h"
#include "../core/kv_pool.h"

#include <fstream>
#include <iostream>
#include <random>
#include <set>
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

// Every fragment must appear in the PlanError's message.
template <typename F>
void expect_plan_error(F f, const std::vector<std::string>& fragments, const std::string& what) {
  try {
    f();
    expect(false, what + ": no error");
  } catch (const duet::PlanError& e) {
    const std::string msg = e.what();
    bool all = true;
    for (const auto& fr : fragments) all = all && msg.find(fr) != std::string::npos;
    expect(all, what + ": message was: " + msg);
  }
}

// The plan's parse error (or dry run) must contain every fragment.
void expect_error(const std::string& text, const std::vector<std::string>& fragments, const std::string& what) {
  expect_plan_error([&] { duet::dry_run_kv(duet::parse_exec_plan(text, "t.jsonl")); }, fragments, what);
}

const std::string kModel =
    R"("model":{"numLayers":2,"hiddenSize":256,"numQHeads":4,"numKvHeads":2,"headDim":128,"ffnSize":512,"vocabSize":1024,"qkNorm":true})";

std::string header(int kv_blocks, int steps) {
  return std::string(R"({"format":"duetsim-exec","version":1,"model_name":"tiny",)") + kModel +
         R"(,"block_tokens":16,"kv_blocks":)" + std::to_string(kv_blocks) + R"(,"steps":)" + std::to_string(steps) +
         R"(,"schedule":{"model":"tiny"}})" + "\n";
}

std::string live_header(const std::string& extra = "") {
  return std::string(R"({"format":"duetsim-live","version":1,"model_name":"tiny",)") + kModel +
         R"(,"block_tokens":16,"kv_blocks":6,"splits":[[32,100]],"max_batch_tokens":64,"max_seqs":4,"max_lookahead":4)" +
         extra + "}";
}

std::string live_step(int i, const std::string& mode_fields, const std::string& free, const std::string& prefills,
                      const std::string& decodes, const std::string& release) {
  return "{\"step\":" + std::to_string(i) + "," + mode_fields + ",\"free\":[" + free + "],\"prefills\":[" + prefills +
         "],\"decodes\":[" + decodes + "],\"release\":[" + release + "]}";
}
const std::string kAgg = R"("mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1)";

// The live session's readers and its KV check.
void live_tests() {
  const duet::LiveHeader h = duet::parse_live_header(live_header(), 16);
  expect(h.kv_blocks == 6 && h.splits.size() == 1 && h.splits[0] == std::make_pair(32, 100) && h.max_batch_tokens == 64 &&
             h.max_seqs == 4 && h.max_lookahead == 4 && h.model.num_layers == 2,
         "live header parsed");
  auto header_error = [&](const std::string& text, const std::vector<std::string>& fr, const std::string& what) {
    expect_plan_error([&] { duet::parse_live_header(text, 16); }, fr, what);
  };
  header_error("{\"format\":\"duetsim-exec\",\"version\":1}", {"<live header>: format: must be \"duetsim-live\""}, "live: format");
  header_error("{\"format\":", {"<live header>: header: not JSON"}, "live: not JSON");
  header_error("[1]", {"<live header>: header: must be a JSON object"}, "live: not an object");
  std::string bad = live_header();
  bad.replace(bad.find("\"kv_blocks\":6"), 13, "\"kv_blocks\":0");
  header_error(bad, {"<live header>: kv_blocks: must be in 1.."}, "live: kv_blocks 0");
  bad = live_header();
  bad.replace(bad.find("\"block_tokens\":16"), 17, "\"block_tokens\":32");
  header_error(bad, {"<live header>: block_tokens: must be 16"}, "live: block size");
  bad = live_header();
  bad.replace(bad.find("[[32,100]]"), 10, "[[32,100],[32,100],[0,8],[8]]");
  header_error(bad, {"<live header>: splits: [32,100] appears twice", "<live header>: splits[2][0]: must be in 1..",
                     "<live header>: splits[3]: must be an array of 2 integers"},
               "live: splits");
  bad = live_header();
  bad.replace(bad.find("\"max_seqs\":4"), 12, "\"max_seqs\":0");
  header_error(bad, {"<live header>: max_seqs: must be in 1.."}, "live: max_seqs");
  header_error(live_header(",\"steps\":3"), {"<live header>: steps: unknown key"}, "live: unknown key");
  bad = live_header();
  bad.replace(bad.find("\"headDim\":128"), 13, "\"headDim\":64");
  header_error(bad, {"<live header>:1:", "model.headDim: must be 128"}, "live: model checked as plans are");

  // Steps: numbered in call order, the plan's step format, the header's limits.
  const duet::ExecStep s0 = duet::parse_live_step(live_step(0, kAgg, "", "[0,20,0]", "", ""), 0, h);
  expect(s0.step == 0 && s0.prefills.size() == 1 && s0.prefills[0].new_tokens == 20, "live step parsed");
  auto step_error = [&](const std::string& text, int expect_i, const std::vector<std::string>& fr, const std::string& what) {
    expect_plan_error([&] { duet::parse_live_step(text, expect_i, h); }, fr, what);
  };
  step_error(live_step(1, kAgg, "", "[0,20,0]", "", ""), 0, {"<live step 0>: step: expected 0"}, "live: step number");
  step_error(live_step(0, kAgg, "", "[0,80,0]", "", ""), 0, {"<live step 0>: prefills: 80 new tokens exceed", "max_batch_tokens 64"},
             "live: token limit");
  step_error(live_step(0, kAgg, "", "", "[1,5,1],[2,5,1],[3,5,1],[4,5,1],[5,5,1]", ""), 0,
             {"<live step 0>: prefills/decodes: 5 sequences exceed the header's max_seqs 4"}, "live: seq limit");
  step_error(live_step(0, R"("mode":"split","prefill_sms":32,"decode_sms":100,"k":8)", "", "", "[1,5,1]", ""), 0,
             {"<live step 0>: k: 8 exceeds the header's max_lookahead 4"}, "live: lookahead limit");
  step_error(live_step(0, kAgg, "", "", "", ""), 0, {"<live step 0>: step: has neither prefills nor decodes"}, "live: empty step");
  step_error(live_step(0, kAgg, "", "[0,-1,0]", "", ""), 0, {"<live step 0>: prefills[0][1]: must be in 1.."}, "live: bad tuple");
  step_error("{\"step\":0,", 0, {"<live step 0>: step: not JSON"}, "live: step not JSON");

  // The KV check agrees with what take/release would do, and changes nothing.
  duet::KvPool pool(6, 16);
  auto kv = [&](const std::string& text, int i) {
    return duet::check_step_kv(pool, duet::parse_live_step(text, i, h), duet::live_step_name(i));
  };
  expect(kv(live_step(0, kAgg, "", "[0,20,0]", "", ""), 0).empty(), "live kv: fits");
  auto has = [](const std::vector<std::string>& p, const std::string& f) {
    for (const auto& x : p)
      if (x.find(f) != std::string::npos) return true;
    return false;
  };
  const auto big = kv(live_step(0, kAgg, "", "[0,20,80]", "", ""), 0);
  expect(has(big, "<live step 0>: prefills/decodes: the step needs 7 more KV blocks; 6 of 6 are free"), "live kv: too big");
  expect(pool.used() == 0, "live kv: the check leaves the pool alone");
  expect(has(kv(live_step(0, kAgg, "3", "[0,20,0]", "", ""), 0), "<live step 0>: free: request 3 holds no blocks"),
         "live kv: free unknown");
  expect(has(kv(live_step(0, kAgg, "", "[0,20,0]", "", "9"), 0), "<live step 0>: release: request 9 holds no blocks"),
         "live kv: release unknown");
  // Randomised: the check's verdict equals a dry run on a copy of the pool.
  std::mt19937 rng(7);
  int agreed = 0, trials = 0, accepted = 0;
  for (int t = 0; t < 3000; ++t) {
    duet::ExecStep s;
    s.split = rng() % 2;
    s.k = s.split ? 1 + (int)(rng() % 4) : 1;
    auto pick = [&] { return (int)(rng() % 6); };
    std::set<int> used_ids;
    for (int n = (int)(rng() % 3); n-- > 0;) {
      const int id = pick();
      if (used_ids.insert(id).second) s.prefills.push_back({id, 1 + (int)(rng() % 40), (int)(rng() % 30)});
    }
    for (int n = (int)(rng() % 3); n-- > 0;) {
      const int id = pick();
      if (used_ids.insert(id).second) s.decodes.push_back({id, 1 + (int)(rng() % 50), 1 + (int)(rng() % s.k)});
    }
    for (int n = (int)(rng() % 2); n-- > 0;) s.free_before.push_back(pick());
    for (int n = (int)(rng() % 3); n-- > 0;) s.release_after.push_back(pick());
    const bool ok = duet::check_step_kv(pool, s, "x").empty();
    duet::KvPool copy = pool;
    bool dry = true;
    try {
      duet::take_step_blocks(copy, s);
      duet::release_step_blocks(copy, s);
    } catch (const std::exception&) {
      dry = false;
    }
    ++trials;
    accepted += ok;
    if (ok == dry) ++agreed;
    else std::cout << "disagree at trial " << t << ": check " << ok << ", dry run " << dry << std::endl;
    if (ok) {  // advance the live state as the executor would
      duet::take_step_blocks(pool, s);
      duet::release_step_blocks(pool, s);
    }
  }
  expect(agreed == trials && accepted > trials / 10 && accepted < trials,
         "live kv: check agrees with a dry run on " + std::to_string(trials) + " random steps (" +
             std::to_string(accepted) + " accepted)");

  // The metadata bound covers what ForwardBatch::init places (forward.cpp: positions, slots, padded
  // prefill and decode tables, 7 ints per prefill, 2 per decode, 3 more; each forward rounded to 64).
  auto blocks = [](long long t) { return (t + 15) / 16; };
  auto exact_forward = [&](const std::vector<std::pair<int, int>>& pf, const std::vector<long long>& dc) {
    long long n = (long long)dc.size(), pmb = 0, dmb = 0;
    for (const auto& p : pf) n += p.second, pmb = std::max(pmb, blocks(p.first + p.second));
    for (long long c : dc) dmb = std::max(dmb, blocks(c));
    const long long P = (long long)pf.size(), D = (long long)dc.size();
    const long long ints = 2 * n + (P ? P * std::max(pmb, 1LL) : 0) + (D ? D * std::max(dmb, 1LL) : 0) + 7 * P + 2 * D + 3;
    return (ints + 63) / 64 * 64;
  };
  bool covered = true;
  for (int t = 0; t < 2000; ++t) {
    duet::ExecStep s;
    s.split = rng() % 2;
    s.k = s.split ? 1 + (int)(rng() % 64) : 1;
    for (int n = (int)(rng() % 4); n-- > 0;) s.prefills.push_back({n, 1 + (int)(rng() % 5000), (int)(rng() % 20000)});
    for (int n = (int)(rng() % 40); n-- > 0;) s.decodes.push_back({100 + n, 1 + (int)(rng() % 40000), 1});
    std::vector<std::pair<int, int>> pf;
    std::vector<long long> dc;
    for (const auto& p : s.prefills) pf.push_back({p.cached, p.new_tokens});
    long long exact = 0;
    if (!s.split) {
      for (const auto& d : s.decodes) dc.push_back(d.context);
      exact = exact_forward(pf, dc);
    } else {
      if (!pf.empty()) exact += exact_forward(pf, {});
      for (int j = 0; j < s.k && !s.decodes.empty(); ++j) {
        dc.clear();
        for (const auto& d : s.decodes) dc.push_back(d.context + j);
        exact += exact_forward({}, dc);
      }
    }
    if (duet::step_meta_ints_bound(s, 16) < exact) covered = false;
  }
  expect(covered, "step_meta_ints_bound covers the metadata of 2000 random steps");
  duet::ExecStep wide;
  wide.split = true;
  wide.k = 64;
  for (int i = 0; i < 256; ++i) wide.decodes.push_back({i, 16384, 1});
  expect(duet::step_meta_ints_bound(wide, 16) > (16LL << 20), "a k=64 window of 256 decodes at 16k tokens exceeds 16M ints");
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
  try {
    live_tests();
  } catch (const std::exception& e) {
    expect(false, std::string("live tests threw: ") + e.what());
  }
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
