// Correctness checks of every kernel against a float64 CPU reference
// (METHOD.md "Correct first"): fresh random inputs each call, outputs poisoned
// with NaN before the run, every output element checked for NaN/inf on the
// GPU, and ‖out − ref‖ / ‖ref‖ over the compared elements against a bf16
// threshold. Large shapes compare sampled rows/sequences (every element is
// still scanned for the poison); cuda/tests and `duet_runner --check` use
// small shapes and compare everything.
#ifndef DUET_CORE_CHECKS_H
#define DUET_CORE_CHECKS_H

#include "attn_impl.h"
#include "plan.h"

#include <cuda_runtime.h>

#include <string>
#include <vector>

struct GemmHandle;

namespace duet {

// bf16 operands with fp32 accumulation land between 1e-3 and 1e-2
// (METHOD.md); 1e-2 is the bar every kernel must clear.
constexpr double kBf16RelErrThreshold = 1e-2;

struct CheckResult {
  std::string name;
  double rel_err = 0;
  double threshold = kBf16RelErrThreshold;
  long long nonfinite = 0;  // output elements left NaN/inf
  long long compared = 0;   // elements compared with the reference
  bool passed = false;
};

struct CheckOptions {
  unsigned long long seed = 1;
  int max_rows = 1 << 30;  // rows / sequences / query rows compared; the rest are only scanned for poison
};

CheckResult check_gemm(cudaStream_t s, GemmHandle* h, int n, int d_in, int d_out, const CheckOptions& o);
CheckResult check_add_rmsnorm(cudaStream_t s, int n, int dim, bool with_add, const CheckOptions& o);
// check_qk_norm's `load` and `tokens` pick qk_norm's load path (kernels.h) and its tokens a block (Bulk's bulk_tokens,
// Pipelined's pipeline_tokens; 0: the default); Auto is what forwards use.
CheckResult check_qk_norm(cudaStream_t s, int n, int hq, int hkv, const CheckOptions& o, QkNormLoad load = QkNormLoad::Auto,
                          int tokens = 0);
// check_rope's `tokens`: RopeParams::tokens (0: the default; 2, 4, 8: the pipelined kernel from 256 tokens).
CheckResult check_rope(cudaStream_t s, int n, int hq, int hkv, float theta, const CheckOptions& o, int tokens = 0);
CheckResult check_silu_mul(cudaStream_t s, int n, int dim, const CheckOptions& o);
CheckResult check_kv_cache_write(cudaStream_t s, int n, int hkv, const CheckOptions& o);
CheckResult check_gather_rows(cudaStream_t s, int n, int dim, const CheckOptions& o);
// Attention checks run the implementation `impl` names (attn_impl.h): our
// kernels or cuDNN's, against the same fp64 reference.
// check_attn_decode's variant picks our kernel's path (kernels.h): how it fills its stages, which operand is the
// mma rows and with how many stages, and optionally a split of split_tokens (a multiple of 32) instead of
// attn_decode_choose_split's. The defaults are what forwards run.
struct AttnDecodeVariant {
  AttnDecodeLoad load = AttnDecodeLoad::Auto;
  AttnDecodeMath math = AttnDecodeMath::Auto;
  int token_rows_stages = 0;
  int split_tokens = 0;
};
CheckResult check_attn_decode(cudaStream_t s, int hq, int hkv, const std::vector<int>& contexts, int sm_count,
                              const CheckOptions& o, AttnImpl impl = AttnImpl::Own, const AttnDecodeVariant& v = {});
CheckResult check_attn_prefill(cudaStream_t s, int hq, int hkv, const std::vector<PrefillChunk>& chunks,
                               const CheckOptions& o, AttnImpl impl = AttnImpl::Own, int sm_count = 0,
                               bool fused_kv_rows = false);
// fused_kv_rows (cuDNN, chunks without a cached prefix): K and V are read from
// rows [q | k | v] as a forward's QKV projection leaves them, not contiguous rows.

// {"rel_err","threshold","passed","compared","nonfinite"}: the "check" object of an op result and the
// body of a `--check` line.
std::string check_result_json(const CheckResult& c);

// The fixed suite run by cuda/tests and `duet_runner --check`: every kernel at
// small and awkward shapes (ragged contexts, GQA groups 1..8, chunks with and
// without cached context).
std::vector<CheckResult> run_check_suite(cudaStream_t s, GemmHandle* h, int sm_count, unsigned long long seed);

}  // namespace duet

#endif  // DUET_CORE_CHECKS_H
