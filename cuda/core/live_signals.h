// SIGINT/SIGTERM for synchronous loops (the live session, live_exec.h): while
// a SignalWatch exists, the two signals set a flag that the loop polls. A
// lasting handler installed before (libuv's, when JS listens) is still
// called for each. An action that would end the process (the default, or a
// one-shot handler: Node's own resets the terminal and re-raises) is put off
// to a second signal, which then ends the process as it would have without
// the watch. An ignored signal stays ignored. The old actions come back when
// the last watch goes, where the watch's own handler is still installed (one
// put in meanwhile, libuv's when JS starts listening, is kept). Host only,
// no CUDA.
#ifndef DUET_CORE_LIVE_SIGNALS_H
#define DUET_CORE_LIVE_SIGNALS_H

namespace duet {

class SignalWatch {
 public:
  SignalWatch();   // installs the handlers (the first watch) with sigaction
  ~SignalWatch();  // restores the old actions (the last watch)
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;
  // A signal arrived since this watch was made.
  bool fired() const;

 private:
  unsigned at_start_ = 0;
};

}  // namespace duet

#endif  // DUET_CORE_LIVE_SIGNALS_H
