// Timing with CUDA events on a partition's stream: warm-up, then `repeats`
// timed runs, summarised by median and 10th/90th percentiles (METHOD.md: time
// with device events, warm up, take the median).
#ifndef DUET_CORE_TIMING_H
#define DUET_CORE_TIMING_H

#include <cuda_runtime.h>

#include <functional>
#include <vector>

namespace duet {

struct TimingStats {
  double median_us = 0, p10_us = 0, p90_us = 0;
  int reps = 0;
};

TimingStats summarize(std::vector<double> samples_us);

// A pair of events recorded around work on one stream. Create it with the
// stream's context current.
class EventTimer {
 public:
  EventTimer();
  ~EventTimer();
  EventTimer(const EventTimer&) = delete;
  EventTimer& operator=(const EventTimer&) = delete;
  void start(cudaStream_t s);
  void stop(cudaStream_t s);
  double elapsed_us();  // waits for the stop event

 private:
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

// A captured CUDA graph; enqueue() captures it on `stream` (with the stream's
// context current), launch() replays it.
class Graph {
 public:
  Graph(cudaStream_t stream, const std::function<void()>& enqueue);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  void launch(cudaStream_t stream) const;

 private:
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

// Times `warmup` + `repeats` replays of `graph`, each between its own pair of
// events, and returns per-replay microseconds divided by `per_replay` (the
// number of identical operations the graph holds).
TimingStats time_graph(const Graph& graph, cudaStream_t stream, int warmup, int repeats, int per_replay = 1);

}  // namespace duet

#endif  // DUET_CORE_TIMING_H
