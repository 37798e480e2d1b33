// Node binding over cuda/core: the only file that includes napi.h. It checks
// and converts JS arguments, then calls the same core functions as
// cuda/runner. Long runs go through an AsyncProgressQueueWorker so Node's
// event loop stays free; progress lines reach the JS callback as they happen.
//
//   runPlan(planJson: string, outPath: string, onProgress?: (line) => void,
//           options?: { resume?: boolean, planName?: string }): Promise<number>
//   runChecks(seed?: number, onProgress?): Promise<{ passed: boolean, lines: string[] }>
//   deviceInfo(): string   (the meta line's JSON)
#include <napi.h>

#include "../core/duet_core.h"

#include <string>
#include <vector>

namespace {

// Reports the argument by position and name, as JS users write the call.
void require(Napi::Env env, bool ok, const std::string& message) {
  if (!ok) throw Napi::TypeError::New(env, message);
}

class RunPlanWorker : public Napi::AsyncProgressQueueWorker<char> {
 public:
  RunPlanWorker(Napi::Env env, std::string plan, duet::RunOptions options, Napi::Function on_progress)
      : Napi::AsyncProgressQueueWorker<char>(env, "duet.runPlan"),
        plan_(std::move(plan)),
        options_(std::move(options)),
        deferred_(Napi::Promise::Deferred::New(env)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }
  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      ran_ = duet::run_plan(plan_, options_, [&](const std::string& line) { progress.Send(line.data(), line.size()); });
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnProgress(const char* data, size_t count) override {
    if (!on_progress_.IsEmpty()) on_progress_.Call({Napi::String::New(Env(), std::string(data, count))});
  }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), ran_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string plan_;
  duet::RunOptions options_;
  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference on_progress_;
  int ran_ = 0;
};

class RunChecksWorker : public Napi::AsyncProgressQueueWorker<char> {
 public:
  RunChecksWorker(Napi::Env env, unsigned long long seed, Napi::Function on_progress)
      : Napi::AsyncProgressQueueWorker<char>(env, "duet.runChecks"),
        seed_(seed),
        deferred_(Napi::Promise::Deferred::New(env)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }
  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      lines_ = duet::run_checks(passed_, seed_, [&](const std::string& l) { progress.Send(l.data(), l.size()); });
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnProgress(const char* data, size_t count) override {
    if (!on_progress_.IsEmpty()) on_progress_.Call({Napi::String::New(Env(), std::string(data, count))});
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    Napi::Array lines = Napi::Array::New(env, lines_.size());
    for (size_t i = 0; i < lines_.size(); ++i) lines.Set((uint32_t)i, Napi::String::New(env, lines_[i]));
    result.Set("passed", Napi::Boolean::New(env, passed_));
    result.Set("lines", lines);
    deferred_.Resolve(result);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  unsigned long long seed_;
  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference on_progress_;
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
  auto* worker = new RunPlanWorker(env, plan, options, on_progress);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
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
  auto* worker = new RunChecksWorker(env, seed, on_progress);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

Napi::Value DeviceInfo(const Napi::CallbackInfo& info) {
  try {
    return Napi::String::New(info.Env(), duet::device_info_json("addon"));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("runPlan", Napi::Function::New(env, RunPlan, "runPlan"));
  exports.Set("runChecks", Napi::Function::New(env, RunChecks, "runChecks"));
  exports.Set("deviceInfo", Napi::Function::New(env, DeviceInfo, "deviceInfo"));
  return exports;
}

}  // namespace

NODE_API_MODULE(duet_addon, Init)
