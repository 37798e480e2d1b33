#include "plan.h"

#include <cmath>
#include <set>

namespace duet {

namespace {

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

// Limits that keep every size in int range and every buffer allocatable; they
// are far above anything a plan for one H100/H200 needs.
constexpr long long kMaxTokens = 1 << 20;
constexpr long long kMaxDim = 1 << 18;
constexpr long long kMaxGemmDim = 1 << 16;
constexpr long long kMaxBytes = 1LL << 40;

class Reader {
 public:
  Reader(const std::string& file, std::vector<std::string>& problems) : file_(file), problems_(problems) {}

  void problem(const JsonValue& at, const std::string& path, const std::string& msg) {
    problems_.push_back(file_ + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + path + ": " +
                        msg);
  }

  // Reports keys outside `known` (a typo must not become a silent default).
  void known_keys(const JsonValue& obj, const std::string& path, const std::set<std::string>& known) {
    for (const auto& m : obj.members)
      if (!known.count(m.first)) problem(m.second, path + "." + m.first, "unknown key");
  }

  const JsonValue* get(const JsonValue& obj, const std::string& path, const std::string& key, bool required = true) {
    const JsonValue* v = obj.find(key);
    if (!v && required) problem(obj, path + "." + key, "missing");
    return v;
  }

  long long integer(const JsonValue& obj, const std::string& path, const std::string& key, long long lo, long long hi,
                    bool required = true, long long fallback = 0) {
    const JsonValue* v = get(obj, path, key, required);
    if (!v) return fallback;
    return integer_value(*v, path + "." + key, lo, hi, fallback);
  }

  long long integer_value(const JsonValue& v, const std::string& path, long long lo, long long hi, long long fallback) {
    if (v.type != JsonValue::Type::Number || v.number != std::floor(v.number)) {
      problem(v, path, "must be an integer");
      return fallback;
    }
    if (v.number < (double)lo || v.number > (double)hi) {
      problem(v, path, "must be in " + std::to_string(lo) + ".." + std::to_string(hi) + " (got " + v.text + ")");
      return fallback;
    }
    return (long long)v.number;
  }

  std::string string(const JsonValue& obj, const std::string& path, const std::string& key) {
    const JsonValue* v = get(obj, path, key);
    if (!v) return "";
    if (v->type != JsonValue::Type::String || v->text.empty()) {
      problem(*v, path + "." + key, "must be a non-empty string");
      return "";
    }
    return v->text;
  }

  bool object(const JsonValue* v, const std::string& path) {
    if (v && !v->is_object()) {
      problem(*v, path, "must be an object");
      return false;
    }
    return v != nullptr;
  }

