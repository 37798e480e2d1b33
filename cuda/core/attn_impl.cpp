#include "attn_impl.h"

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace duet {

AttnImpl parse_attn_impl(const char* variable, const char* value) {
  if (!value || !*value || std::strcmp(value, "own") == 0) return AttnImpl::Own;
  if (std::strcmp(value, "cudnn") == 0) {
    if (!cudnn_attn_available())
      throw std::invalid_argument(std::string(variable) + "=cudnn, but this build has no cuDNN (configure with CUDNN_ROOT)");
    return AttnImpl::Cudnn;
  }
  throw std::invalid_argument(std::string(variable) + " must be \"own\" or \"cudnn\", got \"" + value + "\"");
}

AttnImpl attn_prefill_impl(const std::vector<PrefillChunk>& chunks) {
  const char* v = std::getenv("DUET_ATTN_PREFILL_IMPL");
  const bool automatic = (!v || !*v) ? cudnn_attn_available() : std::strcmp(v, "auto") == 0;
  if (!automatic) return parse_attn_impl("DUET_ATTN_PREFILL_IMPL", v);
  if (!cudnn_attn_available()) return AttnImpl::Own;
  long long pairs = 0;
  for (const PrefillChunk& c : chunks) pairs += (long long)c.new_tokens * c.cached + (long long)c.new_tokens * c.new_tokens / 2;
  return pairs <= kOwnPrefillMaxPairs ? AttnImpl::Own : AttnImpl::Cudnn;
}

AttnImpl attn_decode_impl() { return parse_attn_impl("DUET_ATTN_DECODE_IMPL", std::getenv("DUET_ATTN_DECODE_IMPL")); }

std::string attn_impl_label(AttnImpl i) {
  return i == AttnImpl::Own ? "own" : std::string("cudnn (") + cudnn_attn_library_version() + ")";
}

void choose_cudnn_causal(const std::vector<int>& cached, CudnnAttnShape& s) {
  bool any_cached = false;
  for (int c : cached) any_cached = any_cached || c != 0;
  const char* v = std::getenv("DUET_ATTN_CUDNN_CAUSAL");
  const std::string want = v && *v ? v : "auto";
  if (want == "auto") {
    s.causal = !any_cached ? CudnnCausal::TopLeft : cached.size() == 1 ? CudnnCausal::OneOffset : CudnnCausal::PerSequence;
  } else if (want == "top-left") {
    if (any_cached) throw std::invalid_argument("DUET_ATTN_CUDNN_CAUSAL=top-left is wrong for chunks after a cached prefix");
    s.causal = CudnnCausal::TopLeft;
  } else if (want == "one-offset") {
    if (cached.size() != 1) throw std::invalid_argument("DUET_ATTN_CUDNN_CAUSAL=one-offset needs exactly one sequence");
    s.causal = CudnnCausal::OneOffset;
  } else if (want == "per-sequence") {
    s.causal = CudnnCausal::PerSequence;
  } else {
    throw std::invalid_argument("DUET_ATTN_CUDNN_CAUSAL must be auto, top-left, one-offset or per-sequence, got \"" + want + "\"");
  }
  s.causal_offset = s.causal == CudnnCausal::OneOffset ? cached.at(0) : 0;
  const char* kv = std::getenv("DUET_ATTN_CUDNN_KV");
  const std::string kv_want = kv && *kv ? kv : "auto";
  if (kv_want == "auto" || kv_want == "dense") {
    if (kv_want == "dense" && s.causal != CudnnCausal::TopLeft)
      throw std::invalid_argument("DUET_ATTN_CUDNN_KV=dense needs chunks without a cached prefix (and top-left causal)");
    s.dense_kv = s.causal == CudnnCausal::TopLeft;
  } else if (kv_want == "paged") {
    s.dense_kv = false;
  } else {
    throw std::invalid_argument("DUET_ATTN_CUDNN_KV must be auto, paged or dense, got \"" + kv_want + "\"");
  }
}

void choose_cudnn_uniform(const std::vector<int>& new_tokens, CudnnAttnShape& s) {
  const char* v = std::getenv("DUET_ATTN_CUDNN_UNIFORM");
  const std::string want = v && *v ? v : "auto";
  if (want != "auto" && want != "off") throw std::invalid_argument("DUET_ATTN_CUDNN_UNIFORM must be auto or off, got \"" + want + "\"");
  bool all_full = !new_tokens.empty();
  for (int n : new_tokens) all_full = all_full && n == s.max_q_tokens;
  s.uniform = want == "auto" && s.prefill && s.dense_kv && s.causal == CudnnCausal::TopLeft && all_full;
}

CudnnAttnPlanPtr make_cudnn_attn_plan(const CudnnAttnShape& s) {
  return CudnnAttnPlanPtr(cudnn_attn_plan_create(s), cudnn_attn_plan_destroy);
}

}  // namespace duet
