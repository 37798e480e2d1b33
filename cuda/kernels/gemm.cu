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
  int max_cluster = 0;  // blocks per cluster allowed; 0: any
  std::map<std::tuple<int, int, int>, duet::GemmPlan> plans;
};

namespace duet {
namespace {

// Blocks in a cuBLASLt cluster shape (cublasLtClusterShape_t); unknown shapes count as too large.
int cluster_blocks(uint16_t id) {
  switch (id) {
    case CUBLASLT_CLUSTER_SHAPE_1x1x1: return 1;
    case CUBLASLT_CLUSTER_SHAPE_2x1x1:
    case CUBLASLT_CLUSTER_SHAPE_1x2x1: return 2;
    case CUBLASLT_CLUSTER_SHAPE_4x1x1:
    case CUBLASLT_CLUSTER_SHAPE_2x2x1:
    case CUBLASLT_CLUSTER_SHAPE_1x4x1: return 4;
    case CUBLASLT_CLUSTER_SHAPE_4x2x1:
    case CUBLASLT_CLUSTER_SHAPE_2x4x1:
    case CUBLASLT_CLUSTER_SHAPE_8x1x1:
    case CUBLASLT_CLUSTER_SHAPE_1x8x1: return 8;
    default: return 1 << 20;
  }
}

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
  // With a cluster limit, take the first of the heuristic's candidates whose
  // cluster fits it, or that accepts cluster shape 1x1x1 (cublasLtMatmulAlgoCheck).
  constexpr int kCandidates = 16;
  cublasLtMatmulHeuristicResult_t results[kCandidates] = {};
  int returned = 0;
  const cublasStatus_t s = cublasLtMatmulAlgoGetHeuristic(h.lt, plan.op, plan.a, plan.b, plan.c, plan.c, pref,
                                                          h.max_cluster ? kCandidates : 1, results, &returned);
  cublasLtMatmulPreferenceDestroy(pref);
  check_cublas(s, "cublasLtMatmulAlgoGetHeuristic");
  const std::string shape = "gemm n=" + std::to_string(n) + " d_in=" + std::to_string(d_in) + " d_out=" + std::to_string(d_out);
  if (returned < 1) throw std::runtime_error("cuBLASLt: no algorithm for " + shape);
  if (!h.max_cluster) {
    plan.algo = results[0].algo;
  } else {
    bool found = false;
    for (int i = 0; i < returned && !found; ++i) {
      cublasLtMatmulAlgo_t algo = results[i].algo;
      uint16_t id = 0;
      size_t written = 0;
      cublasLtMatmulAlgoConfigGetAttribute(&algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID, &id, sizeof(id), &written);
      if (id != CUBLASLT_CLUSTER_SHAPE_AUTO && cluster_blocks(id) <= h.max_cluster) {
        plan.algo = algo;
        found = true;
        break;
      }
      const uint16_t one = CUBLASLT_CLUSTER_SHAPE_1x1x1;
      if (cublasLtMatmulAlgoConfigSetAttribute(&algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID, &one, sizeof(one)) !=
          CUBLAS_STATUS_SUCCESS)
        continue;
      cublasLtMatmulHeuristicResult_t checked{};
      if (cublasLtMatmulAlgoCheck(h.lt, plan.op, plan.a, plan.b, plan.c, plan.c, &algo, &checked) != CUBLAS_STATUS_SUCCESS)
        continue;
      if (checked.workspaceSize > h.workspace_bytes) continue;
      plan.algo = algo;
      found = true;
    }
    if (!found)
      throw std::runtime_error("cuBLASLt: none of " + std::to_string(returned) + " algorithms for " + shape +
                               " fits clusters of " + std::to_string(h.max_cluster) + " blocks (this partition's limit)");
  }
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

void gemm_handle_limit_clusters(GemmHandle* h, int blocks) {
  duet::require(h != nullptr, "gemm_handle_limit_clusters", "handle must be set");
  duet::require(blocks >= 1, "gemm_handle_limit_clusters", "blocks must be >= 1");
  // Plans chosen before may use clusters: choose again.
  for (auto& kv : h->plans) {
    cublasLtMatrixLayoutDestroy(kv.second.a);
    cublasLtMatrixLayoutDestroy(kv.second.b);
    cublasLtMatrixLayoutDestroy(kv.second.c);
    cublasLtMatmulDescDestroy(kv.second.op);
  }
  h->plans.clear();
  h->max_cluster = blocks;
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
