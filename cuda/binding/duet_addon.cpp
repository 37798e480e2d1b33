// Node binding over cuda/core: the only file that includes napi.h. It checks
// and converts JS arguments, then calls the same core functions as
// cuda/runner. Long runs go through an AsyncProgressQueueWorker so Node's
// event loop stays free; progress lines reach the JS callback as they happen.
//
//   runPlan(planJson: string, outPath: string, onProgress?: (line) => void,
//           options?: { resume?: boolean, planName?: string }): Promise<number>
//   executeSchedule(planJsonl: string, outPath: string, onProgress?: (line) => void,
//           options?: { resume?: boolean, planName?: string, maxSeconds?: number }): Promise<number>
//   runChecks(seed?: number, onProgress?): Promise<{ passed: boolean, lines: string[] }>
//   deviceInfo(): string   (the meta line's JSON)
//   openLive(headerJson: string, onProgress?: (line) => void): LiveHandle
//     LiveHandle: step(stepJson): string, interrupted(): boolean, meta(): string, close(): void
//     A live session (issue 15) is synchronous: it runs on the JS thread, and
//     onProgress is called during openLive (and when a step opens a new split).
#include <napi.h>

#include "../core/duet_core.h"
#include "../core/live_exec.h"
#include "../core/plan.h"

#include <memory>
#include <string>
#include <vector>

namespace {

// Reports the argument by position and name, as JS users write the call.
void require(Napi::Env env, bool ok, const std::string& message) {
  if (!ok) throw Napi::TypeError::New(env, message);
}

// An AsyncProgressQueueWorker that settles a Promise: Compute() runs on a
// worker thread and reports progress lines, which reach the JS callback on
// the main thread as they happen; Result() builds the resolved value there.
class PromiseWorker : public Napi::AsyncProgressQueueWorker<char> {
 public:
  PromiseWorker(Napi::Env env, const char* name, Napi::Function on_progress)
      : Napi::AsyncProgressQueueWorker<char>(env, name), deferred_(Napi::Promise::Deferred::New(env)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }
  // Queues the worker (which deletes itself when done) and returns its Promise.
  Napi::Promise start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  virtual void Compute(const duet::ProgressFn& progress) = 0;
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  void Execute(const ExecutionProgress& progress) override {
    try {
      Compute([&](const std::string& line) { progress.Send(line.data(), line.size()); });
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnProgress(const char* data, size_t count) override {
    if (!on_progress_.IsEmpty()) on_progress_.Call({Napi::String::New(Env(), std::string(data, count))});
  }
  void OnOK() override { deferred_.Resolve(Result(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference on_progress_;
};

class RunPlanWorker : public PromiseWorker {
 public:
  RunPlanWorker(Napi::Env env, std::string plan, duet::RunOptions options, Napi::Function on_progress)
      : PromiseWorker(env, "duet.runPlan", on_progress), plan_(std::move(plan)), options_(std::move(options)) {}

 private:
  void Compute(const duet::ProgressFn& progress) override { ran_ = duet::run_plan(plan_, options_, progress); }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, ran_); }

  std::string plan_;
  duet::RunOptions options_;
  int ran_ = 0;
};

class ExecuteWorker : public PromiseWorker {
 public:
  ExecuteWorker(Napi::Env env, std::string plan, duet::ExecuteOptions options, Napi::Function on_progress)
      : PromiseWorker(env, "duet.executeSchedule", on_progress), plan_(std::move(plan)), options_(std::move(options)) {}

 private:
  void Compute(const duet::ProgressFn& progress) override { ran_ = duet::execute_schedule(plan_, options_, progress); }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, ran_); }

  std::string plan_;
  duet::ExecuteOptions options_;
  int ran_ = 0;
};

class RunChecksWorker : public PromiseWorker {
 public:
  RunChecksWorker(Napi::Env env, unsigned long long seed, Napi::Function on_progress)
      : PromiseWorker(env, "duet.runChecks", on_progress), seed_(seed) {}

 private:
  void Compute(const duet::ProgressFn& progress) override { lines_ = duet::run_checks(passed_, seed_, progress); }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object result = Napi::Object::New(env);
    Napi::Array lines = Napi::Array::New(env, lines_.size());
    for (size_t i = 0; i < lines_.size(); ++i) lines.Set((uint32_t)i, Napi::String::New(env, lines_[i]));
    result.Set("passed", Napi::Boolean::New(env, passed_));
    result.Set("lines", lines);
    return result;
  }

  unsigned long long seed_;
  bool passed_ = false;
  std::vector<std::string> lines_;
};

Napi::Function optional_function(Napi::Env env, const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || info[i].IsUndefined() || info[i].IsNull()) return Napi::Function();
  require(env, info[i].IsFunction(), std::string(name) + " must be a function");
  return info[i].As<Napi::Function>();
}

