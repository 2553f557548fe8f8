#include "config/config.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cdc {
namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out.append(out.empty() ? "" : "\n").append(l);
  return out;
}

bool any_full_match(const std::vector<std::regex>& res, std::string_view s) {
  for (const auto& re : res)
    if (std::regex_match(s.begin(), s.end(), re)) return true;
  return false;
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> messages)
    : Error(ExitCode::config, join_lines(messages)), messages_(std::move(messages)) {}

bool Config::table_included(std::string_view db_dot_table) const {
  if (!include_table_res.empty() && !any_full_match(include_table_res, db_dot_table)) return false;
  return !any_full_match(exclude_table_res, db_dot_table);
}

bool Config::column_excluded(std::string_view db_table_column) const {
  return any_full_match(exclude_column_res, db_table_column);
}

std::string default_slot_name(std::string_view name) {
  std::string slot = "cdc_";
  for (unsigned char c : name) {
    char lower = static_cast<char>(std::tolower(c));
    bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '_';
    slot.push_back(keep ? lower : '_');
  }
  return slot;
}

Config load_config(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  std::string text;
  bool failed = !f;
  int saved_errno = errno;
  if (f) {
    char buf[8192];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    failed = std::ferror(f);
    saved_errno = errno;
    std::fclose(f);
  }
  if (failed) throw ConfigError({path + ": cannot read configuration file: " + std::strerror(saved_errno)});
  return parse_config(text, path);
}

}  // namespace cdc
