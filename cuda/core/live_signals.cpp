#include "live_signals.h"

#include <atomic>
#include <mutex>
#include <signal.h>

namespace duet {

namespace {

// Signals: one set of handlers for however many sessions are open.
std::atomic<unsigned> g_signals{0};  // SIGINT/SIGTERM seen since the handlers went in
struct sigaction g_old_int, g_old_term;
bool g_took_int = false, g_took_term = false;  // false: the signal was ignored before, and stays so
int g_sessions = 0;
std::mutex g_signal_mu;
static_assert(std::atomic<unsigned>::is_always_lock_free, "the signal counter must be lock-free (async-signal-safe)");

// Whether the action before ours ends the process: the default, or a
// one-shot handler (SA_RESETHAND) such as Node's own, which resets the
// terminal and re-raises. Such an action is deferred to a second signal; a
// lasting handler (libuv's, when JS listens) is called for every signal.
bool ends_process(const struct sigaction& old) {
  const bool handler = (old.sa_flags & SA_SIGINFO) ? old.sa_sigaction != nullptr : old.sa_handler != SIG_DFL;
  return !handler || (old.sa_flags & SA_RESETHAND);
}

void on_signal(int sig, siginfo_t* info, void* context) {
  const unsigned seen = g_signals.fetch_add(1) + 1;
  const struct sigaction& old = sig == SIGINT ? g_old_int : g_old_term;
  if (!ends_process(old)) {
    if (old.sa_flags & SA_SIGINFO) old.sa_sigaction(sig, info, context);
    else old.sa_handler(sig);
  } else if (seen >= 2) {
    // A second signal: act as without the watch (the old action runs once
    // this handler returns, the signal being blocked until then).
    sigaction(sig, &old, nullptr);
    raise(sig);
  }
}

}  // namespace

SignalWatch::SignalWatch() {
  std::lock_guard<std::mutex> lock(g_signal_mu);
  if (g_sessions++ > 0) {
    at_start_ = g_signals.load();
    return;
  }
  g_signals.store(0);
  at_start_ = 0;
  struct sigaction sa {};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  const auto take = [&](int sig, struct sigaction& old) {
    sigaction(sig, nullptr, &old);
    if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN) return false;  // ignored: leave it so
    sigaction(sig, &sa, &old);
    return true;
  };
  g_took_int = take(SIGINT, g_old_int);
  g_took_term = take(SIGTERM, g_old_term);
}

SignalWatch::~SignalWatch() {
  std::lock_guard<std::mutex> lock(g_signal_mu);
  if (--g_sessions > 0) return;
  // Only where ours is still installed: a handler put in while the watch
  // was open (libuv's, when JS starts listening mid-session) stays, or JS
  // would lose its listener and the next signal would end the process.
  const auto restore = [](int sig, const struct sigaction& old) {
    struct sigaction cur {};
    sigaction(sig, nullptr, &cur);
    if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_signal) sigaction(sig, &old, nullptr);
  };
  if (g_took_int) restore(SIGINT, g_old_int);
  if (g_took_term) restore(SIGTERM, g_old_term);
}

bool SignalWatch::fired() const { return g_signals.load() != at_start_; }

}  // namespace duet
