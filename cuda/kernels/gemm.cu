// bf16 GEMM through cuBLASLt: Y[n, d_out] = X[n, d_in] · W^T.
//
// cuBLASLt is column-major, so the call computes Y^T (d_out x n) =
// op(W) · X^T with W read as a d_in x d_out column-major matrix and
// transposed ("TN"), the layout cuBLAS is fastest at for Linear weights.
//
// A GemmHandle caches one heuristic choice per (n, d_in, d_out): the choice is
// made once, before any graph capture, and every later launch of that shape
// reuses it, so eager and captured runs execute the same algorithm.
// CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET tells the heuristic how many SMs the
// partition has; without it cuBLASLt would plan tiles for the whole GPU.
#include "kernels.h"
#include "bf16_vec.cuh"

#include <cublasLt.h>

#include <map>
#include <string>
#include <tuple>

namespace duet {
namespace {

void check_cublas(cublasStatus_t s, const char* call) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cuBLASLt: ") + call + " failed with status " + std::to_string((int)s));
}

void check_cuda(cudaError_t e, const char* call) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("gemm: ") + call + ": " + cudaGetErrorString(e));
}

struct GemmPlan {
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulAlgo_t algo{};
};

}  // namespace
}  // namespace duet

struct GemmHandle {
  cublasLtHandle_t lt = nullptr;
  void* workspace = nullptr;
  size_t workspace_bytes = 0;
  int sm_count_target = 0;
  std::map<std::tuple<int, int, int>, duet::GemmPlan> plans;
};

namespace duet {
namespace {

const GemmPlan& plan_for(GemmHandle& h, int n, int d_in, int d_out) {
  const auto key = std::make_tuple(n, d_in, d_out);
  auto it = h.plans.find(key);
  if (it != h.plans.end()) return it->second;
  GemmPlan plan;
  check_cublas(cublasLtMatmulDescCreate(&plan.op, CUBLAS_COMPUTE_32F, CUDA_R_32F), "cublasLtMatmulDescCreate");
  const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
  check_cublas(cublasLtMatmulDescSetAttribute(plan.op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof(ta)), "set TRANSA");
  check_cublas(cublasLtMatmulDescSetAttribute(plan.op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof(tb)), "set TRANSB");
  if (h.sm_count_target > 0) {
    const int32_t sms = h.sm_count_target;
    check_cublas(cublasLtMatmulDescSetAttribute(plan.op, CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET, &sms, sizeof(sms)),
                 "set SM_COUNT_TARGET");
  }
  check_cublas(cublasLtMatrixLayoutCreate(&plan.a, CUDA_R_16BF, d_in, d_out, d_in), "layout W");
  check_cublas(cublasLtMatrixLayoutCreate(&plan.b, CUDA_R_16BF, d_in, n, d_in), "layout X");
  check_cublas(cublasLtMatrixLayoutCreate(&plan.c, CUDA_R_16BF, d_out, n, d_out), "layout Y");
  cublasLtMatmulPreference_t pref = nullptr;
  check_cublas(cublasLtMatmulPreferenceCreate(&pref), "cublasLtMatmulPreferenceCreate");
  const uint64_t ws = h.workspace_bytes;
  check_cublas(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws)),
               "set MAX_WORKSPACE_BYTES");
  cublasLtMatmulHeuristicResult_t result{};
  int returned = 0;
  const cublasStatus_t s =
      cublasLtMatmulAlgoGetHeuristic(h.lt, plan.op, plan.a, plan.b, plan.c, plan.c, pref, 1, &result, &returned);
  cublasLtMatmulPreferenceDestroy(pref);
  check_cublas(s, "cublasLtMatmulAlgoGetHeuristic");
  if (returned < 1)
    throw std::runtime_error("cuBLASLt: no algorithm for gemm n=" + std::to_string(n) + " d_in=" + std::to_string(d_in) +
                             " d_out=" + std::to_string(d_out));
  plan.algo = result.algo;
  return h.plans.emplace(key, plan).first->second;
}

}  // namespace
}  // namespace duet

GemmHandle* gemm_handle_create(int sm_count_target, size_t workspace_bytes) {
  duet::require(sm_count_target >= 0, "gemm_handle_create", "sm_count_target must be >= 0");
  auto* h = new GemmHandle();
  h->sm_count_target = sm_count_target;
  h->workspace_bytes = workspace_bytes;
  try {
    duet::check_cublas(cublasLtCreate(&h->lt), "cublasLtCreate");
    if (workspace_bytes > 0) duet::check_cuda(cudaMalloc(&h->workspace, workspace_bytes), "cudaMalloc(workspace)");
  } catch (...) {
    gemm_handle_destroy(h);
    throw;
  }
  return h;
}

void gemm_handle_destroy(GemmHandle* h) {
  if (!h) return;
  for (auto& kv : h->plans) {
    cublasLtMatrixLayoutDestroy(kv.second.a);
    cublasLtMatrixLayoutDestroy(kv.second.b);
    cublasLtMatrixLayoutDestroy(kv.second.c);
    cublasLtMatmulDescDestroy(kv.second.op);
  }
  if (h->workspace) cudaFree(h->workspace);
  if (h->lt) cublasLtDestroy(h->lt);
  delete h;
}

void launch_gemm(const GemmParams& p, cudaStream_t stream) {
  duet::require(p.handle != nullptr, "gemm", "handle must be set");
  duet::require(p.n > 0 && p.d_in > 0 && p.d_out > 0, "gemm", "n, d_in and d_out must be positive");
  duet::require(p.d_in % 8 == 0 && p.d_out % 8 == 0, "gemm", "d_in and d_out must be multiples of 8 (16-byte rows)");
  const duet::GemmPlan& plan = duet::plan_for(*p.handle, p.n, p.d_in, p.d_out);
  const float alpha = 1.f, beta = 0.f;
  duet::check_cublas(cublasLtMatmul(p.handle->lt, plan.op, &alpha, p.w, plan.a, p.x, plan.b, &beta, p.y, plan.c, p.y,
                                    plan.c, &plan.algo, p.handle->workspace, p.handle->workspace_bytes, stream),
                     "cublasLtMatmul");
}
