// The measurement plan (JSON; format in cuda/README.md), parsed once into plain
// structs. Shape errors are collected with file:line:column and the field path
// and reported together; device-dependent checks (SM counts, memory) come
// later, in validate.h, still before any GPU work.
#ifndef DUET_CORE_PLAN_H
#define DUET_CORE_PLAN_H

#include "json.h"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace duet {

struct ModelConfig {
  std::string name;
  int num_layers = 0, hidden = 0, hq = 0, hkv = 0, dh = 0, ffn = 0, vocab = 0;
  bool qk_norm = false;
  float rope_theta = 1e6f;  // Qwen3's rope_theta (config.json); plans may override with "ropeTheta"
  float norm_eps = 1e-6f;   // Qwen3's rms_norm_eps
};

struct PrefillChunk {
  int new_tokens = 0, cached = 0;
};

// One forward's batch: prefill chunks first, then one token per decode.
struct BatchSpec {
  std::vector<PrefillChunk> prefills;
  std::vector<int> decode_contexts;  // tokens attended, the new one included
  int num_tokens() const;
  int num_seqs() const { return (int)(prefills.size() + decode_contexts.size()); }
};

enum class ExperimentKind { CeilingGemm, CeilingBandwidth, Op, Forward, Concurrent };
enum class OpKind { Gemm, AttnPrefill, AttnDecode, Elementwise };
enum class ElementwiseKind { AddRmsNorm, Rope, QkNorm, SiluMul };

struct Experiment {
  std::string id;
  ExperimentKind kind = ExperimentKind::Op;
  std::string echo;  // the experiment object as written (compact JSON), echoed into its result
  int line = 0;      // where it starts in the plan
  int sms = 0;
  // ceiling_gemm
  long long m = 0, n = 0, k = 0;
  // ceiling_bandwidth
  long long bytes = 0;
  // op
  OpKind op = OpKind::Gemm;
  int tokens = 0, d_in = 0, d_out = 0;  // gemm (n) and elementwise (n)
  int hq = 0, hkv = 0, dh = 0;
  std::vector<PrefillChunk> chunks;    // attn_prefill
  std::vector<int> contexts;           // attn_decode
  ElementwiseKind which = ElementwiseKind::AddRmsNorm;
  int dim = 0;
  // forward / concurrent
  std::string model;
  BatchSpec batch;                      // forward
  int prefill_sms = 0, decode_sms = 0, lookahead = 1;
  BatchSpec prefill_batch, decode_batch;
};

struct Plan {
  std::string file;
  int repeats = 20, warmup = 3;
  std::map<std::string, ModelConfig> models;
  std::vector<Experiment> experiments;
};

// All problems found, one per line, each "file:line:col: path: message".
struct PlanError : std::runtime_error {
  explicit PlanError(const std::vector<std::string>& problems);
  std::vector<std::string> problems;
};

Plan parse_plan(const std::string& text, const std::string& file_name);

// A model object as plans write it ({"numLayers", "hiddenSize", ...}); the
// schedule executor's plan carries one too. Problems are appended, located.
ModelConfig read_model_config(const std::string& file, const std::string& name, const JsonValue& v,
                              const std::string& path, std::vector<std::string>& problems);

const char* elementwise_name(ElementwiseKind k);

}  // namespace duet

#endif  // DUET_CORE_PLAN_H
