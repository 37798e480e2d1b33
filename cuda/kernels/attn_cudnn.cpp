// Paged attention through cuDNN's fused flash-attention engines, driven by the
// cuDNN 9 backend (graph) API directly: the header-only cudnn-frontend is not
// on the GPU hosts, the cuDNN library itself is (PyTorch ships it).
//
// Why: issue 11 asks the calibration kernels to run at production speed and to
// use a vendor library where it beats hand-written code. Our mma.sync prefill
// kernel runs 1.45-2.3x slower than cuDNN's (Hopper wgmma/TMA) kernel, and on
// 8-40 SM partitions cuDNN's decode kernel streams the KV cache ~1.4x faster
// than ours. Which implementation an experiment uses is chosen by measurement
// (DUET_ATTN_PREFILL_IMPL / DUET_ATTN_DECODE_IMPL, recorded in every result).
//
// The graph is the one cuDNN's SDPA forward pattern matcher recognises (the
// frontend's SDPA node lowers to the same operations):
//   K, V   = paged_cache_load(container, page table, seq_len_kv)   (K loaded as K^T)
//   S      = Q·K^T over [b, hq, s_q, s_kv]  (GQA: K's hkv heads broadcast), M/N overridden by the seq lens
//   S      = S · scale
//   S      = padding mask  (row < seq_len_q and col < seq_len_kv, else lowest float)
//   S      = bottom-right causal mask (row + seq_len_kv − seq_len_q ≥ col)    [prefill only]
//   P      = softmax(S) as max / sub / exp / sum / (log+max stats) / div
//   O      = P·V
// Prefill packs the new tokens of all sequences ([tokens, hq, dh], ragged
// offsets); decode has one query per sequence ([b, hq, dh], no offsets).
// Every tensor the graph touches is checked on the host before any of it is
// built; a shape cuDNN cannot run fails at plan creation with cuDNN's message.
#include "kernels.h"

#include <cudnn_graph.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void check_cudnn(cudnnStatus_t s, const char* what) {
  if (s == CUDNN_STATUS_SUCCESS) return;
  char last[1024] = {0};
  cudnnGetLastErrorString(last, sizeof(last));
  throw std::runtime_error(std::string("cuDNN: ") + what + " failed: " + cudnnGetErrorString(s) +
                           (last[0] ? std::string(" (") + last + ")" : std::string()));
}

void check_cuda_rt(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}

void require(bool ok, const std::string& field, const std::string& why) {
  if (!ok) throw std::invalid_argument("attn_cudnn: " + field + " " + why);
}

// A backend descriptor that destroys itself.
struct Desc {
  cudnnBackendDescriptor_t d = nullptr;
  explicit Desc(cudnnBackendDescriptorType_t t) { check_cudnn(cudnnBackendCreateDescriptor(t, &d), "create descriptor"); }
  ~Desc() {
    if (d) cudnnBackendDestroyDescriptor(d);
  }
  Desc(const Desc&) = delete;
  Desc& operator=(const Desc&) = delete;
  template <typename T>
  Desc& set(cudnnBackendAttributeName_t a, cudnnBackendAttributeType_t t, const T* v, int64_t n = 1) {
    check_cudnn(cudnnBackendSetAttribute(d, a, t, n, v), "set attribute");
    return *this;
  }
  Desc& desc(cudnnBackendAttributeName_t a, const Desc& other) {
    return set(a, CUDNN_TYPE_BACKEND_DESCRIPTOR, &other.d);
  }
  void finalize(const char* what) { check_cudnn(cudnnBackendFinalize(d), what); }
};

using Dims = std::vector<int64_t>;

// Row-major strides of a dense [b, h, s, x] tensor.
Dims dense4(const Dims& dim) { return {dim[1] * dim[2] * dim[3], dim[2] * dim[3], dim[3], 1}; }

// The graph under construction: owns every descriptor until the plan is built
// (the operation graph refers to them) and hands out unique ids.
class GraphBuilder {
 public:
  explicit GraphBuilder(cudnnHandle_t h) : handle_(h) {}