 private:
  const std::string& file_;
  std::vector<std::string>& problems_;
};

ModelConfig read_model(Reader& r, const std::string& name, const JsonValue& v, const std::string& path) {
  ModelConfig m;
  m.name = name;
  if (!r.object(&v, path)) return m;
  r.known_keys(v, path,
               {"numLayers", "hiddenSize", "numQHeads", "numKvHeads", "headDim", "ffnSize", "vocabSize", "qkNorm",
                "ropeTheta", "normEps"});
  m.num_layers = (int)r.integer(v, path, "numLayers", 1, 512);
  m.hidden = (int)r.integer(v, path, "hiddenSize", 8, kMaxGemmDim);
  m.hq = (int)r.integer(v, path, "numQHeads", 1, 256);
  m.hkv = (int)r.integer(v, path, "numKvHeads", 1, 256);
  m.dh = (int)r.integer(v, path, "headDim", 1, 1024);
  m.ffn = (int)r.integer(v, path, "ffnSize", 8, kMaxGemmDim);
  m.vocab = (int)r.integer(v, path, "vocabSize", 8, 1 << 20);
  if (const JsonValue* q = v.find("qkNorm")) {
    if (q->type != JsonValue::Type::Bool) r.problem(*q, path + ".qkNorm", "must be true or false");
    m.qk_norm = q->boolean;
  }
  if (const JsonValue* t = v.find("ropeTheta")) {
    if (t->type != JsonValue::Type::Number || t->number <= 1) r.problem(*t, path + ".ropeTheta", "must be a number > 1");
    else m.rope_theta = (float)t->number;
  }
  if (const JsonValue* e = v.find("normEps")) {
    if (e->type != JsonValue::Type::Number || e->number <= 0 || e->number > 1e-2)
      r.problem(*e, path + ".normEps", "must be a number in (0, 0.01]");
    else m.norm_eps = (float)e->number;
  }
  // The kernels' constraints, stated as model-config errors.
  if (m.dh && m.dh != 128) r.problem(v, path + ".headDim", "must be 128 (the attention kernels' head size)");
  if (m.hq && m.hkv && m.hq % m.hkv != 0) r.problem(v, path + ".numQHeads", "must be a multiple of numKvHeads");
  if (m.hq && m.hkv && m.hq / m.hkv > 8) r.problem(v, path + ".numQHeads", "numQHeads / numKvHeads must be at most 8");
  if (m.hidden % 8) r.problem(v, path + ".hiddenSize", "must be a multiple of 8");
  if (m.hidden > 8192) r.problem(v, path + ".hiddenSize", "must be at most 8192 (add_rmsnorm keeps a row in registers)");
  if (m.ffn % 8) r.problem(v, path + ".ffnSize", "must be a multiple of 8");
  if (m.vocab % 8) r.problem(v, path + ".vocabSize", "must be a multiple of 8");
  return m;
}

std::vector<PrefillChunk> read_chunks(Reader& r, const JsonValue& v, const std::string& path) {
  std::vector<PrefillChunk> out;
  if (!v.is_array() || v.items.empty()) {
    r.problem(v, path, "must be a non-empty array of {\"new\", \"cached\"}");
    return out;
  }
  for (size_t i = 0; i < v.items.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    const JsonValue& c = v.items[i];
    if (!r.object(&c, p)) continue;
    r.known_keys(c, p, {"new", "cached"});
    PrefillChunk chunk;
    chunk.new_tokens = (int)r.integer(c, p, "new", 1, kMaxTokens);
    chunk.cached = (int)r.integer(c, p, "cached", 0, kMaxTokens, false, 0);
    out.push_back(chunk);
  }
  return out;
}

std::vector<int> read_contexts(Reader& r, const JsonValue& v, const std::string& path) {
  std::vector<int> out;
  if (!v.is_array() || v.items.empty()) {
    r.problem(v, path, "must be a non-empty array of context lengths");
    return out;
  }
  for (size_t i = 0; i < v.items.size(); ++i)
    out.push_back((int)r.integer_value(v.items[i], path + "[" + std::to_string(i) + "]", 1, kMaxTokens, 1));
  return out;
}

BatchSpec read_batch(Reader& r, const JsonValue& v, const std::string& path) {
  BatchSpec b;
  if (!r.object(&v, path)) return b;
  r.known_keys(v, path, {"prefills", "decodes"});
  if (const JsonValue* p = v.find("prefills")) b.prefills = read_chunks(r, *p, path + ".prefills");
  if (const JsonValue* d = v.find("decodes")) {
    const std::string dp = path + ".decodes";
    if (d->is_array()) {
      b.decode_contexts = read_contexts(r, *d, dp);
    } else if (r.object(d, dp)) {
      r.known_keys(*d, dp, {"count", "context"});
      const int count = (int)r.integer(*d, dp, "count", 1, 1 << 16);
      const int context = (int)r.integer(*d, dp, "context", 1, kMaxTokens);
      b.decode_contexts.assign(count, context);
    }
  }
  if (b.prefills.empty() && b.decode_contexts.empty()) r.problem(v, path, "needs prefills, decodes or both");
  return b;
}

void read_op(Reader& r, const JsonValue& v, const std::string& path, Experiment& e) {
  const std::string op = r.string(v, path, "op");
  if (op == "gemm") {
    e.op = OpKind::Gemm;
    r.known_keys(v, path, {"id", "kind", "op", "sms", "n", "d_in", "d_out"});
    e.tokens = (int)r.integer(v, path, "n", 1, kMaxTokens);
    e.d_in = (int)r.integer(v, path, "d_in", 8, kMaxGemmDim);
    e.d_out = (int)r.integer(v, path, "d_out", 8, 1 << 20);
    if (e.d_in % 8) r.problem(v, path + ".d_in", "must be a multiple of 8");
    if (e.d_out % 8) r.problem(v, path + ".d_out", "must be a multiple of 8");
  } else if (op == "attn_prefill" || op == "attn_decode") {
    const bool prefill = op == "attn_prefill";
    e.op = prefill ? OpKind::AttnPrefill : OpKind::AttnDecode;
    r.known_keys(v, path, {"id", "kind", "op", "sms", "hq", "hkv", "dh", prefill ? "chunks" : "contexts"});
    e.hq = (int)r.integer(v, path, "hq", 1, 256);
    e.hkv = (int)r.integer(v, path, "hkv", 1, 256);
    e.dh = (int)r.integer(v, path, "dh", 128, 128);
    if (e.hq && e.hkv && (e.hq % e.hkv || e.hq / e.hkv > 8))
      r.problem(v, path + ".hq", "must be a multiple of hkv, at most 8 times it");
    const char* key = prefill ? "chunks" : "contexts";
    if (const JsonValue* c = r.get(v, path, key)) {
      if (prefill) e.chunks = read_chunks(r, *c, path + "." + key);
      else e.contexts = read_contexts(r, *c, path + "." + key);
    }
  } else if (op == "elementwise") {
    e.op = OpKind::Elementwise;
    r.known_keys(v, path, {"id", "kind", "op", "sms", "which", "n", "dim"});
    const std::string which = r.string(v, path, "which");
    if (which == "add_rmsnorm") e.which = ElementwiseKind::AddRmsNorm;
    else if (which == "rope") e.which = ElementwiseKind::Rope;
    else if (which == "qk_norm") e.which = ElementwiseKind::QkNorm;
    else if (which == "silu_mul") e.which = ElementwiseKind::SiluMul;
    else if (!which.empty()) r.problem(*v.find("which"), path + ".which", "must be add_rmsnorm, rope, qk_norm or silu_mul");
    e.tokens = (int)r.integer(v, path, "n", 1, kMaxTokens);
    e.dim = (int)r.integer(v, path, "dim", 8, kMaxDim);
    if (e.which == ElementwiseKind::AddRmsNorm && (e.dim % 8 || e.dim > 8192))
      r.problem(v, path + ".dim", "must be a multiple of 8, at most 8192, for add_rmsnorm");
    if ((e.which == ElementwiseKind::Rope || e.which == ElementwiseKind::QkNorm) && e.dim % 128)
      r.problem(v, path + ".dim", "must be a multiple of 128 (whole heads) for rope and qk_norm");
    if (e.which == ElementwiseKind::SiluMul && e.dim % 8)
      r.problem(v, path + ".dim", "must be a multiple of 8 for silu_mul");
  } else if (!op.empty()) {
    r.problem(*v.find("op"), path + ".op", "must be gemm, attn_prefill, attn_decode or elementwise");
  }
}

}  // namespace

ModelConfig read_model_config(const std::string& file, const std::string& name, const JsonValue& v,
                              const std::string& path, std::vector<std::string>& problems) {
  Reader r(file, problems);
  return read_model(r, name, v, path);
}

PlanError::PlanError(const std::vector<std::string>& p) : std::runtime_error(join_lines(p)), problems(p) {}

int BatchSpec::num_tokens() const {
  long long n = (long long)decode_contexts.size();
  for (const auto& c : prefills) n += c.new_tokens;
  return (int)n;
}

const char* elementwise_name(ElementwiseKind k) {
  switch (k) {
    case ElementwiseKind::AddRmsNorm: return "add_rmsnorm";
    case ElementwiseKind::Rope: return "rope";
    case ElementwiseKind::QkNorm: return "qk_norm";
    case ElementwiseKind::SiluMul: return "silu_mul";
  }
  return "?";
}

Plan parse_plan(const std::string& text, const std::string& file_name) {
  std::vector<std::string> problems;
  JsonValue root;
  try {
    root = parse_json(text, file_name);
  } catch (const JsonSyntaxError& e) {
    throw PlanError({e.what()});
  }
  Reader r(file_name, problems);
  Plan plan;
  plan.file = file_name;
  if (!root.is_object()) throw PlanError({file_name + ":1:1: plan: must be a JSON object"});
  r.known_keys(root, "plan", {"version", "models", "repeats", "warmup", "experiments"});
  r.integer(root, "plan", "version", 1, 1);
  plan.repeats = (int)r.integer(root, "plan", "repeats", 1, 10000, false, 20);
  plan.warmup = (int)r.integer(root, "plan", "warmup", 0, 1000, false, 3);
  if (const JsonValue* models = root.find("models")) {
    if (r.object(models, "plan.models"))
      for (const auto& m : models->members)
        plan.models[m.first] = read_model(r, m.first, m.second, "plan.models." + m.first);
  }
  const JsonValue* exps = r.get(root, "plan", "experiments");
  if (exps && !exps->is_array()) r.problem(*exps, "plan.experiments", "must be an array");
  std::set<std::string> ids;
  if (exps && exps->is_array()) {
    for (size_t i = 0; i < exps->items.size(); ++i) {
      const JsonValue& v = exps->items[i];
      std::string path = "experiments[" + std::to_string(i) + "]";
      if (!r.object(&v, path)) continue;
      Experiment e;
      e.line = v.line;
      e.echo = to_json(v);
      e.id = r.string(v, path, "id");
      if (!e.id.empty()) {
        path += "(" + e.id + ")";
        if (!ids.insert(e.id).second) r.problem(v, path + ".id", "duplicate id");
      }
      const std::string kind = r.string(v, path, "kind");
      auto model_ref = [&](const JsonValue& obj) {
        e.model = r.string(obj, path, "model");
        if (!e.model.empty() && !plan.models.count(e.model))
          r.problem(*obj.find("model"), path + ".model", "not defined under plan.models");
      };
      if (kind == "ceiling_gemm") {
        e.kind = ExperimentKind::CeilingGemm;
        r.known_keys(v, path, {"id", "kind", "sms", "m", "n", "k"});
        e.sms = (int)r.integer(v, path, "sms", 1, 4096);
        e.m = r.integer(v, path, "m", 8, kMaxGemmDim);
        e.n = r.integer(v, path, "n", 8, kMaxGemmDim);
        e.k = r.integer(v, path, "k", 8, kMaxGemmDim);
        if (e.m % 8 || e.k % 8) r.problem(v, path, "m and k must be multiples of 8");
      } else if (kind == "ceiling_bandwidth") {
        e.kind = ExperimentKind::CeilingBandwidth;
        r.known_keys(v, path, {"id", "kind", "sms", "bytes"});
        e.sms = (int)r.integer(v, path, "sms", 1, 4096);
        e.bytes = r.integer(v, path, "bytes", 1 << 20, kMaxBytes);
        if (e.bytes % 32) r.problem(*v.find("bytes"), path + ".bytes", "must be a multiple of 32 (two 16-byte halves)");
      } else if (kind == "op") {
        e.kind = ExperimentKind::Op;
        e.sms = (int)r.integer(v, path, "sms", 1, 4096);
        read_op(r, v, path, e);
      } else if (kind == "forward") {
        e.kind = ExperimentKind::Forward;
        r.known_keys(v, path, {"id", "kind", "model", "sms", "batch"});
        model_ref(v);
        e.sms = (int)r.integer(v, path, "sms", 1, 4096);
        if (const JsonValue* b = r.get(v, path, "batch")) e.batch = read_batch(r, *b, path + ".batch");
      } else if (kind == "concurrent") {
        e.kind = ExperimentKind::Concurrent;
        r.known_keys(v, path, {"id", "kind", "model", "prefill", "decode"});
        model_ref(v);
        const JsonValue* pf = r.get(v, path, "prefill");
        if (r.object(pf, path + ".prefill")) {
          r.known_keys(*pf, path + ".prefill", {"sms", "batch"});
          e.prefill_sms = (int)r.integer(*pf, path + ".prefill", "sms", 1, 4096);
          if (const JsonValue* b = r.get(*pf, path + ".prefill", "batch"))
            e.prefill_batch = read_batch(r, *b, path + ".prefill.batch");
        }
        const JsonValue* dc = r.get(v, path, "decode");
        if (r.object(dc, path + ".decode")) {
          r.known_keys(*dc, path + ".decode", {"sms", "batch", "k"});
          e.decode_sms = (int)r.integer(*dc, path + ".decode", "sms", 1, 4096);
          e.lookahead = (int)r.integer(*dc, path + ".decode", "k", 1, 64, false, 1);
          if (const JsonValue* b = r.get(*dc, path + ".decode", "batch"))
            e.decode_batch = read_batch(r, *b, path + ".decode.batch");
        }
        e.sms = e.prefill_sms + e.decode_sms;
      } else if (!kind.empty()) {
        r.problem(*v.find("kind"), path + ".kind",
                  "must be ceiling_gemm, ceiling_bandwidth, op, forward or concurrent");
      }
      plan.experiments.push_back(std::move(e));
    }
  }
  if (!problems.empty()) throw PlanError(problems);
  return plan;
}

}  // namespace duet
