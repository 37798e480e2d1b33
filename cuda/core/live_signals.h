// SIGINT/SIGTERM for synchronous loops (the live session, live_exec.h): while
// a SignalWatch exists, the two signals only set a flag that the loop polls,
// and are passed on to the handler installed before, if any (Node installs
// one only when JS listens). Where there was none, a second signal acts as it
// would without the watch (terminates). The old actions come back when the
// last watch goes. Host only, no CUDA.
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
