#include "timing.h"

#include "cuda_check.h"

#include <algorithm>
#include <cmath>

namespace duet {

TimingStats summarize(std::vector<double> s) {
  TimingStats t;
  t.reps = (int)s.size();
  if (s.empty()) return t;
  std::sort(s.begin(), s.end());
  // Linear interpolation between closest ranks.
  auto pct = [&](double q) {
    const double pos = q * (s.size() - 1);
    const size_t lo = (size_t)std::floor(pos), hi = std::min(lo + 1, s.size() - 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  };
  t.median_us = pct(0.5);
  t.p10_us = pct(0.1);
  t.p90_us = pct(0.9);
  return t;
}

EventTimer::EventTimer() {
  DUET_CUDA(cudaEventCreate(&start_));
  DUET_CUDA(cudaEventCreate(&stop_));
}

EventTimer::~EventTimer() {
  if (start_) cudaEventDestroy(start_);
  if (stop_) cudaEventDestroy(stop_);
}

void EventTimer::start(cudaStream_t s) { DUET_CUDA(cudaEventRecord(start_, s)); }
void EventTimer::stop(cudaStream_t s) { DUET_CUDA(cudaEventRecord(stop_, s)); }

double EventTimer::elapsed_us() {
  DUET_CUDA(cudaEventSynchronize(stop_));
  float ms = 0;
  DUET_CUDA(cudaEventElapsedTime(&ms, start_, stop_));
  return ms * 1000.0;
}

Graph::Graph(cudaStream_t stream, const std::function<void()>& enqueue) {
  // Thread-local capture: another thread's CUDA calls (the addon's event loop)
  // cannot invalidate it.
  DUET_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  try {
    enqueue();
  } catch (...) {
    cudaGraph_t broken = nullptr;
    cudaStreamEndCapture(stream, &broken);
    if (broken) cudaGraphDestroy(broken);
    throw;
  }
  DUET_CUDA(cudaStreamEndCapture(stream, &graph_));
  DUET_CUDA(cudaGraphInstantiate(&exec_, graph_, 0));
}

Graph::~Graph() {
  if (exec_) cudaGraphExecDestroy(exec_);
  if (graph_) cudaGraphDestroy(graph_);
}

void Graph::launch(cudaStream_t stream) const { DUET_CUDA(cudaGraphLaunch(exec_, stream)); }

TimingStats time_graph(const Graph& graph, cudaStream_t stream, int warmup, int repeats, int per_replay) {
  for (int i = 0; i < warmup; ++i) graph.launch(stream);
  DUET_CUDA(cudaStreamSynchronize(stream));
  EventTimer t;
  std::vector<double> samples;
  for (int i = 0; i < repeats; ++i) {
    t.start(stream);
    graph.launch(stream);
    t.stop(stream);
    samples.push_back(t.elapsed_us() / per_replay);
  }
  return summarize(samples);
}

}  // namespace duet
