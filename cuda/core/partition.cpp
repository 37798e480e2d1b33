#include "partition.h"

#include "../kernels/kernels.h"
#include "cuda_check.h"

namespace duet {

namespace {

CUdevice device0() {
  CUdevice d;
  DUET_CU(cuDeviceGet(&d, 0));
  return d;
}

}  // namespace

void read_split_layout(DeviceInfo& info, std::vector<CUdevResource>* groups, CUdevResource* remainder) {
  CUdevResource full{};
  DUET_CU(cuDeviceGetDevResource(device0(), &full, CU_DEV_RESOURCE_TYPE_SM));
  info.min_sms = (int)full.sm.minSmPartitionSize;
  info.alignment = (int)full.sm.smCoscheduledAlignment;
  if (info.min_sms <= 0) throw std::runtime_error("device reports a minimum SM partition size of 0");
  unsigned capacity = full.sm.smCount / full.sm.minSmPartitionSize;
  std::vector<CUdevResource> result(capacity);
  CUdevResource rest{};
  unsigned count = capacity;
  DUET_CU(cuDevSmResourceSplitByCount(result.data(), &count, &full, &rest, 0, full.sm.minSmPartitionSize));
  // Entries past the returned count are not valid (hardware-notes/README.md).
  result.resize(count);
  info.groups.clear();
  for (const auto& g : result) info.groups.push_back((int)g.sm.smCount);
  info.remainder_sms = (int)rest.sm.smCount;
  if (groups) *groups = result;
  if (remainder) *remainder = rest;
}

Partition::~Partition() {
  // No throwing here: a destructor runs during error unwinding too.
  CUcontext previous = nullptr;
  cuCtxGetCurrent(&previous);
  cuCtxSetCurrent(ctx_);
  if (gemm_) gemm_handle_destroy(gemm_);
  if (stream_) {
    if (green_) cuStreamDestroy(reinterpret_cast<CUstream>(stream_));
    else cudaStreamDestroy(stream_);
  }
  cuCtxSetCurrent(previous == ctx_ ? primary_ : previous);
  if (green_) cuGreenCtxDestroy(green_);
}

void Partition::make_current() const { DUET_CU(cuCtxSetCurrent(ctx_)); }

ScopedPartition::ScopedPartition(const Partition& p) {
  DUET_CU(cuCtxGetCurrent(&previous_));
  p.make_current();
}

ScopedPartition::~ScopedPartition() { cuCtxSetCurrent(previous_); }

Partitioner::Partitioner(const DeviceInfo& info) : info_(info) {
  device_ = device0();
  DUET_CU(cuCtxGetCurrent(&primary_));
  if (!primary_) throw std::runtime_error("Partitioner: no current context (call init_device first)");
  DeviceInfo layout;
  read_split_layout(layout, &groups_, &remainder_);
  if (layout.groups != info.groups || layout.remainder_sms != info.remainder_sms)
    throw std::runtime_error("Partitioner: the SM split changed between two identical calls");
}

Partitioner::~Partitioner() = default;

bool Partitioner::choose(int sms, Choice& c) const {
  int sum = 0;
  for (int j = 0; j <= (int)groups_.size(); ++j) {
    if (j > 0) sum += info_.groups[j - 1];
    if (j > 0 && sum == sms) {
      c = Choice{0, j, false};
      return true;
    }
    if (info_.remainder_sms > 0 && sum + info_.remainder_sms == sms) {
      c = Choice{0, j, true};
      return true;
    }
  }
  return false;
}

bool Partitioner::choose_pair(int prefill_sms, int decode_sms, Choice& p, Choice& d) const {
  const int n = (int)groups_.size();
  for (int rem_to = 0; rem_to < 3; ++rem_to) {  // 0: unused, 1: prefill, 2: decode
    if (rem_to && info_.remainder_sms == 0) continue;
    for (int a = 0; a <= n; ++a) {
      int front = 0;
      for (int i = 0; i < a; ++i) front += info_.groups[i];
      if (front + (rem_to == 1 ? info_.remainder_sms : 0) != prefill_sms) continue;
      for (int b = 0; a + b <= n; ++b) {
        int back = 0;
        for (int i = n - b; i < n; ++i) back += info_.groups[i];
        if (back + (rem_to == 2 ? info_.remainder_sms : 0) != decode_sms) continue;
        p = Choice{0, a, rem_to == 1};
        d = Choice{n - b, b, rem_to == 2};
        if ((p.count || p.remainder) && (d.count || d.remainder)) return true;
      }
    }
  }
  return false;
}

bool Partitioner::can_make(int sms) const {
  Choice c;
  return sms == info_.sm_count || choose(sms, c);
}

bool Partitioner::can_make_pair(int prefill_sms, int decode_sms) const {
  Choice p, d;
  return choose_pair(prefill_sms, decode_sms, p, d);
}

std::string Partitioner::achievable() const {
  std::vector<bool> ok(info_.sm_count + 1, false);
  for (int s = 1; s <= info_.sm_count; ++s) ok[s] = can_make(s);
  std::string out;
  for (int s = 1; s <= info_.sm_count; ++s)
    if (ok[s]) out += (out.empty() ? "" : ", ") + std::to_string(s);
  return out;
}

std::unique_ptr<Partition> Partitioner::build(int sms, const Choice* c) const {
  std::unique_ptr<Partition> p(new Partition());
  p->sms_ = sms;
  p->primary_ = primary_;
  if (!c) {
    // The whole device: primary context, ordinary stream.
    p->ctx_ = primary_;
    DUET_CU(cuCtxSetCurrent(primary_));
    DUET_CUDA(cudaStreamCreateWithFlags(&p->stream_, cudaStreamNonBlocking));
  } else {
    std::vector<CUdevResource> parts(groups_.begin() + c->first, groups_.begin() + c->first + c->count);
    if (c->remainder) parts.push_back(remainder_);
    CUdevResourceDesc desc = nullptr;
    DUET_CU(cuDevResourceGenerateDesc(&desc, parts.data(), (unsigned)parts.size()));
    DUET_CU(cuGreenCtxCreate(&p->green_, desc, device_, CU_GREEN_CTX_DEFAULT_STREAM));
    DUET_CU(cuCtxFromGreenCtx(&p->ctx_, p->green_));
    CUdevResource got{};
    DUET_CU(cuGreenCtxGetDevResource(p->green_, &got, CU_DEV_RESOURCE_TYPE_SM));
    if ((int)got.sm.smCount != sms)
      throw std::runtime_error("green context has " + std::to_string(got.sm.smCount) + " SMs, asked for " +
                               std::to_string(sms));
    CUstream s = nullptr;
    DUET_CU(cuGreenCtxStreamCreate(&s, p->green_, CU_STREAM_NON_BLOCKING, 0));
    p->stream_ = reinterpret_cast<cudaStream_t>(s);
  }
  {
    // cuBLASLt created with the partition current runs inside it
    // (hardware-notes/README.md); its heuristic is told the SM count.
    ScopedPartition scope(*p);
    p->gemm_ = gemm_handle_create(c ? sms : 0, kGemmWorkspaceBytes);
    // Some partitions (the GPC remainder alone) cannot place the larger
    // thread-block clusters; cuBLASLt must then pick kernels that fit.
    if (c) {
      p->max_cluster_ = max_cluster_blocks(p->stream_);
      if (p->max_cluster_ < 8) gemm_handle_limit_clusters(p->gemm_, p->max_cluster_);
    }
  }
  DUET_CU(cuCtxSetCurrent(primary_));
  return p;
}

std::unique_ptr<Partition> Partitioner::make(int sms) const {
  if (sms == info_.sm_count) return build(sms, nullptr);
  Choice c;
  if (!choose(sms, c))
    throw std::invalid_argument("sms = " + std::to_string(sms) + " is not a partition this device can make; possible: " +
                                achievable());
  return build(sms, &c);
}

std::pair<std::unique_ptr<Partition>, std::unique_ptr<Partition>> Partitioner::make_pair(int prefill_sms,
                                                                                           int decode_sms) const {
  Choice p, d;
  if (!choose_pair(prefill_sms, decode_sms, p, d))
    throw std::invalid_argument("prefill sms = " + std::to_string(prefill_sms) + " with decode sms = " +
                                std::to_string(decode_sms) + " cannot be made as two disjoint partitions");
  auto a = build(prefill_sms, &p);
  auto b = build(decode_sms, &d);
  return {std::move(a), std::move(b)};
}

}  // namespace duet
