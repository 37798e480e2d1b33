#include "exec_plan.h"

#include "json.h"
#include "kv_pool.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace duet {

namespace {

constexpr size_t kMaxProblems = 50;
constexpr long long kMaxTokens = 1 << 20;

// "a" + "b" -> "a.b"; "" + "b" -> "b" (a live line's fields have no prefix).
std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// Problems as "file:line: path: message" (a plan), or "file: path: message"
// when line is 0 (a live session's single line, named "<live step N>").
class LineReader {
 public:
  LineReader(const std::string& file, std::vector<std::string>& problems) : file_(file), problems_(problems) {}
  int line = 0;

  void problem(const std::string& path, const std::string& msg) {
    problems_.push_back(file_ + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " +
                        (path.empty() ? "" : path + ": ") + msg);
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
      problem(join(path, key), "missing");
      return lo;
    }
    return integer(*v, join(path, key), lo, hi);
  }

  // [[a, b, c], ...] with each inner array of exactly `width` integers.
  std::vector<std::vector<long long>> tuples(const JsonValue& obj, const std::string& path, const char* key, size_t width,
                                             const std::vector<std::pair<long long, long long>>& ranges) {
    std::vector<std::vector<long long>> out;
    const JsonValue* v = obj.find(key);
    if (!v) {
      problem(join(path, key), "missing");
      return out;
    }
    if (!v->is_array()) {
      problem(join(path, key), "must be an array");
      return out;
    }
    for (size_t i = 0; i < v->items.size(); ++i) {
      const JsonValue& t = v->items[i];
      const std::string at = join(path, key) + "[" + std::to_string(i) + "]";
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
      problem(join(path, key), "missing");
      return out;
    }
    if (!v->is_array()) {
      problem(join(path, key), "must be an array of request ids");
      return out;
    }
    for (size_t i = 0; i < v->items.size(); ++i)
      out.push_back((int)integer(v->items[i], join(path, key) + "[" + std::to_string(i) + "]", 0, (1LL << 31) - 1));
    return out;
  }

 private:
  const std::string& file_;
  std::vector<std::string>& problems_;
};

void check_known(LineReader& r, const JsonValue& obj, const std::string& path, const std::set<std::string>& known) {
  for (const auto& m : obj.members)
    if (!known.count(m.first)) r.problem(join(path, m.first), "unknown key");
}

// One step line (a plan's, or a live session's: `path` "steps[i]" or "").
ExecStep read_step(LineReader& r, const JsonValue& v, int expect, const std::string& path) {
  ExecStep s;
  s.line = r.line;
  const std::string self = path.empty() ? "step" : path;
  if (!v.is_object()) {
    r.problem(self, "must be a JSON object");
    return s;
  }
  check_known(r, v, path, {"step", "mode", "prefill_sms", "decode_sms", "k", "free", "prefills", "decodes", "release"});
  s.step = (int)r.field(v, path, "step", 0, (1LL << 31) - 1);
  if (s.step != expect) r.problem(join(path, "step"), "expected " + std::to_string(expect) + " (steps are numbered from 0, in order)");
  const JsonValue* mode = v.find("mode");
  if (!mode || mode->type != JsonValue::Type::String || (mode->text != "aggregated" && mode->text != "split"))
    r.problem(join(path, "mode"), "must be \"aggregated\" or \"split\"");
  else
    s.split = mode->text == "split";
  s.k = (int)r.field(v, path, "k", 1, 64);
  if (s.split) {
    s.prefill_sms = (int)r.field(v, path, "prefill_sms", 1, 4096);
    s.decode_sms = (int)r.field(v, path, "decode_sms", 1, 4096);
  } else {
    s.prefill_sms = (int)r.field(v, path, "prefill_sms", 0, 0);
    s.decode_sms = (int)r.field(v, path, "decode_sms", 0, 0);
    if (s.k != 1) r.problem(join(path, "k"), "must be 1 for an aggregated step");
  }
  s.free_before = r.ids(v, path, "free");
  s.release_after = r.ids(v, path, "release");
  for (const auto& t : r.tuples(v, path, "prefills", 3, {{0, (1LL << 31) - 1}, {1, kMaxTokens}, {0, kMaxTokens}}))
    s.prefills.push_back({(int)t[0], (int)t[1], (int)t[2]});
  for (const auto& t : r.tuples(v, path, "decodes", 3, {{0, (1LL << 31) - 1}, {1, kMaxTokens}, {1, 64}})) {
    s.decodes.push_back({(int)t[0], (int)t[1], (int)t[2]});
    if (t[2] > s.k) r.problem(join(path, "decodes"), "request " + std::to_string(t[0]) + " takes " + std::to_string(t[2]) +
                                                         " decode steps in a window of k=" + std::to_string(s.k));
  }
  if (s.prefills.empty() && s.decodes.empty()) r.problem(self, "has neither prefills nor decodes");
  std::set<int> seen;
  for (const auto& p : s.prefills)
    if (!seen.insert(p.id).second) r.problem(join(path, "prefills"), "request " + std::to_string(p.id) + " appears twice");
  for (const auto& d : s.decodes)
    if (!seen.insert(d.id).second) r.problem(join(path, "decodes"), "request " + std::to_string(d.id) + " appears twice");
  // The decode side's context grows k-1 tokens inside a window; keep it in range.
  for (const auto& d : s.decodes)
    if ((long long)d.context + s.k > kMaxTokens) r.problem(join(path, "decodes"), "context too long");
  return s;
}