Napi::Value RunPlan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require(env, info.Length() >= 2, "runPlan(planJson, outPath, onProgress?, options?): two arguments required");
  require(env, info[0].IsString(), "runPlan: planJson (argument 1) must be a string");
  require(env, info[1].IsString(), "runPlan: outPath (argument 2) must be a string");
  const std::string plan = info[0].As<Napi::String>();
  duet::RunOptions options;
  options.out_path = info[1].As<Napi::String>();
  options.backend = "addon";
  require(env, !plan.empty(), "runPlan: planJson (argument 1) is empty");
  require(env, !options.out_path.empty(), "runPlan: outPath (argument 2) is empty");
  Napi::Function on_progress = optional_function(env, info, 2, "runPlan: onProgress (argument 3)");
  if (info.Length() > 3 && !info[3].IsUndefined()) {
    require(env, info[3].IsObject(), "runPlan: options (argument 4) must be an object");
    Napi::Object o = info[3].As<Napi::Object>();
    if (o.Has("resume")) {
      require(env, o.Get("resume").IsBoolean(), "runPlan: options.resume must be a boolean");
      options.resume = o.Get("resume").As<Napi::Boolean>();
    }
    if (o.Has("planName")) {
      require(env, o.Get("planName").IsString(), "runPlan: options.planName must be a string");
      options.plan_name = o.Get("planName").As<Napi::String>();
    }
  }
  return (new RunPlanWorker(env, plan, options, on_progress))->start();
}

Napi::Value ExecuteSchedule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* sig = "executeSchedule(planJsonl, outPath, onProgress?, options?)";
  require(env, info.Length() >= 2, std::string(sig) + ": two arguments required");
  require(env, info[0].IsString(), "executeSchedule: planJsonl (argument 1) must be a string");
  require(env, info[1].IsString(), "executeSchedule: outPath (argument 2) must be a string");
  const std::string plan = info[0].As<Napi::String>();
  duet::ExecuteOptions options;
  options.out_path = info[1].As<Napi::String>();
  options.backend = "addon";
  require(env, !plan.empty(), "executeSchedule: planJsonl (argument 1) is empty");
  require(env, !options.out_path.empty(), "executeSchedule: outPath (argument 2) is empty");
  Napi::Function on_progress = optional_function(env, info, 2, "executeSchedule: onProgress (argument 3)");
  if (info.Length() > 3 && !info[3].IsUndefined()) {
    require(env, info[3].IsObject(), "executeSchedule: options (argument 4) must be an object");
    Napi::Object o = info[3].As<Napi::Object>();
    if (o.Has("resume")) {
      require(env, o.Get("resume").IsBoolean(), "executeSchedule: options.resume must be a boolean");
      options.resume = o.Get("resume").As<Napi::Boolean>();
    }
    if (o.Has("planName")) {
      require(env, o.Get("planName").IsString(), "executeSchedule: options.planName must be a string");
      options.plan_name = o.Get("planName").As<Napi::String>();
    }
    if (o.Has("maxSeconds")) {
      require(env, o.Get("maxSeconds").IsNumber(), "executeSchedule: options.maxSeconds must be a number");
      const double s = o.Get("maxSeconds").As<Napi::Number>().DoubleValue();
      require(env, s >= 0 && s < 1e7, "executeSchedule: options.maxSeconds must be in [0, 1e7) (0: no limit)");
      options.max_seconds = s;
    }
  }
  return (new ExecuteWorker(env, plan, options, on_progress))->start();
}

Napi::Value RunChecks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  unsigned long long seed = 1;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    require(env, info[0].IsNumber(), "runChecks: seed (argument 1) must be a number");
    const double s = info[0].As<Napi::Number>().DoubleValue();
    require(env, s >= 0 && s == (double)(unsigned long long)s, "runChecks: seed must be a non-negative integer");
    seed = (unsigned long long)s;
  }
  Napi::Function on_progress = optional_function(env, info, 1, "runChecks: onProgress (argument 2)");
  return (new RunChecksWorker(env, seed, on_progress))->start();
}

