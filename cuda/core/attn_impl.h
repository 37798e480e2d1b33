// Which implementation runs attention: our kernels or cuDNN's fused flash
// attention (kernels.h). Chosen per op by measurement (issue 11: "use the vendor
// library where it does an op better"), through the environment so a device
// run can time both on the same plan; every result line records the choice.
#ifndef DUET_CORE_ATTN_IMPL_H
#define DUET_CORE_ATTN_IMPL_H

#include "../kernels/kernels.h"

#include <memory>
#include <string>
#include <vector>

namespace duet {

enum class AttnImpl { Own, Cudnn };

// DUET_ATTN_PREFILL_IMPL / DUET_ATTN_DECODE_IMPL: "own" (default) or "cudnn".
// Any other value throws std::invalid_argument naming the variable.
AttnImpl attn_prefill_impl();
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

using CudnnAttnPlanPtr = std::shared_ptr<CudnnAttnPlan>;
CudnnAttnPlanPtr make_cudnn_attn_plan(const CudnnAttnShape&);

}  // namespace duet

#endif  // DUET_CORE_ATTN_IMPL_H
