// TEMPORARY: placeholders until the commands are wired in; the lead replaces this file.
#include "main/commands.h"

namespace cdc {

int run_command(const Config&) { throw Error(ExitCode::internal, "run is not wired yet"); }
int check_command(const Config&) { throw Error(ExitCode::internal, "check is not wired yet"); }
int decode_command(const DecodeArgs&) { throw Error(ExitCode::internal, "decode is not wired yet"); }

}  // namespace cdc
