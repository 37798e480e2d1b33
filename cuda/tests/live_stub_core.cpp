// A host-only stand-in for the GPU side of duet_core, linked into the Node
// addon by tests/live_addon_check.sh so the addon's live-session binding
// (argument checks, error codes, close, the signal flag) runs on a machine
// without a GPU. The live header and step readers, the KV check and the pool
// are the real ones; the result lines carry made-up times. Not part of any
// real build (CMake does not list it).
#include "../core/duet_core.h"
#include "../core/exec_plan.h"
#include "../core/json.h"
#include "../core/kv_pool.h"
#include "../core/live_exec.h"
#include "../core/live_signals.h"
#include <memory>
#include <stdexcept>
namespace duet {
int run_plan(const std::string&, const RunOptions&, const ProgressFn&) { return 0; }
int execute_schedule(const std::string&, const ExecuteOptions&, const ProgressFn&) { return 0; }
std::string device_info_json(const std::string& b) { return "{\"kind\":\"meta\",\"backend\":\"" + b + "\"}"; }
std::vector<std::string> run_checks(bool& ok, unsigned long long, const ProgressFn&) { ok = true; return {}; }
std::string live_error_line(const std::string& m) { return JsonObjectWriter().str("kind", "error").str("message", m).done(); }
struct LiveExecutor::Impl {
  LiveHeader h; std::unique_ptr<KvPool> pool; int next = 0; bool closed = false; ProgressFn progress;
  std::unique_ptr<SignalWatch> sig; bool int_at_close = false;
};
LiveExecutor::LiveExecutor(const std::string& header, const ProgressFn& progress, const std::string&) : impl_(std::make_unique<Impl>()) {
  impl_->h = parse_live_header(header, 16);
  impl_->progress = progress;
  progress("stub: opened");
  impl_->pool = std::make_unique<KvPool>(impl_->h.kv_blocks, 16);
  impl_->sig = std::make_unique<SignalWatch>();
}
LiveExecutor::~LiveExecutor() { close(); }
std::string LiveExecutor::step(const std::string& json) {
  Impl& m = *impl_;
  if (m.closed) throw std::runtime_error("closed");
  ExecStep s = parse_live_step(json, m.next, m.h);
  auto p = check_step_kv(*m.pool, s, live_step_name(m.next));
  if (!p.empty()) throw PlanError(p);
  if (s.prefills.size() && s.prefills[0].id == 999) throw std::runtime_error("stub: a CUDA failure");
  if (s.split) m.progress("stub: a split step");
  take_step_blocks(*m.pool, s);
  const long long used = m.pool->used();
  release_step_blocks(*m.pool, s);
  JsonObjectWriter w;
  w.str("kind", "step").integer("step", m.next).str("mode", s.split ? "split" : "aggregated").num("gpu_us", 100)
      .num("prepare_us", 1).raw("idle_before_us", m.next == 0 ? "null" : "2").integer("kv_used_blocks", used).boolean("arena_grew", false);
  ++m.next;
  return w.done();
}
bool LiveExecutor::interrupted() const { return impl_->closed ? impl_->int_at_close : impl_->sig->fired(); }
std::string LiveExecutor::meta() const { if (impl_->closed) throw std::runtime_error("closed"); return device_info_json("addon"); }
void LiveExecutor::close() { if (impl_->closed) return; impl_->closed = true; impl_->int_at_close = impl_->sig && impl_->sig->fired(); impl_->sig.reset(); }
bool LiveExecutor::closed() const { return impl_->closed; }
}  // namespace duet