// The header's model_name and model (a duetsim-exec plan's and a live session's).
ModelConfig read_header_model(LineReader& r, const JsonValue& v, const std::string& file, const std::string& path,
                              std::vector<std::string>& problems) {
  const JsonValue* name = v.find("model_name");
  if (!name || name->type != JsonValue::Type::String || name->text.empty())
    r.problem(join(path, "model_name"), "must be a non-empty string");
  const JsonValue* model = v.find("model");
  if (!model) {
    r.problem(join(path, "model"), "missing");
    return ModelConfig();
  }
  return read_model_config(file, name && name->type == JsonValue::Type::String ? name->text : "model", *model,
                           join(path, "model"), problems);
}

// One line of JSON; a syntax error becomes a problem at `path` ("column C: ...").
bool parse_line(LineReader& r, const std::string& text, const std::string& path, JsonValue& out) {
  try {
    out = parse_json(text, "");
    return true;
  } catch (const JsonSyntaxError& e) {
    // The parser saw one line: its "<file>:1:<col>: msg" becomes "column <col>: msg".
    std::string msg = e.what();
    if (msg.rfind(":1:", 0) == 0) msg = "column " + msg.substr(3);
    r.problem(path, "not JSON: " + msg);
    return false;
  }
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
    if (!parse_line(r, line_text, header ? "steps[" + std::to_string(plan.steps.size()) + "]" : "header", v)) {
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
      plan.model = read_header_model(r, v, file_name, "header", problems);
      plan.block_tokens = (int)r.field(v, "header", "block_tokens", 1, 1024);
      plan.kv_blocks = r.field(v, "header", "kv_blocks", 1, (1LL << 31) - 1);
      declared_steps = r.field(v, "header", "steps", 1, 1LL << 30);
      const JsonValue* sched = v.find("schedule");
      if (!sched || !sched->is_object()) r.problem("header.schedule", "must be the source schedule's header object");
      else plan.schedule_json = to_json(*sched);
      continue;
    }
    plan.steps.push_back(read_step(r, v, (int)plan.steps.size(), "steps[" + std::to_string(plan.steps.size()) + "]"));
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

long long step_meta_ints_bound(const ExecStep& s, int block_tokens) {
  const auto blocks = [&](long long tokens) { return (tokens + block_tokens - 1) / block_tokens; };
  // One forward: 2 ints per token, each sequence's table padded to the longest (at least 1), 9 ints per
  // sequence and 3 more for the per-sequence arrays, rounded up to 64 by the slot.
  const auto forward = [](long long tokens, long long seqs, long long max_blocks) {
    return 2 * tokens + seqs * (std::max(max_blocks, 1LL) + 9) + 3 + 63;
  };
  long long pf_tokens = 0, pf_blocks = 0;
  for (const auto& p : s.prefills) {
    pf_tokens += p.new_tokens;
    pf_blocks = std::max(pf_blocks, blocks((long long)p.cached + p.new_tokens));
  }
  long long dc_context = 0;
  for (const auto& d : s.decodes) dc_context = std::max(dc_context, (long long)d.context);
  const long long np = (long long)s.prefills.size(), nd = (long long)s.decodes.size();
  if (!s.split) return forward(pf_tokens + nd, np + nd, std::max(pf_blocks, blocks(dc_context)));
  long long total = np ? forward(pf_tokens, np, pf_blocks) : 0;
  if (nd)
    for (int j = 0; j < s.k; ++j) total += forward(nd, nd, blocks(dc_context + j));
  return total;
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

LiveHeader parse_live_header(const std::string& json, int kernel_block_tokens) {
  const std::string file = "<live header>";
  std::vector<std::string> problems;
  LineReader r(file, problems);
  LiveHeader h;
  JsonValue v;
  if (!parse_line(r, json, "header", v)) throw PlanError(problems);
  if (!v.is_object()) throw PlanError({file + ": header: must be a JSON object"});
  check_known(r, v, "",
              {"format", "version", "model_name", "model", "block_tokens", "kv_blocks", "splits", "max_batch_tokens",
               "max_seqs", "max_lookahead"});
  const JsonValue* fmt = v.find("format");
  if (!fmt || fmt->type != JsonValue::Type::String || fmt->text != "duetsim-live")
    throw PlanError({file + ": format: must be \"duetsim-live\""});
  r.field(v, "", "version", 1, 1);
  h.model = read_header_model(r, v, file, "", problems);
  h.block_tokens = (int)r.field(v, "", "block_tokens", 1, 1024);
  if (v.find("block_tokens") && h.block_tokens != kernel_block_tokens)
    r.problem("block_tokens", "must be " + std::to_string(kernel_block_tokens) + " (the kernels' KV block size)");
  h.kv_blocks = r.field(v, "", "kv_blocks", 1, kLiveMaxKvBlocks);
  h.max_batch_tokens = (int)r.field(v, "", "max_batch_tokens", 1, kLiveMaxBatchTokens);
  h.max_seqs = (int)r.field(v, "", "max_seqs", 1, kLiveMaxSeqs);
  h.max_lookahead = (int)r.field(v, "", "max_lookahead", 1, kLiveMaxLookahead);
  const JsonValue* splits = v.find("splits");
  if (!splits) r.problem("splits", "missing (an array of [prefill_sms, decode_sms] pairs; [] for none)");
  else if (!splits->is_array()) r.problem("splits", "must be an array of [prefill_sms, decode_sms] pairs");
  else {
    for (const auto& t : r.tuples(v, "", "splits", 2, {{1, 4096}, {1, 4096}})) {
      const std::pair<int, int> p((int)t[0], (int)t[1]);
      if (std::find(h.splits.begin(), h.splits.end(), p) != h.splits.end())
        r.problem("splits", "[" + std::to_string(p.first) + "," + std::to_string(p.second) + "] appears twice");
      else h.splits.push_back(p);
    }
  }
  if (!problems.empty()) throw PlanError(problems);
  return h;
}

std::string live_step_name(int step) { return "<live step " + std::to_string(step) + ">"; }

ExecStep parse_live_step(const std::string& json, int expect, const LiveHeader& h) {
  const std::string file = live_step_name(expect);
  std::vector<std::string> problems;
  LineReader r(file, problems);
  JsonValue v;
  if (!parse_line(r, json, "step", v)) throw PlanError(problems);
  ExecStep s = read_step(r, v, expect, "");
  if (!problems.empty()) throw PlanError(problems);
  if (s.k > h.max_lookahead)
    r.problem("k", std::to_string(s.k) + " exceeds the header's max_lookahead " + std::to_string(h.max_lookahead));
  long long tokens = 0;
  for (const auto& p : s.prefills) tokens += p.new_tokens;
  if (tokens > h.max_batch_tokens)
    r.problem("prefills", std::to_string(tokens) + " new tokens exceed the header's max_batch_tokens " +
                              std::to_string(h.max_batch_tokens));
  const size_t seqs = s.prefills.size() + s.decodes.size();
  if (seqs > (size_t)h.max_seqs)
    r.problem("prefills/decodes", std::to_string(seqs) + " sequences exceed the header's max_seqs " +
                                      std::to_string(h.max_seqs));
  if (!problems.empty()) throw PlanError(problems);
  return s;
}

std::vector<std::string> check_step_kv(const KvPool& pool, const ExecStep& s, const std::string& where) {
  std::vector<std::string> problems;
  const auto req = [](int id) { return "request " + std::to_string(id); };
  std::set<int> freed;
  long long freed_blocks = 0;
  for (int id : s.free_before) {
    if (!freed.insert(id).second) problems.push_back(where + ": free: " + req(id) + " appears twice");
    else if (!pool.holds(id)) problems.push_back(where + ": free: " + req(id) + " holds no blocks");
    else freed_blocks += pool.held(id);
  }
  // KvPool::ensure never shrinks a list: a request needs what its tokens
  // take beyond what it holds (nothing, once preempted).
  const long long bt = pool.block_tokens();
  std::set<int> in_step;
  long long need = 0;
  const auto grow = [&](int id, long long tokens) {
    in_step.insert(id);
    const long long have = freed.count(id) ? 0 : pool.held(id);
    need += std::max(0LL, (tokens + bt - 1) / bt - have);
  };
  for (const auto& p : s.prefills) grow(p.id, (long long)p.cached + p.new_tokens);
  for (const auto& d : s.decodes) grow(d.id, decode_tokens_written(s, d));
  const long long free_now = pool.capacity() - pool.used();
  if (need > free_now + freed_blocks)
    problems.push_back(where + ": prefills/decodes: the step needs " + std::to_string(need) + " more KV blocks; " +
                       std::to_string(free_now + freed_blocks) + " of " + std::to_string(pool.capacity()) + " are free" +
                       (freed_blocks ? " once its preempted requests are freed" : "") + " (" +
                       std::to_string(pool.used()) + " in use)");
  std::set<int> released;
  for (int id : s.release_after) {
    if (!released.insert(id).second) problems.push_back(where + ": release: " + req(id) + " appears twice");
    else if (!in_step.count(id) && (freed.count(id) || !pool.holds(id)))
      problems.push_back(where + ": release: " + req(id) + " holds no blocks");
  }
  return problems;
}

}  // namespace duet
