// Logging setup: spdlog to stderr (journald captures it), as text or one JSON object per line.
// Never log passwords or row values at info level or above.
#pragma once
#include <spdlog/spdlog.h>

#include <string_view>

namespace cdc {

// level: trace|debug|info|warn|error; format: text|json. Unknown values are rejected by the config
// loader before this is called.
void setup_logging(std::string_view level, std::string_view format);

}  // namespace cdc
