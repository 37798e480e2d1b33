// Which implementation runs attention: our kernels or cuDNN's fused flash
// attention (kernels.h). Chosen per op by measurement (issue 11: "use the vendor
// library where it does an op better"), through the environment so a device
// run can time both on the same plan; every result line records the choice.
#ifndef DUET_CORE_ATTN_IMPL_H
#define DUET_CORE_ATTN_IMPL_H

#include "../kernels/kernels.h"
#include "plan.h"

#include <memory>
#include <string>
#include <vector>

namespace duet {

enum class AttnImpl { Own, Cudnn };

// DUET_ATTN_PREFILL_IMPL: "auto" (the default when built with cuDNN; "own"
// without), "own" or "cudnn". Auto is the measured choice (H200, 2026-12-04,
// calibrate/data/h200-2026-12-04-own-kernels-cudnn): cuDNN's prefill is 0.36-
// 0.91x our kernel's time on every measured chunk except the smallest fresh
// ones (128 new tokens, no cached prefix: 1.39x, a ~12 us floor against our
// 9 us), so our kernel runs steps whose causal key-query pairs,
// sum of new * (cached + new / 2), are at most kOwnPrefillMaxPairs, cuDNN the rest.
// DUET_ATTN_DECODE_IMPL: "own" (default; cuDNN's paged decode measured 1.2-1.4x
// slower on the same shapes) or "cudnn". Any other value throws
// std::invalid_argument naming the variable.
constexpr long long kOwnPrefillMaxPairs = 16384;  // 128 fresh tokens: 8,192 pairs; 512: 131,072
AttnImpl attn_prefill_impl(const std::vector<PrefillChunk>& chunks);
AttnImpl attn_decode_impl();
AttnImpl parse_attn_impl(const char* variable, const char* value);
// "own", or "cudnn" with the loaded library's version.
std::string attn_impl_label(AttnImpl);

// Sets s.causal (and s.causal_offset) to the fastest exact diagonal for chunks
// with these cached prefixes: top-left when none has one, one offset for a
// single sequence, per-sequence offsets otherwise. DUET_ATTN_CUDNN_CAUSAL =
// auto (default) | top-left | one-offset | per-sequence forces one, for
// measurement; a form that would be wrong for these chunks throws. Also sets
// s.dense_kv: chunks without a cached prefix read their own K/V rows densely
// (DUET_ATTN_CUDNN_KV = auto (default) | paged | dense).
void choose_cudnn_causal(const std::vector<int>& cached, CudnnAttnShape& s);
// After choose_cudnn_causal: s.uniform when the K/V are dense and every chunk has exactly s.max_q_tokens new
// tokens (DUET_ATTN_CUDNN_UNIFORM = auto (default) | off, for measurement).
void choose_cudnn_uniform(const std::vector<int>& new_tokens, CudnnAttnShape& s);

using CudnnAttnPlanPtr = std::shared_ptr<CudnnAttnPlan>;
CudnnAttnPlanPtr make_cudnn_attn_plan(const CudnnAttnShape&);

}  // namespace duet

#endif  // DUET_CORE_ATTN_IMPL_H
