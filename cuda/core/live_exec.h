// A live session (issue 15): the GPU executor kept open while the
// simulator's scheduler drives it one step at a time. The header (one JSON
// object, format "duetsim-live") fixes the model, the paged KV pool, the
// split pairs to open up front and the limits the activation arenas are
// sized for; each step() takes one duetsim-exec step line, checks it against
// the live state (without changing it on error), runs it on the GPU with
// the closed-loop executor's step machinery (step_exec.h) and returns one
// result line. Synchronous: step() returns once the step has finished on the
// GPU. Format and fields: cuda/README.md, "Live sessions".
//
// Plain C++ (no CUDA types), so the Node binding and the runner include it.
#ifndef DUET_CORE_LIVE_EXEC_H
#define DUET_CORE_LIVE_EXEC_H

#include "duet_core.h"

#include <memory>
#include <string>

namespace duet {

class LiveExecutor {
 public:
  // Checks the header and the device (split pairs, memory) before any GPU
  // allocation (PlanError, "<live header>: field: message"), then allocates
  // the weights, the KV store and the pool and makes and warms the whole-GPU
  // partition and every split pair listed. Installs SIGINT/SIGTERM handlers
  // (see interrupted()) once everything is ready.
  // `backend` goes into the meta line ("addon" or "runner").
  LiveExecutor(const std::string& header_json, const ProgressFn& progress, const std::string& backend = "addon");
  ~LiveExecutor();
  LiveExecutor(const LiveExecutor&) = delete;
  LiveExecutor& operator=(const LiveExecutor&) = delete;

  // One step line in, one result line out. A step that does not fit the
  // live state (numbering, the header's limits, an unmakeable split, the KV
  // pool, ids without blocks) throws PlanError ("<live step N>: field:
  // message") and changes nothing: the same step number may be sent again.
  // A failure on the GPU (a CUDA error) throws std::runtime_error and leaves
  // the session failed: later steps throw until it is closed.
  std::string step(const std::string& step_json);
  // SIGINT or SIGTERM arrived since the session opened (live_signals.h: a
  // lasting handler installed before still runs; an action that would end
  // the process waits for a second signal).
  bool interrupted() const;
  // The session's meta line: device_info_json(backend) and the session's
  // format, model and KV pool.
  std::string meta() const;
  // Synchronises, frees everything and restores the signal handlers; step()
  // and meta() throw afterwards. Called by the destructor if not before.
  void close();
  bool closed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A step that failed, as the runner's --live-stdio writes it:
// {"kind":"error","message":"..."}.
std::string live_error_line(const std::string& message);

}  // namespace duet

#endif  // DUET_CORE_LIVE_EXEC_H
