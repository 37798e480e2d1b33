// run_plan, device_info_json and run_checks: the three entry points both front
// ends (cuda/runner, cuda/binding) call.
#include "duet_core.h"

#include "../kernels/kernels.h"
#include "checks.h"
#include "cuda_check.h"
#include "device.h"
#include "experiment_runner.h"
#include "json.h"
#include "partition.h"
#include "plan.h"
#include "results_file.h"

#include <ctime>
#include <fstream>
#include <set>
#include <vector>

namespace duet {

namespace {

std::string iso_now() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// The meta line's "settings": the DUET_* tuning variables (results_file.h, duet_settings).
std::string duet_settings_json() {
  JsonObjectWriter w;
  for (const auto& [k, v] : duet_settings()) w.str(k, v);
  return w.done();
}

std::string meta_json(const DeviceInfo& d, const std::string& backend) {
  std::string groups = "[";
  for (size_t i = 0; i < d.groups.size(); ++i) groups += (i ? "," : "") + std::to_string(d.groups[i]);
  groups += "]";
  return JsonObjectWriter()
      .str("kind", "meta")
      .str("gpu", d.name)
      .integer("sm_count", d.sm_count)
      .str("compute_capability", std::to_string(d.cc_major) + "." + std::to_string(d.cc_minor))
      .integer("memory_bytes", (long long)d.total_mem_bytes)
      .integer("l2_bytes", d.l2_bytes)
      .str("driver", d.driver_version)
      .str("cuda_runtime", runtime_version_text(d.runtime_api))
      .str("cudnn", cudnn_attn_library_version())
      .integer("cuda_driver_api", d.driver_api)
      .str("date", iso_now())
      .str("host", d.host)
      .raw("partition", JsonObjectWriter()
                            .integer("min_sms", d.min_sms)
                            .integer("alignment", d.alignment)
                            .raw("groups", groups)
                            .integer("remainder", d.remainder_sms)
                            .done())
      .str("backend", backend)
      .raw("settings", duet_settings_json())
      .done();
}

// Device-dependent checks, all before the first allocation: SM counts the
// split can make, memory each experiment needs against what is free.
void validate_against_device(const Plan& plan, const DeviceInfo& info, const Partitioner& parts) {
  std::vector<std::string> problems;
  for (size_t i = 0; i < plan.experiments.size(); ++i) {
    const Experiment& e = plan.experiments[i];
    const std::string where = plan.file + ":" + std::to_string(e.line) + ": experiments[" + std::to_string(i) + "](" +
                              e.id + ")";
    if (e.kind == ExperimentKind::Concurrent) {
      if (e.prefill_sms + e.decode_sms > info.sm_count)
        problems.push_back(where + ".prefill.sms + decode.sms: " + std::to_string(e.prefill_sms + e.decode_sms) +
                           " exceeds the device's " + std::to_string(info.sm_count) + " SMs");
      else if (!parts.can_make_pair(e.prefill_sms, e.decode_sms))
        problems.push_back(where + ".prefill.sms/decode.sms: " + std::to_string(e.prefill_sms) + "/" +
                           std::to_string(e.decode_sms) +
                           " cannot be made as two disjoint partitions; single partitions possible: " +
                           parts.achievable());
    } else if (e.sms > info.sm_count || !parts.can_make(e.sms)) {
      problems.push_back(where + ".sms: " + std::to_string(e.sms) + " is not a partition this " + info.name +
                         " can make (minimum " + std::to_string(info.min_sms) + ", alignment " +
                         std::to_string(info.alignment) + "); possible: " + parts.achievable());
    }
    std::string why;
    const size_t need = experiment_min_bytes(e, plan, info, why);
    if (need > info.free_mem_bytes)
      problems.push_back(where + ": needs at least " + std::to_string(need >> 20) + " MiB (" + why + "), " +
                         std::to_string(info.free_mem_bytes >> 20) + " MiB free");
  }
  if (!problems.empty()) throw PlanError(problems);
}



// "median_us=123.4" (or the concurrent pair) for the progress line.
std::string summary(const std::string& line) {
  const JsonValue v = parse_json(line, "result");
  std::string out;
  for (const char* key : {"median_us", "decode_concurrent_us", "prefill_concurrent_us"})
    if (const JsonValue* x = v.find(key)) out += (out.empty() ? "" : " ") + std::string(key) + "=" + x->text;
  if (const JsonValue* c = v.find("check"))
    if (const JsonValue* p = c->find("passed")) out += p->boolean ? " check=pass" : " check=FAIL";
  return out;
}

}  // namespace

std::string device_info_json(const std::string& backend) { return meta_json(query_device_info(), backend); }

int run_plan(const std::string& plan_json, const RunOptions& options, const ProgressFn& progress) {
  const Plan plan = parse_plan(plan_json, options.plan_name);
  const DeviceInfo info = query_device_info();
  Partitioner parts(info);
  validate_against_device(plan, info, parts);

  ResumeState state;
  if (options.resume) {
    state = prepare_resume(options.out_path);
    check_resume_settings(state, duet_settings(), options.out_path);
  }
  const std::set<std::string>& done = state.done;
  std::ofstream out(options.out_path, options.resume ? std::ios::app : std::ios::trunc);
  if (!out) throw std::runtime_error("cannot open " + options.out_path + " for writing");
  if (!state.has_meta) out << meta_json(info, options.backend) << "\n" << std::flush;

  ExperimentRunner runner(plan, info, parts);
  int ran = 0, i = 0;
  std::vector<std::string> failed;
  const int total = (int)plan.experiments.size();
  for (const Experiment& e : plan.experiments) {
    ++i;
    const std::string tag = "[" + std::to_string(i) + "/" + std::to_string(total) + "] " + e.id;
    if (done.count(e.id)) {
      progress(tag + ": already in " + options.out_path + ", skipped");
      continue;
    }
    std::string line;
    try {
      line = runner.run(e);
    } catch (const std::exception& ex) {
      // A sticky CUDA error poisons everything after it: stop. Anything else
      // (not enough memory for this one experiment, say) is reported and the
      // run goes on; the results file gets no line for it, so --resume
      // retries it.
      const cudaError_t sticky = cudaDeviceSynchronize();
      progress(tag + ": FAILED: " + ex.what());
      failed.push_back(e.id);
      if (sticky != cudaSuccess) throw std::runtime_error(std::string("CUDA context lost: ") + cudaGetErrorString(sticky));
      cudaGetLastError();
      continue;
    }
    out << line << "\n" << std::flush;
    ++ran;
    progress(tag + ": " + summary(line));
  }
  if (!failed.empty()) {
    std::string ids;
    for (const auto& id : failed) ids += (ids.empty() ? "" : ", ") + id;
    throw std::runtime_error(std::to_string(failed.size()) + " experiment(s) failed (" + ids + "); " +
                             std::to_string(ran) + " ran; rerun with --resume to retry them");
  }
  return ran;
}

std::vector<std::string> run_checks(bool& all_passed, unsigned long long seed, const ProgressFn& progress) {
  const DeviceInfo info = query_device_info();
  Partitioner parts(info);
  auto whole = parts.make(info.sm_count);
  ScopedPartition scope(*whole);
  std::vector<std::string> lines;
  all_passed = true;
  for (const CheckResult& c : run_check_suite(whole->stream(), whole->gemm(), info.sm_count, seed)) {
    all_passed = all_passed && c.passed;
    // {"kind":"check","name":…} followed by the check's own fields.
    const std::string head = JsonObjectWriter().str("kind", "check").str("name", c.name).done();
    lines.push_back(head.substr(0, head.size() - 1) + "," + check_result_json(c).substr(1));
    progress(std::string(c.passed ? "PASS " : "FAIL ") + c.name + " rel_err=" + format_number(c.rel_err) +
             " nonfinite=" + std::to_string(c.nonfinite));
  }
  return lines;
}

}  // namespace duet
