// The results file's resume logic, kept free of CUDA so it can be tested on
// any machine.
#ifndef DUET_CORE_RESULTS_FILE_H
#define DUET_CORE_RESULTS_FILE_H

#include <set>
#include <string>

namespace duet {

struct ResumeState {
  std::set<std::string> done;  // ids with a complete result line
  bool has_meta = false;       // the file starts with the meta line
  int steps = 0;               // schedule-executor results: complete {"kind":"step"} lines
};

// Prepares an existing results file for `--resume`: keeps its complete lines
// and rewrites the file with them, so a last line cut short by a crash (its
// experiment runs again) does not end up in the middle of the file once new
// lines are appended. A missing or empty file gives an empty state. Throws
// std::runtime_error when the file holds results but does not start with the
// meta line (it is not one of ours). A {"kind":"done"} line is dropped: the
// resumed run writes its own when it finishes.
ResumeState prepare_resume(const std::string& path);

}  // namespace duet

#endif  // DUET_CORE_RESULTS_FILE_H