Napi::Value DeviceInfo(const Napi::CallbackInfo& info) {
  try {
    return Napi::String::New(info.Env(), duet::device_info_json("addon"));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

// Bounds on what a live session takes from JS: a header is a few hundred
// bytes, a step line of a thousand sequences some tens of KiB.
constexpr size_t kMaxLiveHeaderBytes = 1u << 20;
constexpr size_t kMaxLiveStepBytes = 16u << 20;

// A live session's handle (openLive). Synchronous: every method runs on the
// JS thread and returns when the GPU work is done. Errors carry a code:
// ERR_DUET_LIVE_INVALID (the header or a step was refused; for a step the
// session is unchanged and usable), ERR_DUET_LIVE_CLOSED (used after close()),
// ERR_DUET_LIVE_FAILED (a CUDA failure; close the session).
class LiveHandle : public Napi::ObjectWrap<LiveHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "LiveHandle",
                       {InstanceMethod("step", &LiveHandle::Step), InstanceMethod("interrupted", &LiveHandle::Interrupted),
                        InstanceMethod("meta", &LiveHandle::Meta), InstanceMethod("close", &LiveHandle::Close)});
  }

  // Reached through openLive (or the handle's constructor, which checks alike).
  explicit LiveHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<LiveHandle>(info) {
    Napi::Env env = info.Env();
    require(env, info.Length() >= 1, "openLive(headerJson, onProgress?): headerJson (argument 1) is required");
    require(env, info.Length() <= 2, "openLive(headerJson, onProgress?): at most two arguments");
    require(env, info[0].IsString(), "openLive: headerJson (argument 1) must be a string");
    const std::string header = info[0].As<Napi::String>();
    require(env, !header.empty(), "openLive: headerJson (argument 1) is empty");
    require(env, header.size() <= kMaxLiveHeaderBytes, "openLive: headerJson (argument 1) is longer than 1 MiB");
    Napi::Function on_progress = optional_function(env, info, 1, "openLive: onProgress (argument 2)");
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
    try {
      live_ = std::make_unique<duet::LiveExecutor>(header, [this](const std::string& line) { progress(line); }, "addon");
    } catch (const Napi::Error&) {
      throw;  // onProgress threw: its exception, as it was
    } catch (const std::exception& e) {
      throw error(env, e);
    }
    opening_ = false;
  }

 private:
  // During openLive a throwing onProgress aborts the open (its error reaches
  // the caller); during a step it is ignored, so a listener cannot leave the
  // GPU step half done.
  void progress(const std::string& line) {
    if (on_progress_.IsEmpty()) return;
    if (opening_) {
      on_progress_.Call({Napi::String::New(Env(), line)});
      return;
    }
    try {
      on_progress_.Call({Napi::String::New(Env(), line)});
    } catch (const Napi::Error&) {
    }
  }

  static Napi::Error error(Napi::Env env, const std::exception& e) {
    Napi::Error err = Napi::Error::New(env, e.what());
    err.Set("code", Napi::String::New(env, dynamic_cast<const duet::PlanError*>(&e) ? "ERR_DUET_LIVE_INVALID"
                                                                                     : "ERR_DUET_LIVE_FAILED"));
    return err;
  }

  // Also refuses a call made from onProgress while a step runs (the session
  // is in the middle of that step).
  void require_open(Napi::Env env, const char* method) {
    if (busy_) throw Napi::Error::New(env, std::string("LiveHandle.") + method + ": called from onProgress during a step");
    if (live_ && !live_->closed()) return;
    Napi::Error err = Napi::Error::New(env, std::string("LiveHandle.") + method + ": the live session is closed");
    err.Set("code", Napi::String::New(env, "ERR_DUET_LIVE_CLOSED"));
    throw err;
  }

  Napi::Value Step(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_open(env, "step");
    require(env, info.Length() == 1, "LiveHandle.step(stepJson): exactly one argument");
    require(env, info[0].IsString(), "LiveHandle.step: stepJson (argument 1) must be a string");
    const std::string line = info[0].As<Napi::String>();
    require(env, !line.empty(), "LiveHandle.step: stepJson (argument 1) is empty");
    require(env, line.size() <= kMaxLiveStepBytes, "LiveHandle.step: stepJson (argument 1) is longer than 16 MiB");
    busy_ = true;
    std::string result;
    try {
      result = live_->step(line);
    } catch (const std::exception& e) {
      busy_ = false;
      throw error(env, e);
    }
    busy_ = false;
    return Napi::String::New(env, result);
  }

  Napi::Value Interrupted(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), live_ && live_->interrupted());
  }

  Napi::Value Meta(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_open(env, "meta");
    try {
      return Napi::String::New(env, live_->meta());
    } catch (const std::exception& e) {
      throw error(env, e);
    }
  }

  // Idempotent: a second close() does nothing.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (busy_) throw Napi::Error::New(info.Env(), "LiveHandle.close: called from onProgress during a step");
    if (live_) {
      try {
        live_->close();
      } catch (const std::exception& e) {
        throw error(info.Env(), e);
      }
    }
    return info.Env().Undefined();
  }

  std::unique_ptr<duet::LiveExecutor> live_;
  Napi::FunctionReference on_progress_;
  bool opening_ = true;
  bool busy_ = false;
};

Napi::Value OpenLive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<napi_value> args;
  for (size_t i = 0; i < info.Length(); ++i) args.push_back(info[i]);
  return env.GetInstanceData<Napi::FunctionReference>()->New(args);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("runPlan", Napi::Function::New(env, RunPlan, "runPlan"));
  exports.Set("executeSchedule", Napi::Function::New(env, ExecuteSchedule, "executeSchedule"));
  exports.Set("runChecks", Napi::Function::New(env, RunChecks, "runChecks"));
  exports.Set("deviceInfo", Napi::Function::New(env, DeviceInfo, "deviceInfo"));
  env.SetInstanceData(new Napi::FunctionReference(Napi::Persistent(LiveHandle::Define(env))));
  exports.Set("openLive", Napi::Function::New(env, OpenLive, "openLive"));
  return exports;
}

}  // namespace

NODE_API_MODULE(duet_addon, Init)
