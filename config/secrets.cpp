#include "config/secrets.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <cstdio>

namespace cdc::config {
namespace {

constexpr std::string_view kEnv = "${env:";
constexpr std::string_view kFile = "${file:";

bool read_file(const std::string& path, std::string& out, std::string& error) {
  // stdio rather than ifstream: reading a directory must fail (EISDIR), not yield an empty secret.
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    bool failed = std::ferror(f);
    int saved = errno;
    std::fclose(f);
    if (!failed) {
      // Files written with `echo` or an editor end in a newline that is not part of the secret.
      while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
      return true;
    }
    errno = saved;
  }
  error = "cannot read secret file " + path + ": " + std::strerror(errno);
  return false;
}

}  // namespace

Resolved resolve_secrets(std::string_view text) {
  Resolved r;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find("${", pos);
    if (start == std::string_view::npos) break;
    std::string_view rest = text.substr(start);
    bool is_env = rest.starts_with(kEnv);
    bool is_file = rest.starts_with(kFile);
    size_t end = text.find('}', start);
    if ((!is_env && !is_file) || end == std::string_view::npos) {
      r.value.append(text.substr(pos, start + 2 - pos));
      pos = start + 2;
      continue;
    }
    r.value.append(text.substr(pos, start - pos));
    r.had_reference = true;
    size_t name_at = start + (is_env ? kEnv.size() : kFile.size());
    std::string name(text.substr(name_at, end - name_at));
    if (name.empty()) {
      r.error = std::string(is_env ? "${env:}" : "${file:}") + " names no " + (is_env ? "variable" : "file");
      return r;
    }
    if (is_env) {
      const char* v = std::getenv(name.c_str());
      if (!v) {
        r.error = "environment variable " + name + " is not set";
        return r;
      }
      r.value.append(v);
    } else {
      std::string content;
      if (!read_file(name, content, r.error)) return r;
      r.value.append(content);
    }
    pos = end + 1;
  }
  if (pos < text.size()) r.value.append(text.substr(pos));
  return r;
}

}  // namespace cdc::config
