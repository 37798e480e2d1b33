// A tuning setting read from the environment (DUET_ATTN_DECODE_*, DUET_QK_NORM_LOAD): unset or empty gives the
// default; a value outside the list is an error naming the variable and the values it takes, never a silent default.
// Callers keep the result in a function-local static, so each variable is read once per process.
#ifndef DUET_CUDA_ENV_CHOICE_H
#define DUET_CUDA_ENV_CHOICE_H

#include <cstddef>
#include <cstdlib>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

namespace duet {

template <typename T>
T env_choice(const char* name, T fallback, std::initializer_list<std::pair<const char*, T>> values) {
  const char* env = std::getenv(name);
  if (env == nullptr || *env == '\0') return fallback;
  const std::string v(env);
  for (const auto& [key, value] : values)
    if (v == key) return value;
  std::string names;  // "a or b", "a, b or c"
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) names += i + 1 == values.size() ? " or " : ", ";
    names += values.begin()[i].first;
  }
  throw std::runtime_error(std::string(name) + " must be " + names + ", not '" + v + "'");
}

}  // namespace duet

#endif  // DUET_CUDA_ENV_CHOICE_H
