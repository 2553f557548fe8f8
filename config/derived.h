// Defaults computed from other keys (port by source type, slot from name, …) and the rules that
// involve more than one key. Runs after every key was read, so it sees the whole configuration.
#pragma once
#include "config/config.h"
#include "config/diagnostics.h"

namespace cdc::config {

void derive_and_check(Config& cfg, Diagnostics& d);

}  // namespace cdc::config
