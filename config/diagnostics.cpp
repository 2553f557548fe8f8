#include "config/diagnostics.h"

#include <algorithm>

#include "config/config.h"

namespace cdc::config {

void Diagnostics::error(int line, std::string_view key, std::string_view what) {
  std::string text = origin_ + ":" + std::to_string(line) + ": ";
  if (!key.empty()) text.append(key).append(": ");
  text.append(what);
  errors_.push_back({line, std::move(text)});
}

void Diagnostics::written(const std::string& path, int line, bool has_value) {
  seen_[path] = Seen{line, has_value, false};
}

void Diagnostics::accepted(const std::string& path) { seen_[path].accepted = true; }

const Diagnostics::Seen* Diagnostics::find(std::string_view path) const {
  auto it = seen_.find(path);
  return it == seen_.end() ? nullptr : &it->second;
}

bool Diagnostics::given(std::string_view path) const {
  const Seen* s = find(path);
  return s && s->has_value;
}

bool Diagnostics::valid(std::string_view path) const {
  const Seen* s = find(path);
  return s && s->has_value && s->accepted;
}

int Diagnostics::line_of(std::string_view path) const {
  while (true) {
    if (const Seen* s = find(path)) return s->line;
    size_t dot = path.rfind('.');
    if (dot == std::string_view::npos) return 1;
    path = path.substr(0, dot);
  }
}

void Diagnostics::throw_if_any() const {
  if (errors_.empty()) return;
  std::vector<Message> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Message& a, const Message& b) { return a.line < b.line; });
  std::vector<std::string> texts;
  for (auto& m : sorted) texts.push_back(std::move(m.text));
  throw ConfigError(std::move(texts));
}

}  // namespace cdc::config
