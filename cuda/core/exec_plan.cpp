#include "exec_plan.h"

#include "json.h"
#include "kv_pool.h"

#include <cmath>
#include <set>
#include <sstream>

namespace duet {

namespace {

constexpr size_t kMaxProblems = 50;
constexpr long long kMaxTokens = 1 << 20;

class LineReader {
 public:
  LineReader(const std::string& file, std::vector<std::string>& problems) : file_(file), problems_(problems) {}
  int line = 0;

  void problem(const std::string& path, const std::string& msg) {
    problems_.push_back(file_ + ":" + std::to_string(line) + ": " + path + ": " + msg);
  }

  long long integer(const JsonValue& v, const std::string& path, long long lo, long long hi) {
    if (v.type != JsonValue::Type::Number || v.number != std::floor(v.number)) {
      problem(path, "must be an integer");
      return lo;
    }
    if (v.number < (double)lo || v.number > (double)hi) {
      problem(path, "must be in " + std::to_string(lo) + ".." + std::to_string(hi) + " (got " + v.text + ")");
      return lo;
    }
    return (long long)v.number;
  }

  long long field(const JsonValue& obj, const std::string& path, const char* key, long long lo, long long hi) {
    const JsonValue* v = obj.find(key);
    if (!v) {
      problem(path + "." + key, "missing");
      return lo;
    }
    return integer(*v, path + "." + key, lo, hi);
  }

  // [[a, b, c], ...] with each inner array of exactly `width` integers.
  std::vector<std::vector<long long>> tuples(const JsonValue& obj, const std::string& path, const char* key, size_t width,
                                             const std::vector<std::pair<long long, long long>>& ranges) {
    std::vector<std::vector<long long>> out;
    const JsonValue* v = obj.find(key);
    if (!v) {
      problem(path + "." + key, "missing");
      return out;
    }
    if (!v->is_array()) {
      problem(path + "." + key, "must be an array");
      return out;
    }
    for (size_t i = 0; i < v->items.size(); ++i) {
      const JsonValue& t = v->items[i];
      const std::string at = path + "." + key + "[" + std::to_string(i) + "]";
      if (!t.is_array() || t.items.size() != width) {
        problem(at, "must be an array of " + std::to_string(width) + " integers");
        continue;
      }
      std::vector<long long> row;
      for (size_t j = 0; j < width; ++j)
        row.push_back(integer(t.items[j], at + "[" + std::to_string(j) + "]", ranges[j].first, ranges[j].second));
      out.push_back(std::move(row));
    }
    return out;
  }

  std::vector<int> ids(const JsonValue& obj, const std::string& path, const char* key) {
    std::vector<int> out;
    const JsonValue* v = obj.find(key);
    if (!v) {
      problem(path + "." + key, "missing");
      return out;
    }
    if (!v->is_array()) {
      problem(path + "." + key, "must be an array of request ids");
      return out;
    }
    for (size_t i = 0; i < v->items.size(); ++i)
      out.push_back((int)integer(v->items[i], path + "." + key + "[" + std::to_string(i) + "]", 0, (1LL << 31) - 1));
    return out;
  }

