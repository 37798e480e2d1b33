// The results file's resume logic, kept free of CUDA so it can be tested on
// any machine.
#ifndef DUET_CORE_RESULTS_FILE_H
#define DUET_CORE_RESULTS_FILE_H

#include <map>
#include <set>
#include <string>

namespace duet {

struct ResumeState {
  std::set<std::string> done;  // ids with a complete result line
  bool has_meta = false;       // the file starts with the meta line
  int steps = 0;               // schedule-executor results: complete {"kind":"step"} lines
  // The meta line's "settings" (the DUET_* tuning variables the run began under), name -> value; absent in files
  // written before the runner recorded them (has_settings false).
  bool has_settings = false;
  std::map<std::string, std::string> settings;
};

// Prepares an existing results file for `--resume`: keeps its complete lines
// and rewrites the file with them, so a last line cut short by a crash (its
// experiment runs again) does not end up in the middle of the file once new
// lines are appended. A missing or empty file gives an empty state. Throws
// std::runtime_error when the file holds results but does not start with the
// meta line (it is not one of ours). A {"kind":"done"} line is dropped: the
// resumed run writes its own when it finishes.
ResumeState prepare_resume(const std::string& path);

// The DUET_* tuning variables this process runs under (cuda/README.md lists them), name -> value, empty values left out
// (as unset): the meta line records them, so a results file says which kernel variants it timed even when a sweep set
// them for one run.
std::map<std::string, std::string> duet_settings();

// Throws std::runtime_error naming both sets when a resumed run's DUET_* settings (`current`, name -> value) differ
// from those the file began under: one results file describes one set of kernels. Variables ending in _DEBUG only
// add logs and are not compared; a file without recorded settings (an older run) cannot be checked and passes.
void check_resume_settings(const ResumeState& state, const std::map<std::string, std::string>& current, const std::string& path);

}  // namespace duet

#endif  // DUET_CORE_RESULTS_FILE_H
