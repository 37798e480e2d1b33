// prepare_resume + check_resume_settings on the host, no GPU needed (test/cuda/resume-settings.test.ts builds it with
// the local g++): resume_settings_main RESULTS.jsonl reads the file as `--resume` would and checks it against this
// process's DUET_* variables; prints "ok <done> <settings recorded: yes|no>" or the refusal and exits 2.
#include "results_file.h"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: resume_settings_main RESULTS.jsonl\n");
    return 2;
  }
  try {
    const duet::ResumeState s = duet::prepare_resume(argv[1]);
    duet::check_resume_settings(s, duet::duet_settings(), argv[1]);
    std::printf("ok %zu %s\n", s.done.size(), s.has_settings ? "yes" : "no");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
