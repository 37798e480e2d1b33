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
  signal(SIGINT, SIG_IGN);
  {
    duet::SignalWatch w;
    raise(SIGINT);
    check(!w.fired(), "an ignored signal stays ignored");
  }
  signal(SIGINT, SIG_DFL);
  if (argc > 1) {  // a second SIGINT with no one else listening terminates
    duet::SignalWatch w;
    raise(SIGINT);
    raise(SIGINT);
    std::printf("still alive\n");
    return 3;
  }
  std::printf("%s\n", fails ? "FAILED" : "ok");
  return fails;
}