  const Desc& tensor(int64_t uid, cudnnDataType_t dt, const Dims& dim, const Dims& stride, bool is_virtual,
                     bool by_value = false, const Desc* ragged = nullptr) {
    auto t = std::make_unique<Desc>(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
    const int64_t align = 16;
    const bool virt = is_virtual, byv = by_value;
    t->set(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, &dt)
        .set(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, dim.data(), (int64_t)dim.size())
        .set(CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, stride.data(), (int64_t)stride.size())
        .set(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, &uid)
        .set(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, &align)
        .set(CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, &virt);
    if (by_value) t->set(CUDNN_ATTR_TENSOR_IS_BY_VALUE, CUDNN_TYPE_BOOLEAN, &byv);
    if (ragged) t->desc(CUDNN_ATTR_TENSOR_RAGGED_OFFSET_DESC, *ragged);
    t->finalize("tensor");
    keep_.push_back(std::move(t));
    return *keep_.back();
  }
  const Desc& virt(cudnnDataType_t dt, const Dims& dim) { return tensor(next_uid_++, dt, dim, dense4(dim), true); }

  // y = op(x[, b[, t]]); GEN_INDEX takes an axis.
  void pointwise(cudnnPointwiseMode_t mode, cudnnDataType_t prec, const Desc& x, const Desc* b, const Desc* t,
                 const Desc& y, int64_t axis = -1) {
    auto pw = std::make_unique<Desc>(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
    pw->set(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, &mode)
        .set(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, &prec);
    if (axis >= 0) pw->set(CUDNN_ATTR_POINTWISE_AXIS, CUDNN_TYPE_INT64, &axis);
    pw->finalize("pointwise descriptor");
    auto op = std::make_unique<Desc>(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
    op->desc(CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, *pw).desc(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, x);
    if (b) op->desc(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, *b);
    if (t) op->desc(CUDNN_ATTR_OPERATION_POINTWISE_TDESC, *t);
    op->desc(CUDNN_ATTR_OPERATION_POINTWISE_YDESC, y).finalize("pointwise operation");
    keep_.push_back(std::move(pw));
    add_op(std::move(op));
  }

  void reduction(cudnnReduceTensorOp_t mode, const Desc& x, const Desc& y) {
    auto red = std::make_unique<Desc>(CUDNN_BACKEND_REDUCTION_DESCRIPTOR);
    const cudnnDataType_t f32 = CUDNN_DATA_FLOAT;
    red->set(CUDNN_ATTR_REDUCTION_OPERATOR, CUDNN_TYPE_REDUCTION_OPERATOR_TYPE, &mode)
        .set(CUDNN_ATTR_REDUCTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, &f32)
        .finalize("reduction descriptor");
    auto op = std::make_unique<Desc>(CUDNN_BACKEND_OPERATION_REDUCTION_DESCRIPTOR);
    op->desc(CUDNN_ATTR_OPERATION_REDUCTION_XDESC, x)
        .desc(CUDNN_ATTR_OPERATION_REDUCTION_YDESC, y)
        .desc(CUDNN_ATTR_OPERATION_REDUCTION_DESC, *red)
        .finalize("reduction operation");
    keep_.push_back(std::move(red));
    add_op(std::move(op));
  }

  // c = a·b with the GEMM's M/N/K taken from per-batch length tensors (rows and
  // columns past them are padding the engine skips).
  void matmul(const Desc& a, const Desc& b, const Desc& c, const Desc* m_len, const Desc* n_len, const Desc* k_len,
              bool padded) {
    auto mm = std::make_unique<Desc>(CUDNN_BACKEND_MATMUL_DESCRIPTOR);
    const cudnnDataType_t f32 = CUDNN_DATA_FLOAT;
    mm->set(CUDNN_ATTR_MATMUL_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, &f32);
    const double zero = 0.0;
    if (padded) mm->set(CUDNN_ATTR_MATMUL_PADDING_VALUE, CUDNN_TYPE_DOUBLE, &zero);
    mm->finalize("matmul descriptor");
    auto op = std::make_unique<Desc>(CUDNN_BACKEND_OPERATION_MATMUL_DESCRIPTOR);
    op->desc(CUDNN_ATTR_OPERATION_MATMUL_ADESC, a)
        .desc(CUDNN_ATTR_OPERATION_MATMUL_BDESC, b)
        .desc(CUDNN_ATTR_OPERATION_MATMUL_CDESC, c)
        .desc(CUDNN_ATTR_OPERATION_MATMUL_DESC, *mm);
    if (m_len) op->desc(CUDNN_ATTR_OPERATION_MATMUL_GEMM_M_OVERRIDE_DESC, *m_len);
    if (n_len) op->desc(CUDNN_ATTR_OPERATION_MATMUL_GEMM_N_OVERRIDE_DESC, *n_len);
    if (k_len) op->desc(CUDNN_ATTR_OPERATION_MATMUL_GEMM_K_OVERRIDE_DESC, *k_len);
    op->finalize("matmul operation");
    keep_.push_back(std::move(mm));
    add_op(std::move(op));
  }

  void paged_load(const Desc& container, const Desc& table, const Desc& seq_len, const Desc& y) {
    auto op = std::make_unique<Desc>(CUDNN_BACKEND_OPERATION_PAGED_CACHE_LOAD_DESCRIPTOR);
    op->desc(CUDNN_ATTR_OPERATION_PAGED_CACHE_LOAD_CONTAINER_DESC, container)
        .desc(CUDNN_ATTR_OPERATION_PAGED_CACHE_LOAD_PAGE_TABLE_DESC, table)
        .desc(CUDNN_ATTR_OPERATION_PAGED_CACHE_LOAD_SEQUENCE_DESC, seq_len)
        .desc(CUDNN_ATTR_OPERATION_PAGED_CACHE_LOAD_YDESC, y)
        .finalize("paged cache load operation");
    add_op(std::move(op));
  }

  std::unique_ptr<Desc> operation_graph() {
    auto g = std::make_unique<Desc>(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
    std::vector<cudnnBackendDescriptor_t> ops;
    for (const Desc* o : ops_) ops.push_back(o->d);
    g->set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, ops.data(), (int64_t)ops.size())
        .set(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, &handle_)
        .finalize("operation graph");
    return g;
  }

 private:
  void add_op(std::unique_ptr<Desc> op) {
    ops_.push_back(op.get());
    keep_.push_back(std::move(op));
  }
  cudnnHandle_t handle_;
  int64_t next_uid_ = 1000;
  std::vector<std::unique_ptr<Desc>> keep_;
  std::vector<const Desc*> ops_;
};

// Unique ids of the tensors the caller supplies at execution.
enum Uid : int64_t {
  kQ = 1, kKCache, kVCache, kTable, kSeqQ, kSeqKv, kOut, kScale, kLowest, kQOffset, kCausalOffset, kKvOffset,
};

}  // namespace

struct CudnnAttnPlan {
  CudnnAttnShape shape{};
  cudnnHandle_t handle = nullptr;
  std::unique_ptr<GraphBuilder> graph;
  std::unique_ptr<Desc> op_graph, plan;
  void* workspace = nullptr;
  int64_t workspace_bytes = 0;
  int* ones = nullptr;  // seq_len_q of a decode plan: one query per sequence
  std::string engine;
  // By-value scalars: the variant pack points at host memory.
  float scale = 1.f;
  float lowest = std::numeric_limits<float>::lowest();
  int32_t causal_offset = 0;
  bool uniform_built = false;  // the graph without lengths and offsets (CudnnAttnShape::uniform) is the one built
  ~CudnnAttnPlan() {
    plan.reset();
    op_graph.reset();
    graph.reset();
    if (workspace) cudaFree(workspace);
    if (ones) cudaFree(ones);
    if (handle) cudnnDestroy(handle);
  }
};

bool cudnn_attn_available() { return true; }

const char* cudnn_attn_library_version() {
  // The library loaded at run time (not the headers built against): results record the kernels that ran.
  static const std::string v = [] {
    const size_t n = cudnnGetVersion();
    return "cuDNN " + std::to_string(n / 10000) + "." + std::to_string(n / 100 % 100) + "." + std::to_string(n % 100);
  }();
  return v.c_str();
}

namespace {
std::unique_ptr<CudnnAttnPlan> build_plan(const CudnnAttnShape& s);
}  // namespace

CudnnAttnPlan* cudnn_attn_plan_create(const CudnnAttnShape& s) {
  require(s.num_seqs >= 1, "num_seqs", "must be >= 1");
  require(s.hkv >= 1 && s.hq >= s.hkv && s.hq % s.hkv == 0, "hq/hkv", "must be positive with hq a multiple of hkv");
  require(s.dh == 128, "dh", "must be 128 (the head size every duetsim model uses)");
  require(s.block_tokens >= 1 && s.block_tokens <= 1024, "block_tokens", "must be in 1..1024");
  require(s.max_blocks_per_seq >= 1, "max_blocks_per_seq", "must be >= 1");
  require(s.num_cache_blocks >= 1, "num_cache_blocks", "must be >= 1");
  require(s.sm_count_target >= 0, "sm_count_target", "must be >= 0 (0: the whole GPU)");
  require(!s.prefill || s.causal != CudnnCausal::OneOffset || (s.num_seqs == 1 && s.causal_offset >= 0), "causal_offset",
          "(one offset) needs one sequence and an offset >= 0");
  const int64_t b = s.num_seqs, hq = s.hq, d = s.dh;
  const int64_t s_q = s.prefill ? s.max_q_tokens : 1;
  // Paged: cuDNN wants the page table exactly ceil(s_kv / block) wide. Dense: the chunk's own keys only.
  const int64_t s_kv = s.dense_kv ? s_q : (int64_t)s.max_blocks_per_seq * s.block_tokens;
  require(!s.dense_kv || (s.prefill && s.causal == CudnnCausal::TopLeft), "dense_kv",
          "is for prefill chunks without a cached prefix (top-left causal)");
  require(s.kv_row_stride == 0 || (s.dense_kv && s.kv_row_stride >= s.hkv * s.dh && s.kv_row_stride % 8 == 0),
          "kv_row_stride", "must be 0, or (dense K/V) at least hkv*dh and a multiple of 8 (16-byte rows)");
  require(s_q >= 1, "max_q_tokens", "must be >= 1 for a prefill plan");
  require(s_q <= s_kv, "max_q_tokens", "must not exceed max_blocks_per_seq * block_tokens (bottom-right causal needs s_q <= s_kv)");
  // Ragged offsets are int32 element offsets into Q and O.
  require(b * s_q * hq * d < (int64_t)std::numeric_limits<int32_t>::max(), "num_seqs*max_q_tokens*hq*dh",
          "must stay below 2^31 (int32 ragged offsets)");
  require(!s.uniform || (s.prefill && s.dense_kv && s.causal == CudnnCausal::TopLeft), "uniform",
          "is for dense K/V prefill chunks without a cached prefix (top-left causal)");
  if (!s.uniform) return build_plan(s).release();
  // The dense graph is what PyTorch's SDPA builds for a batch of equal sequences; should this cuDNN refuse it for a
  // shape, the padded graph computes the same attention (the record's engine string says which was built).
  try {
    return build_plan(s).release();
  } catch (const std::exception& e) {
    CudnnAttnShape padded = s;
    padded.uniform = false;
    auto p = build_plan(padded);
    p->engine += std::string(" (uniform graph refused: ") + e.what() + ")";
    return p.release();
  }
}

namespace {
std::unique_ptr<CudnnAttnPlan> build_plan(const CudnnAttnShape& s) {
  const int64_t b = s.num_seqs, hq = s.hq, hkv = s.hkv, d = s.dh;
  const int64_t s_q = s.prefill ? s.max_q_tokens : 1;
  const int64_t s_kv = s.dense_kv ? s_q : (int64_t)s.max_blocks_per_seq * s.block_tokens;
  const bool uniform = s.uniform;
  auto p = std::make_unique<CudnnAttnPlan>();
  p->uniform_built = uniform;
  p->shape = s;
  check_cudnn(cudnnCreate(&p->handle), "cudnnCreate");
  p->graph = std::make_unique<GraphBuilder>(p->handle);
  GraphBuilder& g = *p->graph;
  const cudnnDataType_t bf16 = CUDNN_DATA_BFLOAT16, f32 = CUDNN_DATA_FLOAT, i32 = CUDNN_DATA_INT32,
                        boolean = CUDNN_DATA_BOOLEAN;

  const Dims len_dim{b, 1, 1, 1}, len_stride{1, 1, 1, 1};
  // Uniform: no lengths and no offsets at all (every chunk fills its s_q rows).
  const Desc* seq_q = uniform ? nullptr : &g.tensor(kSeqQ, i32, len_dim, len_stride, false);
  const Desc* seq_kv = uniform ? nullptr : &g.tensor(kSeqKv, i32, len_dim, len_stride, false);
  const Desc* q_off = s.prefill && !uniform ? &g.tensor(kQOffset, i32, {b + 1, 1, 1, 1}, len_stride, false) : nullptr;
  // Q and O: [tokens, hq, dh] rows, viewed as [b, hq, s_q, dh] (BSHD strides).
  const Dims qo_dim{b, hq, s_q, d}, qo_stride{s_q * hq * d, d, hq * d, 1};
  const Desc& q = g.tensor(kQ, bf16, qo_dim, qo_stride, false, false, q_off);
  const Desc& out = g.tensor(kOut, bf16, qo_dim, qo_stride, false, false, q_off);
  const Desc& scale = g.tensor(kScale, f32, len_stride, len_stride, false, true);
  const Desc& lowest = g.tensor(kLowest, f32, len_stride, len_stride, false, true);
  const Desc* kp;
  const Desc* vp;
  if (s.dense_kv) {
    // The chunks' own K/V rows, [tokens, hkv, dh] as the QKV projection wrote them (K viewed transposed).
    // A forward reads them in place from the fused QKV rows, so a token's row may be wider than hkv × dh.
    const int64_t row = s.kv_row_stride > 0 ? s.kv_row_stride : hkv * d;
    const Desc* kv_off = uniform ? nullptr : &g.tensor(kKvOffset, i32, {b + 1, 1, 1, 1}, len_stride, false);
    kp = &g.tensor(kKCache, bf16, {b, hkv, d, s_kv}, {s_kv * row, d, 1, row}, false, false, kv_off);
    vp = &g.tensor(kVCache, bf16, {b, hkv, s_kv, d}, {s_kv * row, d, row, 1}, false, false, kv_off);
  } else {
    // The cache: [num_blocks, block_tokens, hkv, dh] viewed as [num_blocks, hkv, block_tokens, dh].
    const int64_t bt = s.block_tokens;
    const Dims cache_dim{s.num_cache_blocks, hkv, bt, d}, cache_stride{bt * hkv * d, d, hkv * d, 1};
    const Desc& kc = g.tensor(kKCache, bf16, cache_dim, cache_stride, false);
    const Desc& vc = g.tensor(kVCache, bf16, cache_dim, cache_stride, false);
    const int64_t mb = s.max_blocks_per_seq;
    const Desc& table = g.tensor(kTable, i32, {b, 1, mb, 1}, {mb, mb, 1, 1}, false);
    // K is loaded transposed ([b, hkv, dh, s_kv]), V as is.
    kp = &g.tensor(900, bf16, {b, hkv, d, s_kv}, {hkv * d * s_kv, d * s_kv, 1, d}, true);
    vp = &g.tensor(901, bf16, {b, hkv, s_kv, d}, {hkv * s_kv * d, s_kv * d, d, 1}, true);
    g.paged_load(kc, table, *seq_kv, *kp);
    g.paged_load(vc, table, *seq_kv, *vp);
  }
  const Desc& k = *kp;
  const Desc& v = *vp;

  const Dims sdim{b, hq, s_q, s_kv}, rdim{b, hq, s_q, 1};
  const Desc& s0 = g.virt(f32, sdim);
  g.matmul(q, k, s0, seq_q, seq_kv, nullptr, !uniform);
  const Desc& s1 = g.virt(f32, sdim);
  g.pointwise(CUDNN_POINTWISE_MUL, f32, s0, &scale, nullptr, s1);

  const Desc* masked = &s1;
  if (!uniform) {
    // Padding: rows past seq_len_q and columns past seq_len_kv get the lowest float.
    const Desc& row = g.virt(i32, sdim);
    g.pointwise(CUDNN_POINTWISE_GEN_INDEX, i32, s1, nullptr, nullptr, row, 2);
    const Desc& col = g.virt(i32, sdim);
    g.pointwise(CUDNN_POINTWISE_GEN_INDEX, i32, s1, nullptr, nullptr, col, 3);
    const Desc& row_ok = g.virt(boolean, sdim);
    g.pointwise(CUDNN_POINTWISE_CMP_LT, boolean, row, seq_q, nullptr, row_ok);
    const Desc& col_ok = g.virt(boolean, sdim);
    g.pointwise(CUDNN_POINTWISE_CMP_LT, boolean, col, seq_kv, nullptr, col_ok);
    const Desc& in_range = g.virt(boolean, sdim);
    g.pointwise(CUDNN_POINTWISE_LOGICAL_AND, boolean, row_ok, &col_ok, nullptr, in_range);
    const Desc& s2 = g.virt(f32, sdim);
    g.pointwise(CUDNN_POINTWISE_BINARY_SELECT, f32, s1, &lowest, &in_range, s2);
    masked = &s2;
  }
  if (s.prefill) {
    // Causal: query i of a chunk sits at position cached + i = seq_kv − seq_q + i and sees keys up to
    // there. How the offset enters decides whether cuDNN skips the masked tiles (see CudnnCausal).
    const Desc& r = g.virt(i32, sdim);
    g.pointwise(CUDNN_POINTWISE_GEN_INDEX, f32, *masked, nullptr, nullptr, r, 2);
    const Desc& c = g.virt(i32, sdim);
    g.pointwise(CUDNN_POINTWISE_GEN_INDEX, f32, *masked, nullptr, nullptr, c, 3);
    const Desc* r_pos = &r;
    if (s.causal == CudnnCausal::PerSequence) {
      const Desc& r_plus = g.virt(i32, sdim);
      g.pointwise(CUDNN_POINTWISE_ADD, i32, r, seq_kv, nullptr, r_plus);
      const Desc& r_abs = g.virt(i32, sdim);
      g.pointwise(CUDNN_POINTWISE_SUB, i32, r_plus, seq_q, nullptr, r_abs);
      r_pos = &r_abs;
    } else if (s.causal == CudnnCausal::OneOffset) {
      p->causal_offset = s.causal_offset;
      const Desc& off = g.tensor(kCausalOffset, i32, len_stride, len_stride, false, true);
      const Desc& r_abs = g.virt(i32, sdim);
      g.pointwise(CUDNN_POINTWISE_ADD, i32, r, &off, nullptr, r_abs);
      r_pos = &r_abs;
    }
    const Desc& causal = g.virt(boolean, sdim);
    g.pointwise(CUDNN_POINTWISE_CMP_GE, boolean, *r_pos, &c, nullptr, causal);
    const Desc& s3 = g.virt(f32, sdim);
    g.pointwise(CUDNN_POINTWISE_BINARY_SELECT, f32, *masked, &lowest, &causal, s3);
    masked = &s3;
  }

  // Softmax with its (virtual) log-sum-exp statistics, as the flash pattern expects.
  const Desc& mx = g.virt(f32, rdim);
  g.reduction(CUDNN_REDUCE_TENSOR_MAX, *masked, mx);
  const Desc& sub = g.virt(f32, sdim);
  g.pointwise(CUDNN_POINTWISE_SUB, f32, *masked, &mx, nullptr, sub);
  const Desc& ex = g.virt(f32, sdim);
  g.pointwise(CUDNN_POINTWISE_EXP, f32, sub, nullptr, nullptr, ex);
  const Desc& sum = g.virt(f32, rdim);
  g.reduction(CUDNN_REDUCE_TENSOR_ADD, ex, sum);
  const Desc& lg = g.virt(f32, rdim);
  g.pointwise(CUDNN_POINTWISE_LOG, f32, sum, nullptr, nullptr, lg);
  const Desc& stats = g.virt(f32, rdim);
  g.pointwise(CUDNN_POINTWISE_ADD, f32, mx, &lg, nullptr, stats);
  const Desc& prob = g.virt(bf16, sdim);  // P·V takes P in the I/O type
  g.pointwise(CUDNN_POINTWISE_DIV, f32, ex, &sum, nullptr, prob);
  g.matmul(prob, v, out, seq_q, nullptr, seq_kv, false);

  p->op_graph = g.operation_graph();

  // The heuristic's engine configurations, best first; the first that finalizes wins.
  Desc heur(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
  const cudnnBackendHeurMode_t mode = CUDNN_HEUR_MODE_A;
  // No CUDNN_ATTR_ENGINEHEUR_SM_COUNT_TARGET: with any target below the whole GPU cuDNN 9.14 returned no
  // engine for this graph (H200, 2026-12-04). The engine runs on the partition's SMs all the same: the
  // stream belongs to the partition's green context.
  heur.desc(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, *p->op_graph).set(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, &mode);
  heur.finalize("engine heuristics");
  int64_t count = 0;
  check_cudnn(cudnnBackendGetAttribute(heur.d, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &count,
                                       nullptr),
              "count engine configurations");
  if (count < 1) throw std::runtime_error("cuDNN: no engine supports this attention graph");
  std::vector<std::unique_ptr<Desc>> cfgs;
  std::vector<cudnnBackendDescriptor_t> raw;
  for (int64_t i = 0; i < count; ++i) {
    cfgs.push_back(std::make_unique<Desc>(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR));
    raw.push_back(cfgs.back()->d);
  }
  check_cudnn(cudnnBackendGetAttribute(heur.d, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, count,
                                       &count, raw.data()),
              "get engine configurations");
  std::string failures;
  for (int64_t i = 0; i < count && !p->plan; ++i) {
    auto plan = std::make_unique<Desc>(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
    plan->set(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, &p->handle).desc(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, *cfgs[i]);
    const cudnnStatus_t st = cudnnBackendFinalize(plan->d);
    if (st != CUDNN_STATUS_SUCCESS) {
      failures += std::string(failures.empty() ? "" : "; ") + "config " + std::to_string(i) + ": " + cudnnGetErrorString(st);
      continue;
    }
    p->plan = std::move(plan);
  }
  if (!p->plan) throw std::runtime_error("cuDNN: no engine configuration finalizes (" + failures + ")");
  check_cudnn(cudnnBackendGetAttribute(p->plan->d, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1,
                                       &count, &p->workspace_bytes),
              "workspace size");
  if (p->workspace_bytes > 0) check_cuda_rt(cudaMalloc(&p->workspace, p->workspace_bytes), "cudaMalloc cuDNN workspace");
  // The plan's JSON names its engine: recorded so a result says which kernel ran.
  int64_t json_len = 0;
  if (cudnnBackendGetAttribute(p->plan->d, CUDNN_ATTR_EXECUTION_PLAN_JSON_REPRESENTATION, CUDNN_TYPE_CHAR, 0,
                               &json_len, nullptr) == CUDNN_STATUS_SUCCESS &&
      json_len > 0) {
    std::string json((size_t)json_len, '\0');
    if (cudnnBackendGetAttribute(p->plan->d, CUDNN_ATTR_EXECUTION_PLAN_JSON_REPRESENTATION, CUDNN_TYPE_CHAR, json_len,
                                 &json_len, &json[0]) == CUDNN_STATUS_SUCCESS) {
      const size_t at = json.find("\"engineId\"");
      p->engine = at == std::string::npos ? json.substr(0, 120) : json.substr(at, json.find_first_of(",}", at) - at);
    }
  }
  if (s.prefill)
    p->engine += std::string(s.dense_kv ? ", dense K/V" : ", paged K/V") +
                 (s.causal == CudnnCausal::TopLeft     ? ", causal top-left"
                 : s.causal == CudnnCausal::OneOffset ? ", causal one offset"
                                                      : ", causal per-sequence offsets") +
                 (uniform ? ", uniform" : "");
  if (!s.prefill) {
    std::vector<int> ones((size_t)b, 1);
    check_cuda_rt(cudaMalloc(&p->ones, ones.size() * sizeof(int)), "cudaMalloc seq_len_q");
    check_cuda_rt(cudaMemcpy(p->ones, ones.data(), ones.size() * sizeof(int), cudaMemcpyHostToDevice), "upload seq_len_q");
  }
  if (std::getenv("DUET_ATTN_CUDNN_DEBUG"))
    std::fprintf(stderr, "attn_cudnn: %s b=%lld hq=%lld hkv=%lld s_q=%lld s_kv=%lld sms=%d: %lld configs, engine %s, workspace %lld B\n",
                 s.prefill ? "prefill" : "decode", (long long)b, (long long)hq, (long long)hkv, (long long)s_q,
                 (long long)s_kv, s.sm_count_target, (long long)count, p->engine.c_str(), (long long)p->workspace_bytes);
  return p;
}
}  // namespace

void cudnn_attn_plan_destroy(CudnnAttnPlan* p) { delete p; }

const char* cudnn_attn_plan_engine(const CudnnAttnPlan* p) { return p->engine.c_str(); }
bool cudnn_attn_plan_dense_kv(const CudnnAttnPlan* p) { return p->shape.dense_kv; }

void launch_attn_cudnn(CudnnAttnPlan* p, const CudnnAttnArgs& a, cudaStream_t stream) {
  require(p != nullptr, "plan", "must not be null");
  require(a.q && a.k_cache && a.v_cache && a.seq_len_kv && a.out, "q/k_cache/v_cache/seq_len_kv/out",
          "must not be null");
  require(!p->shape.prefill || (a.seq_len_q && a.q_offset), "seq_len_q/q_offset", "must be set for a prefill plan");
  require(a.scale > 0.f, "scale", "must be > 0");
  p->scale = a.scale;
  const int* seq_q = p->shape.prefill ? a.seq_len_q : p->ones;
  require(p->shape.dense_kv ? a.kv_offset != nullptr : a.block_table != nullptr, "kv_offset/block_table",
          "must be set (dense K/V need kv_offset, the paged cache a block table)");
  // The plan built may be the padded one even when the uniform graph was asked for (cudnn_attn_plan_create).
  const bool uniform = p->uniform_built;
  std::vector<int64_t> uids{kQ, kKCache, kVCache, kOut, kScale, kLowest};
  std::vector<void*> ptrs{const_cast<__nv_bfloat16*>(a.q),       const_cast<__nv_bfloat16*>(a.k_cache),
                          const_cast<__nv_bfloat16*>(a.v_cache), a.out,
                          &p->scale,                             &p->lowest};
  if (!uniform) {
    uids.insert(uids.end(), {kSeqQ, kSeqKv});
    ptrs.insert(ptrs.end(), {const_cast<int*>(seq_q), const_cast<int*>(a.seq_len_kv)});
  }
  if (p->shape.dense_kv) {
    if (!uniform) {
      uids.push_back(kKvOffset);
      ptrs.push_back(const_cast<int*>(a.kv_offset));
    }
  } else {
    uids.push_back(kTable);
    ptrs.push_back(const_cast<int*>(a.block_table));
  }
  if (p->shape.prefill) {
    if (!uniform) {
      uids.push_back(kQOffset);
      ptrs.push_back(const_cast<int*>(a.q_offset));
    }
    if (p->shape.causal == CudnnCausal::OneOffset) {
      uids.push_back(kCausalOffset);
      ptrs.push_back(&p->causal_offset);
    }
  }
  Desc pack(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
  pack.set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, uids.data(), (int64_t)uids.size())
      .set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, ptrs.data(), (int64_t)ptrs.size())
      .set(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, &p->workspace)
      .finalize("variant pack");
  check_cudnn(cudnnSetStream(p->handle, stream), "cudnnSetStream");
  check_cudnn(cudnnBackendExecute(p->handle, p->plan->d, pack.d), "execute attention");
}
