// Secret references inside configuration strings: `${env:VAR}` is replaced by the environment variable,
// `${file:PATH}` by the file's content without its trailing newline (systemd LoadCredential= files,
// Kubernetes secret mounts). Any other text, including a lone `${`, is kept as written.
#pragma once
#include <string>
#include <string_view>

namespace cdc::config {

struct Resolved {
  std::string value;
  std::string error;  // non-empty: why a reference could not be resolved (names the variable or file)
  bool had_reference = false;
};

Resolved resolve_secrets(std::string_view text);

}  // namespace cdc::config
