#include "results_file.h"

#include "json.h"

#include <fstream>
#include <map>
#include <stdexcept>
#include <unistd.h>
#include <vector>

extern char** environ;  // POSIX; <unistd.h> declares it only with _GNU_SOURCE

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
      if (const JsonValue* s = v.find("settings"); s && s->is_object()) {
        state.has_settings = true;
        for (const auto& [name, value] : s->members)
          if (value.type == JsonValue::Type::String) state.settings[name] = value.text;
      }
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

std::map<std::string, std::string> duet_settings() {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    const std::string kv(*e);
    const size_t eq = kv.find('=');
    if (kv.rfind("DUET_", 0) == 0 && eq != std::string::npos && eq + 1 < kv.size()) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return vars;
}

namespace {

bool compared(const std::string& name) {
  const std::string debug = "_DEBUG";
  return !(name.size() >= debug.size() && name.compare(name.size() - debug.size(), debug.size(), debug) == 0);
}

std::string listed(const std::map<std::string, std::string>& settings) {
  std::string out;
  for (const auto& [name, value] : settings)
    if (compared(name)) out += (out.empty() ? "" : ", ") + name + "=" + value;
  return out.empty() ? "none" : out;
}

}  // namespace

void check_resume_settings(const ResumeState& state, const std::map<std::string, std::string>& current, const std::string& path) {
  if (!state.has_settings) return;
  if (listed(state.settings) == listed(current)) return;
  throw std::runtime_error(path + ": began under DUET_* settings " + listed(state.settings) + ", resumed under " + listed(current) +
                           "; one results file describes one set of kernels: resume with the same settings or write a new file");
}

}  // namespace duet
