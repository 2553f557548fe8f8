// Markdown generated from the code's own tables, so the docs cannot drift: docs/configuration.md from
// the key table (config/keys.cpp), docs/exit-codes.md from kExitCodes (util/exit_codes.h).
// Regenerate with `cdc-agent gen-docs configuration|exit-codes` (or the `cdc_docs` build target).
#pragma once
#include <string>

namespace cdc::config {

std::string configuration_markdown();
std::string exit_codes_markdown();

}  // namespace cdc::config