 private:
  const std::string& file_;
  std::vector<std::string>& problems_;
};

void check_known(LineReader& r, const JsonValue& obj, const std::string& path, const std::set<std::string>& known) {
  for (const auto& m : obj.members)
    if (!known.count(m.first)) r.problem(path + "." + m.first, "unknown key");
}

ExecStep read_step(LineReader& r, const JsonValue& v, int expect) {
  ExecStep s;
  s.line = r.line;
  const std::string path = "steps[" + std::to_string(expect) + "]";
  if (!v.is_object()) {
    r.problem(path, "must be a JSON object");
    return s;
  }
  check_known(r, v, path, {"step", "mode", "prefill_sms", "decode_sms", "k", "free", "prefills", "decodes", "release"});
  s.step = (int)r.field(v, path, "step", 0, (1LL << 31) - 1);
  if (s.step != expect) r.problem(path + ".step", "expected " + std::to_string(expect) + " (steps are numbered from 0, in order)");
  const JsonValue* mode = v.find("mode");
  if (!mode || mode->type != JsonValue::Type::String || (mode->text != "aggregated" && mode->text != "split"))
    r.problem(path + ".mode", "must be \"aggregated\" or \"split\"");
  else
    s.split = mode->text == "split";
  s.k = (int)r.field(v, path, "k", 1, 64);
  if (s.split) {
    s.prefill_sms = (int)r.field(v, path, "prefill_sms", 1, 4096);
    s.decode_sms = (int)r.field(v, path, "decode_sms", 1, 4096);
  } else {
    s.prefill_sms = (int)r.field(v, path, "prefill_sms", 0, 0);
    s.decode_sms = (int)r.field(v, path, "decode_sms", 0, 0);
    if (s.k != 1) r.problem(path + ".k", "must be 1 for an aggregated step");
  }
  s.free_before = r.ids(v, path, "free");
  s.release_after = r.ids(v, path, "release");
  for (const auto& t : r.tuples(v, path, "prefills", 3, {{0, (1LL << 31) - 1}, {1, kMaxTokens}, {0, kMaxTokens}}))
    s.prefills.push_back({(int)t[0], (int)t[1], (int)t[2]});
  for (const auto& t : r.tuples(v, path, "decodes", 3, {{0, (1LL << 31) - 1}, {1, kMaxTokens}, {1, 64}})) {
    s.decodes.push_back({(int)t[0], (int)t[1], (int)t[2]});
    if (t[2] > s.k) r.problem(path + ".decodes", "request " + std::to_string(t[0]) + " takes " + std::to_string(t[2]) +
                                                  " decode steps in a window of k=" + std::to_string(s.k));
  }
  if (s.prefills.empty() && s.decodes.empty()) r.problem(path, "has neither prefills nor decodes");
  std::set<int> seen;
  for (const auto& p : s.prefills)
    if (!seen.insert(p.id).second) r.problem(path + ".prefills", "request " + std::to_string(p.id) + " appears twice");
  for (const auto& d : s.decodes)
    if (!seen.insert(d.id).second) r.problem(path + ".decodes", "request " + std::to_string(d.id) + " appears twice");
  // The decode side's context grows k-1 tokens inside a window; keep it in range.
  for (const auto& d : s.decodes)
    if ((long long)d.context + s.k > kMaxTokens) r.problem(path + ".decodes", "context too long");
  return s;
}

}  // namespace

ExecPlan parse_exec_plan(const std::string& text, const std::string& file_name) {
  std::vector<std::string> problems;
  LineReader r(file_name, problems);
  ExecPlan plan;
  plan.file = file_name;
  std::istringstream in(text);
  std::string line_text;
  long long declared_steps = -1;
  bool header = false;
  while (std::getline(in, line_text)) {
    ++r.line;
    if (problems.size() >= kMaxProblems) break;
    if (!line_text.empty() && line_text.back() == '\r') line_text.pop_back();
    if (line_text.empty()) {
      r.problem("line", "empty line");
      continue;
    }
    JsonValue v;
    try {
      v = parse_json(line_text, "");
    } catch (const JsonSyntaxError& e) {
      // The parser saw one line: its "<file>:1:<col>: msg" becomes "column <col>: msg".
      std::string msg = e.what();
      if (msg.rfind(":1:", 0) == 0) msg = "column " + msg.substr(3);
      r.problem(header ? "steps[" + std::to_string(plan.steps.size()) + "]" : "header", "not JSON: " + msg);
      if (!header) break;
      continue;
    }
    if (!header) {
      header = true;
      if (!v.is_object()) {
        r.problem("header", "must be a JSON object");
        break;
      }
      check_known(r, v, "header", {"format", "version", "model_name", "model", "block_tokens", "kv_blocks", "steps", "schedule"});
      const JsonValue* fmt = v.find("format");
      if (!fmt || fmt->text != "duetsim-exec") {
        r.problem("header.format", "must be \"duetsim-exec\" (write the plan with `duetsim calibrate execute`)");
        break;
      }
      r.field(v, "header", "version", 1, 1);
      const JsonValue* name = v.find("model_name");
      if (!name || name->type != JsonValue::Type::String || name->text.empty())
        r.problem("header.model_name", "must be a non-empty string");
      const JsonValue* model = v.find("model");
      if (!model) r.problem("header.model", "missing");
      else plan.model = read_model_config(file_name, name ? name->text : "model", *model, "header.model", problems);
      plan.block_tokens = (int)r.field(v, "header", "block_tokens", 1, 1024);
      plan.kv_blocks = r.field(v, "header", "kv_blocks", 1, (1LL << 31) - 1);
      declared_steps = r.field(v, "header", "steps", 1, 1LL << 30);
      const JsonValue* sched = v.find("schedule");
      if (!sched || !sched->is_object()) r.problem("header.schedule", "must be the source schedule's header object");
      else plan.schedule_json = to_json(*sched);
      continue;
    }
    plan.steps.push_back(read_step(r, v, (int)plan.steps.size()));
  }
  if (!header) problems.push_back(file_name + ":1: header: the file is empty");
  else if (problems.empty() && declared_steps != (long long)plan.steps.size())
    problems.push_back(file_name + ":1: header.steps: says " + std::to_string(declared_steps) + " steps, the file has " +
                       std::to_string(plan.steps.size()) + " (cut short?)");
  if (problems.size() >= kMaxProblems) problems.push_back(file_name + ": stopped after " + std::to_string(kMaxProblems) + " problems");
  if (!problems.empty()) throw PlanError(problems);
  return plan;
}

long long decode_tokens_written(const ExecStep& s, const ExecDecode& d) {
  // Every decode runs all k steps of a split window (its graphs were captured
  // for the whole batch); the steps after it finishes are wasted but still
  // write KV, so its blocks cover context + k - 1 tokens.
  return (long long)d.context + (s.split ? s.k : d.steps) - 1;
}

StepBlocks take_step_blocks(KvPool& pool, const ExecStep& s) {
  StepBlocks b;
  for (int id : s.free_before) pool.release(id);
  for (const auto& p : s.prefills) b.prefills.push_back(&pool.ensure(p.id, (long long)p.cached + p.new_tokens));
  for (const auto& d : s.decodes) b.decodes.push_back(&pool.ensure(d.id, decode_tokens_written(s, d)));
  return b;
}

void release_step_blocks(KvPool& pool, const ExecStep& s) {
  for (int id : s.release_after) pool.release(id);
}

long long dry_run_kv(const ExecPlan& plan) {
  KvPool pool(plan.kv_blocks, plan.block_tokens);
  for (const ExecStep& s : plan.steps) {
    const std::string where = plan.file + ":" + std::to_string(s.line) + ": steps[" + std::to_string(s.step) + "]";
    try {
      take_step_blocks(pool, s);
      release_step_blocks(pool, s);
    } catch (const std::exception& e) {
      throw PlanError({where + ": " + e.what()});
    }
  }
  return pool.peak();
}

}  // namespace duet
