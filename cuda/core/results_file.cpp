#include "results_file.h"

#include "json.h"

#include <fstream>
#include <stdexcept>
#include <vector>

namespace duet {

ResumeState prepare_resume(const std::string& path) {
  ResumeState state;
  std::ifstream in(path);
  if (!in) return state;
  std::vector<std::string> kept;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    JsonValue v;
    try {
      v = parse_json(line, path);
    } catch (const JsonSyntaxError&) {
      continue;  // cut short by a crash: dropped, and its experiment runs again
    }
    if (!v.is_object()) continue;
    const JsonValue* kind = v.find("kind");
    const bool meta = kind && kind->type == JsonValue::Type::String && kind->text == "meta";
    if (kept.empty()) {
      if (!meta) throw std::runtime_error(path + ": does not start with a meta line; not a results file to resume");
      state.has_meta = true;
    } else if (meta) {
      throw std::runtime_error(path + ": a second meta line; one file holds one run");
    }
    if (kind && kind->type == JsonValue::Type::String && kind->text == "done") continue;
    if (kind && kind->type == JsonValue::Type::String && kind->text == "step") ++state.steps;
    const JsonValue* id = v.find("id");
    if (id && id->type == JsonValue::Type::String) state.done.insert(id->text);
    kept.push_back(line);
  }
  in.close();
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw std::runtime_error("cannot rewrite " + path);
  for (const auto& l : kept) out << l << "\n";
  if (!out.flush()) throw std::runtime_error("cannot rewrite " + path);
  return state;
}

}  // namespace duet
