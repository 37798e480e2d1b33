// Kernel correctness tests: the core's check suite (every kernel against a
// float64 CPU reference, fresh random inputs, poisoned outputs), run twice
// with different seeds so a kernel that passes by luck on one draw is caught
// on the other; plus host-side checks of the plan parser's located errors.
// Exit status 0 only when everything passes.
#include "../core/duet_core.h"
#include "../core/plan.h"
#include "../core/results_file.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <iostream>
#include <string>

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  std::cout << (ok ? "PASS " : "FAIL ") << what << std::endl;
  if (!ok) ++failures;
}

void expect_plan_error(const std::string& plan, const std::string& needle, const std::string& what) {
  try {
    duet::parse_plan(plan, "t.json");
    expect(false, what + " (no error raised)");
  } catch (const duet::PlanError& e) {
    const std::string msg = e.what();
    expect(msg.find(needle) != std::string::npos, what + ": " + msg);
  }
}

void plan_parser_tests() {
  const std::string model =
      "\"models\":{\"m\":{\"numLayers\":2,\"hiddenSize\":4096,\"numQHeads\":32,\"numKvHeads\":8,\"headDim\":128,"
      "\"ffnSize\":12288,\"vocabSize\":151936,\"qkNorm\":true}}";
  expect_plan_error("{\"version\":1,\n\"experiments\":[\n {\"id\":\"a\",\"kind\":\"op\",\"op\":\"gemm\",\"sms\":8,"
                    "\"n\":0,\"d_in\":8,\"d_out\":8}]}",
                    "t.json:3:", "an out-of-range field names its line");
  expect_plan_error("{\"version\":1,\"experiments\":[{\"id\":\"a\",\"kind\":\"op\",\"op\":\"gemm\",\"sms\":8,\"n\":1,"
                    "\"d_in\":8,\"d_out\":8,\"typo\":1}]}",
                    "experiments[0](a).typo: unknown key", "unknown keys are rejected");
  expect_plan_error("{\"version\":1," + model +
                        ",\"experiments\":[{\"id\":\"f\",\"kind\":\"forward\",\"model\":\"x\",\"sms\":8,"
                        "\"batch\":{\"decodes\":{\"count\":1,\"context\":5}}}]}",
                    "model: not defined", "an unknown model is named");
  expect_plan_error("{\"version\":1,\"models\":{\"m\":{\"numLayers\":2,\"hiddenSize\":4096,\"numQHeads\":30,"
                    "\"numKvHeads\":8,\"headDim\":64,\"ffnSize\":12288,\"vocabSize\":151936}},\"experiments\":[]}",
                    "headDim: must be 128", "head size other than 128 is refused");
  expect_plan_error("{\"version\":1,\"experiments\":[{\"id\":\"a\",\"kind\":\"op\",\"op\":\"gemm\",\"sms\":8,\"n\":1,"
                    "\"d_in\":8,\"d_out\":8},{\"id\":\"a\",\"kind\":\"ceiling_bandwidth\",\"sms\":8,"
                    "\"bytes\":1048576}]}",
                    "duplicate id", "duplicate ids are refused");
  try {
    const duet::Plan p = duet::parse_plan(
        "{\"version\":1," + model +
            ",\"experiments\":[{\"id\":\"f\",\"kind\":\"forward\",\"model\":\"m\",\"sms\":8,\"batch\":{\"prefills\":"
            "[{\"new\":100,\"cached\":28}],\"decodes\":[5,9]}}]}",
        "t.json");
    expect(p.experiments[0].batch.num_tokens() == 102 && p.experiments[0].batch.num_seqs() == 3,
           "a mixed batch counts 100 prefill tokens + 2 decodes");
  } catch (const std::exception& e) {
    expect(false, std::string("valid plan parses: ") + e.what());
  }
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void resume_tests() {
  const std::string path = "/tmp/duet_tests_resume.jsonl";
  std::remove(path.c_str());
  duet::ResumeState none = duet::prepare_resume(path);
  expect(none.done.empty() && !none.has_meta, "resume: a missing results file is an empty state");
  {
    std::ofstream f(path);
    f << "{\"kind\":\"meta\",\"gpu\":\"x\"}\n{\"id\":\"a\",\"median_us\":1}\n\n{\"id\":\"b\",\"median_us\":2}\n{\"id\":\"c\",\"med";
  }
  const duet::ResumeState s = duet::prepare_resume(path);
  expect(s.has_meta && s.done.size() == 2 && s.done.count("a") && s.done.count("b"),
         "resume: complete lines count as done, a line cut short does not");
  expect(read_all(path) == "{\"kind\":\"meta\",\"gpu\":\"x\"}\n{\"id\":\"a\",\"median_us\":1}\n{\"id\":\"b\",\"median_us\":2}\n",
         "resume: the file is rewritten without the cut-short line");
  {
    std::ofstream f(path);
    f << "{\"id\":\"a\",\"median_us\":1}\n";
  }
  bool threw = false;
  try {
    duet::prepare_resume(path);
  } catch (const std::exception&) {
    threw = true;
  }
  expect(threw, "resume: a file that does not start with a meta line is refused");
  std::remove(path.c_str());
}

}  // namespace

int main() {
  plan_parser_tests();
  resume_tests();
  auto progress = [](const std::string& line) { std::cout << line << std::endl; };
  for (unsigned long long seed : {11ull, 12345ull}) {
    bool ok = false;
    try {
      duet::run_checks(ok, seed, progress);
    } catch (const std::exception& e) {
      std::cout << "FAIL check suite threw: " << e.what() << std::endl;
    }
    expect(ok, "kernel check suite, seed " + std::to_string(seed));
  }
  std::cout << (failures ? "FAILED: " + std::to_string(failures) : std::string("all tests passed")) << std::endl;
  return failures ? 1 : 0;
}
