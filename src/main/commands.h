// The commands behind `cdc-agent run|check|decode`. Each returns the process exit code, or throws
// cdc::Error (whose code becomes the exit code); the command line layer (cli.cpp) does the rest.
#pragma once
#include <string>
#include <vector>

#include "config/config.h"

namespace cdc {

// Streams until SIGTERM/SIGINT, then drains and stores the final position.
int run_command(const Config& cfg);

// Preflight: connectivity, server settings, privileges, Kafka; changes nothing.
int check_command(const Config& cfg);

struct DecodeArgs {
  std::vector<std::string> files;  // MySQL/MariaDB binlog files, decoded in order
  bool schemas = false;            // envelope.schemas for the output
  std::string prefix = "decode";   // topic prefix / source.name in the envelopes
};

// Offline: binlog files -> envelopes, one JSON per line on stdout.
int decode_command(const DecodeArgs& a);

}  // namespace cdc
