// A small JSON reader and writer for plans and result lines. Every value keeps
// the line and column where it started, so plan errors can point at the input
// (STYLE.md §4); numbers keep their source text so echoed fields round-trip
// exactly.
#ifndef DUET_CORE_JSON_H
#define DUET_CORE_JSON_H

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace duet {

struct JsonValue {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  double number = 0;
  std::string text;  // string contents, or a number's source text
  std::vector<JsonValue> items;
  // Object members in source order (plans are echoed in the order written).
  std::vector<std::pair<std::string, JsonValue>> members;
  int line = 0, column = 0;

  const JsonValue* find(const std::string& key) const;
  bool is_object() const { return type == Type::Object; }
  bool is_array() const { return type == Type::Array; }
};

// Thrown with "file:line:column: message".
struct JsonSyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

JsonValue parse_json(const std::string& text, const std::string& file_name);

// Compact serialisation (numbers as written in the source).
std::string to_json(const JsonValue& v);
std::string json_quote(const std::string& s);

// Appends `"key":value` pairs to an object being built as text.
class JsonObjectWriter {
 public:
  JsonObjectWriter& raw(const std::string& key, const std::string& json_text);
  JsonObjectWriter& str(const std::string& key, const std::string& value);
  JsonObjectWriter& num(const std::string& key, double value);
  JsonObjectWriter& integer(const std::string& key, long long value);
  JsonObjectWriter& boolean(const std::string& key, bool value);
  std::string done() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

std::string format_number(double value);

}  // namespace duet

#endif  // DUET_CORE_JSON_H
