// The command line: parses argv with CLI11, loads the configuration, sets up logging and runs a command,
// turning every outcome into an exit code from util/exit_codes.h.
#pragma once

namespace cdc {

int cli_main(int argc, char** argv);

}  // namespace cdc
