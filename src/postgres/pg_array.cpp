#include "postgres/pg_array.h"

#include <cctype>

#include "util/error.h"

namespace cdc::pg {
namespace {

class ArrayParser {
 public:
  ArrayParser(std::string_view s, const ArrayElementWriter& element, std::string& out)
      : s_(s), element_(element), out_(out) {}

  void run() {
    skip_bounds();
    skip_space();
    parse_array(0);
    skip_space();
    if (pos_ != s_.size()) fail("trailing characters after the array");
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw DecodeError("malformed array literal at character " + std::to_string(pos_) + ": " + why);
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  // "[1:3][0:1]=" prefix, written when lower bounds are not 1.
  void skip_bounds() {
    if (pos_ >= s_.size() || s_[pos_] != '[') return;
    auto eq = s_.find('=');
    if (eq == std::string_view::npos) fail("dimension bounds without '='");
    pos_ = eq + 1;
  }
  void parse_array(int depth) {
    if (depth > 6) fail("more than 6 dimensions");  // PostgreSQL's MAXDIM
    if (pos_ >= s_.size() || s_[pos_] != '{') fail("expected '{'");
    ++pos_;
    out_ += '[';
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      out_ += ']';
      return;
    }
    for (bool first = true;; first = false) {
      if (!first) out_ += ',';
      skip_space();
      if (pos_ < s_.size() && s_[pos_] == '{')
        parse_array(depth + 1);
      else
        parse_element();
      skip_space();
      if (pos_ >= s_.size()) fail("unterminated array");
      char c = s_[pos_++];
      if (c == '}') break;
      if (c != ',') fail(std::string("unexpected '") + c + "'");
    }
    out_ += ']';
  }
  void parse_element() {
    std::string value;
    bool quoted = false;
    if (pos_ < s_.size() && s_[pos_] == '"') {
      quoted = true;
      ++pos_;
      for (;;) {
        if (pos_ >= s_.size()) fail("unterminated quoted element");
        char c = s_[pos_++];
        if (c == '"') break;
        if (c == '\\') {
          if (pos_ >= s_.size()) fail("dangling backslash");
          c = s_[pos_++];
        }
        value += c;
      }
    } else {
      while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}') {
        char c = s_[pos_++];
        if (c == '{' || c == '"') fail(std::string("unexpected '") + c + "' in unquoted element");
        if (c == '\\') {
          if (pos_ >= s_.size()) fail("dangling backslash");
          c = s_[pos_++];
        }
        value += c;
      }
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
      if (value.empty()) fail("empty unquoted element");
    }
    auto is_null = [&value] {
      static constexpr std::string_view kNull = "null";
      if (value.size() != kNull.size()) return false;
      for (size_t i = 0; i < kNull.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != kNull[i]) return false;
      return true;
    };
    if (!quoted && is_null())
      element_(std::nullopt, out_);
    else
      element_(std::string_view(value), out_);
  }

  std::string_view s_;
  size_t pos_ = 0;
  const ArrayElementWriter& element_;
  std::string& out_;
};

}  // namespace

void render_array_json(std::string_view literal, const ArrayElementWriter& element, std::string& out) {
  ArrayParser(literal, element, out).run();
}

}  // namespace cdc::pg
