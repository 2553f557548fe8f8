// Collects every configuration problem with its YAML line, and remembers where each key was written so
// later checks (required keys, cross-key rules) can point at the right line too.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cdc::config {

class Diagnostics {
 public:
  explicit Diagnostics(std::string_view origin) : origin_(origin) {}

  // `line` is 1-based; `key` is the dotted path ("" for file-level problems).
  void error(int line, std::string_view key, std::string_view what);

  // The key was written at `line`; has_value = not null.
  void written(const std::string& path, int line, bool has_value);
  // Its value passed type and range checks and was applied to the Config.
  void accepted(const std::string& path);

  bool given(std::string_view path) const;     // written with a value
  bool valid(std::string_view path) const;     // given and accepted
  // The key's line; if it was not written, the line of its nearest written ancestor; else 1.
  int line_of(std::string_view path) const;

  bool empty() const { return errors_.empty(); }
  // Throws ConfigError with all messages, ordered by line, if there are any.
  void throw_if_any() const;

 private:
  struct Seen {
    int line = 1;
    bool has_value = false;
    bool accepted = false;
  };
  struct Message {
    int line;
    std::string text;
  };
  const Seen* find(std::string_view path) const;

  std::string origin_;
  std::map<std::string, Seen, std::less<>> seen_;
  std::vector<Message> errors_;
};

}  // namespace cdc::config
