// Host-only check of SignalWatch (core/live_signals.h), the live session's
// SIGINT/SIGTERM flag: no GPU, no CUDA. Built by CMake (DUET_BUILD_TESTS) or
// by hand: g++ -std=c++17 -Icuda cuda/tests/live_signals_test.cpp cuda/core/live_signals.cpp
//   live_signals_test        prints "ok", exit 0
//   live_signals_test kill   a second SIGINT with nobody else listening ends
//                            the process by the signal (exit status 130 in a shell)
#include "../core/live_signals.h"
#include <csignal>
#include <cstdio>
#include <unistd.h>
#include <signal.h>
static int prev_called = 0;
static void prev(int) { prev_called++; }
int main(int argc, char**) {
  int fails = 0;
  auto check = [&](bool ok, const char* what) { if (!ok) { ++fails; std::printf("FAIL %s\n", what); } };
  {
    duet::SignalWatch w;
    check(!w.fired(), "not fired at start");
    raise(SIGINT);
    check(w.fired(), "fired after SIGINT");
    duet::SignalWatch w2;
    check(!w2.fired(), "second watch starts clear");
  }
  {
    duet::SignalWatch w, w2;
    raise(SIGTERM);
    check(w2.fired() && w.fired(), "both see SIGTERM");
  }
  struct sigaction cur{};
  sigaction(SIGINT, nullptr, &cur);
  check(cur.sa_handler == SIG_DFL, "default restored");
  signal(SIGINT, prev);
  {
    duet::SignalWatch w;
    raise(SIGINT);
    check(w.fired() && prev_called == 1, "chained to the previous handler");
  }
  sigaction(SIGINT, nullptr, &cur);
  check(cur.sa_handler == prev, "previous handler restored");
  // A one-shot handler (SA_RESETHAND, as Node's own SIGINT handler) is put off to the second signal.
  {
    struct sigaction once {};
    once.sa_handler = prev;
    once.sa_flags = SA_RESETHAND;
    sigemptyset(&once.sa_mask);
    sigaction(SIGINT, &once, nullptr);
    prev_called = 0;
    duet::SignalWatch w;
    raise(SIGINT);
    check(w.fired() && prev_called == 0, "a one-shot handler is not called on the first signal");
    raise(SIGINT);
    check(prev_called == 1, "a one-shot handler runs on the second signal");
  }
  // A handler installed while the watch is open (libuv's, when JS starts
  // listening mid-session) is kept when the watch goes, not overwritten.
  signal(SIGINT, SIG_DFL);
  {
    duet::SignalWatch w;
    signal(SIGINT, prev);
  }
  sigaction(SIGINT, nullptr, &cur);
  check(cur.sa_handler == prev, "a handler installed during the watch is kept at its end");
  signal(SIGINT, SIG_IGN);
  {
    duet::SignalWatch w;
    raise(SIGINT);
    check(!w.fired(), "an ignored signal stays ignored");
  }
  signal(SIGINT, SIG_DFL);
  if (argc > 1) {  // a second SIGINT with no one else listening terminates (likewise behind a one-shot handler)
    duet::SignalWatch w;
    raise(SIGINT);
    raise(SIGINT);
    std::printf("still alive\n");
    return 3;
  }
  std::printf("%s\n", fails ? "FAILED" : "ok");
  return fails;
}
