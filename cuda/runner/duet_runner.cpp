// duet_runner: the standalone front end over cuda/core (no Node needed).
//   duet_runner --plan plan.json --out results.jsonl [--resume]
//   duet_runner --execute exec.jsonl --out measured.jsonl [--resume] [--max-seconds S]
//   duet_runner --check [--out checks.jsonl] [--seed N]
//   duet_runner --device-info
//   duet_runner --live-stdio HEADER.json
// Progress goes to stderr. Exit status: 0 success, 1 a failed check or a
// CUDA error, 2 bad arguments or a bad plan.
//
// --live-stdio: a live session (cuda/README.md, "Live sessions") for drivers
// without Node: the header from HEADER.json, then one step line per stdin
// line in, one result line per step out on stdout (the session's meta line
// first), flushed each. A refused step answers {"kind":"error","message":...}
// and the session goes on; a CUDA failure answers the same way and ends it
// (exit 1). Ends at end of input, or at the next line after SIGINT/SIGTERM
// (a second signal ends it at once), with a "done" line (exit 0).
#include "../core/duet_core.h"
#include "../core/live_exec.h"
#include "../core/plan.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

int usage(const std::string& why) {
  std::cerr << "duet_runner: " << why << "\n"
            << "usage: duet_runner --plan PLAN.json --out RESULTS.jsonl [--resume]\n"
            << "       duet_runner --execute EXEC.jsonl --out MEASURED.jsonl [--resume] [--max-seconds S]\n"
            << "       duet_runner --check [--out CHECKS.jsonl] [--seed N]\n"
            << "       duet_runner --device-info\n"
            << "       duet_runner --live-stdio HEADER.json   (step lines on stdin, result lines on stdout)\n";
  return 2;
}

int live_stdio(const std::string& header_path) {
  std::ifstream in(header_path);
  if (!in) return usage("cannot read " + header_path);
  std::stringstream header;
  header << in.rdbuf();
  std::string text = header.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto progress = [](const std::string& line) { std::cerr << line << std::endl; };
  duet::LiveExecutor live(text, progress, "runner");  // PlanError: exit 2, CUDA errors: exit 1 (main)
  std::cout << live.meta() << std::endl;
  long long ran = 0;
  std::string line;
  while (!live.interrupted() && std::getline(std::cin, line)) {
    // A signal while getline waited (SA_RESTART resumes the read): the line
    // that ended the wait is not run.
    if (live.interrupted()) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    try {
      std::cout << live.step(line) << std::endl;
      ++ran;
    } catch (const duet::PlanError& e) {
      std::cout << duet::live_error_line(e.what()) << std::endl;
    } catch (const std::exception& e) {
      std::cout << duet::live_error_line(e.what()) << std::endl;
      std::cerr << "duet_runner: the live session failed after " << ran << " steps: " << e.what() << std::endl;
      return 1;
    }
  }
  std::cout << "{\"kind\":\"done\",\"steps\":" << ran << ",\"interrupted\":" << (live.interrupted() ? "true" : "false")
            << "}" << std::endl;
  live.close();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string plan_path, out_path, exec_path, live_path;
  double max_seconds = 0;
  bool resume = false, check = false, info = false;
  unsigned long long seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(name) + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--plan") plan_path = value("--plan");
      else if (a == "--out") out_path = value("--out");
      else if (a == "--execute") exec_path = value("--execute");
      else if (a == "--live-stdio") live_path = value("--live-stdio");
      else if (a == "--max-seconds") {
        max_seconds = std::stod(value("--max-seconds"));
        if (!(max_seconds >= 0 && max_seconds < 1e7)) return usage("--max-seconds must be in [0, 1e7)");
      }
      else if (a == "--resume") resume = true;
      else if (a == "--check") check = true;
      else if (a == "--device-info") info = true;
      else if (a == "--seed") seed = std::stoull(value("--seed"));
      else return usage("unknown argument '" + a + "'");
    } catch (const std::exception& e) {
      return usage(e.what());
    }
  }
  auto progress = [](const std::string& line) { std::cerr << line << std::endl; };
  try {
    if (!live_path.empty()) {
      if (!plan_path.empty() || !exec_path.empty() || !out_path.empty() || resume || check || info)
        return usage("--live-stdio runs alone (results go to stdout)");
      return live_stdio(live_path);
    }
    if (info) {
      std::cout << duet::device_info_json("runner") << std::endl;
      return 0;
    }
    if (check) {
      bool ok = false;
      const auto lines = duet::run_checks(ok, seed, progress);
      std::ofstream file;
      if (!out_path.empty()) {
        file.open(out_path);
        if (!file) return usage("cannot write " + out_path);
      }
      std::ostream& out = out_path.empty() ? std::cout : file;
      for (const auto& l : lines) out << l << "\n";
      std::cerr << (ok ? "all checks passed" : "SOME CHECKS FAILED") << std::endl;
      return ok ? 0 : 1;
    }
    if (!exec_path.empty()) {
      if (!plan_path.empty()) return usage("--execute and --plan are separate runs; give one");
      if (out_path.empty()) return usage("--out is required with --execute");
      std::ifstream in(exec_path);
      if (!in) return usage("cannot read " + exec_path);
      std::stringstream text;
      text << in.rdbuf();
      duet::ExecuteOptions opt;
      opt.plan_name = exec_path;
      opt.out_path = out_path;
      opt.resume = resume;
      opt.max_seconds = max_seconds;
      const int ran = duet::execute_schedule(text.str(), opt, progress);
      std::cerr << "executed " << ran << " steps; results in " << out_path << std::endl;
      return 0;
    }
    if (plan_path.empty()) return usage("--plan is required (or --execute / --check / --device-info)");
    if (out_path.empty()) return usage("--out is required with --plan");
    std::ifstream in(plan_path);
    if (!in) return usage("cannot read " + plan_path);
    std::stringstream text;
    text << in.rdbuf();
    duet::RunOptions opt;
    opt.plan_name = plan_path;
    opt.out_path = out_path;
    opt.resume = resume;
    opt.backend = "runner";
    const int ran = duet::run_plan(text.str(), opt, progress);
    std::cerr << "ran " << ran << " experiments; results in " << out_path << std::endl;
    return 0;
  } catch (const duet::PlanError& e) {
    std::cerr << "plan errors:\n" << e.what() << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "duet_runner: " << e.what() << std::endl;
    return 1;
  }
}
