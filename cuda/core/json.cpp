#include "json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace duet {

const JsonValue* JsonValue::find(const std::string& key) const {
  for (const auto& m : members)
    if (m.first == key) return &m.second;
  return nullptr;
}

namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::string& file) : s_(text), file_(file) {}

  JsonValue document() {
    JsonValue v = value();
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  const std::string& s_;
  const std::string& file_;
  size_t pos_ = 0;
  int line_ = 1, col_ = 1;

  [[noreturn]] void fail(const std::string& what) const {
    throw JsonSyntaxError(file_ + ":" + std::to_string(line_) + ":" + std::to_string(col_) + ": " + what);
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  char next() {
    if (pos_ >= s_.size()) fail("unexpected end of input");
    const char c = s_[pos_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    return c;
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) next();
  }
  void expect(const char* word) {
    for (const char* c = word; *c; ++c)
      if (next() != *c) fail(std::string("expected '") + word + "'");
  }

  JsonValue value() {
    skip_ws();
    JsonValue v;
    v.line = line_;
    v.column = col_;
    const char c = peek();
    if (c == '{') {
      v.type = JsonValue::Type::Object;
      next();
      skip_ws();
      if (peek() == '}') {
        next();
        return v;
      }
      for (;;) {
        skip_ws();
        if (peek() != '"') fail("expected a quoted key");
        std::string key = string();
        for (const auto& m : v.members)
          if (m.first == key) fail("duplicate key \"" + key + "\"");
        skip_ws();
        if (next() != ':') fail("expected ':' after key \"" + key + "\"");
        v.members.emplace_back(key, value());
        skip_ws();
        const char d = next();
        if (d == '}') break;
        if (d != ',') fail("expected ',' or '}' in object");
      }
    } else if (c == '[') {
      v.type = JsonValue::Type::Array;
      next();
      skip_ws();
      if (peek() == ']') {
        next();
        return v;
      }
      for (;;) {
        v.items.push_back(value());
        skip_ws();
        const char d = next();
        if (d == ']') break;
        if (d != ',') fail("expected ',' or ']' in array");
      }
    } else if (c == '"') {
      v.type = JsonValue::Type::String;
      v.text = string();
    } else if (c == 't') {
      expect("true");
      v.type = JsonValue::Type::Bool;
      v.boolean = true;
    } else if (c == 'f') {
      expect("false");
      v.type = JsonValue::Type::Bool;
    } else if (c == 'n') {
      expect("null");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = JsonValue::Type::Number;
      const size_t start = pos_;
      while (pos_ < s_.size() && std::string("+-0123456789.eE").find(s_[pos_]) != std::string::npos) next();
      v.text = s_.substr(start, pos_ - start);
      char* end = nullptr;
      v.number = std::strtod(v.text.c_str(), &end);
      if (end != v.text.c_str() + v.text.size()) fail("malformed number '" + v.text + "'");
    } else {
      fail(std::string("unexpected character '") + c + "'");
    }
    return v;
  }

  std::string string() {
    next();  // opening quote
    std::string out;
    for (;;) {
      const char c = next();
      if (c == '"') return out;
      if (c == '\\') {
        const char e = next();
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            unsigned code = 0;
            for (int i = 0; i < 4; ++i) {
              const char h = next();
              code <<= 4;
              if (h >= '0' && h <= '9') code |= h - '0';
              else if (h >= 'a' && h <= 'f') code |= h - 'a' + 10;
              else if (h >= 'A' && h <= 'F') code |= h - 'A' + 10;
              else fail("bad \\u escape");
            }
            // Plans are ASCII in practice; encode the BMP code point as UTF-8.
            if (code < 0x80) {
              out += (char)code;
            } else if (code < 0x800) {
              out += (char)(0xc0 | (code >> 6));
              out += (char)(0x80 | (code & 0x3f));
            } else {
              out += (char)(0xe0 | (code >> 12));
              out += (char)(0x80 | ((code >> 6) & 0x3f));
              out += (char)(0x80 | (code & 0x3f));
            }
            break;
          }
          default: fail("bad escape in string");
        }
      } else if ((unsigned char)c < 0x20) {
        fail("control character in string");
      } else {
        out += c;
      }
    }
  }
};

}  // namespace

JsonValue parse_json(const std::string& text, const std::string& file_name) {
  return Parser(text, file_name).document();
}

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if ((unsigned char)c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return "null";  // JSON has no NaN; readers see a missing number
  if (value == std::floor(value) && std::fabs(value) < 9.007199254740992e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

std::string to_json(const JsonValue& v) {
  switch (v.type) {
    case JsonValue::Type::Null: return "null";
    case JsonValue::Type::Bool: return v.boolean ? "true" : "false";
    case JsonValue::Type::Number: return v.text;
    case JsonValue::Type::String: return json_quote(v.text);
    case JsonValue::Type::Array: {
      std::string out = "[";
      for (size_t i = 0; i < v.items.size(); ++i) out += (i ? "," : "") + to_json(v.items[i]);
      return out + "]";
    }
    case JsonValue::Type::Object: {
      std::string out = "{";
      for (size_t i = 0; i < v.members.size(); ++i)
        out += (i ? "," : "") + json_quote(v.members[i].first) + ":" + to_json(v.members[i].second);
      return out + "}";
    }
  }
  return "null";
}

JsonObjectWriter& JsonObjectWriter::raw(const std::string& key, const std::string& json_text) {
  if (!body_.empty()) body_ += ",";
  body_ += json_quote(key) + ":" + json_text;
  return *this;
}
JsonObjectWriter& JsonObjectWriter::str(const std::string& key, const std::string& value) {
  return raw(key, json_quote(value));
}
JsonObjectWriter& JsonObjectWriter::num(const std::string& key, double value) { return raw(key, format_number(value)); }
JsonObjectWriter& JsonObjectWriter::integer(const std::string& key, long long value) {
  return raw(key, std::to_string(value));
}
JsonObjectWriter& JsonObjectWriter::boolean(const std::string& key, bool value) {
  return raw(key, value ? "true" : "false");
}

}  // namespace duet
