// Process exit codes, the single source of truth for CONTRACT.md's table and for docs/exit-codes.md.
#pragma once
#include <array>
#include <string_view>

namespace cdc {

enum class ExitCode : int {
  ok = 0,                 // clean stop
  usage = 64,             // bad command line
  internal = 70,          // internal or fatal producer error
  temporary = 75,         // temporary failure that outlived its retries
  source_unusable = 69,   // binlog purged, slot lost, wal_level / binlog_format wrong
  auth = 77,              // authentication failed or a privilege is missing
  config = 78,            // invalid configuration
};

struct ExitCodeDoc {
  ExitCode code;
  std::string_view name;
  std::string_view meaning;
};

inline constexpr std::array<ExitCodeDoc, 7> kExitCodes{{
    {ExitCode::ok, "ok", "clean stop (after SIGTERM/SIGINT: drained, final position stored)"},
    {ExitCode::usage, "usage", "usage error on the command line"},
    {ExitCode::source_unusable, "source_unusable",
     "source unusable: binlog purged, slot lost/invalidated, wal_level or binlog_format wrong"},
    {ExitCode::internal, "internal", "internal or fatal producer error"},
    {ExitCode::temporary, "temporary", "temporary failure that outlived its retries"},
    {ExitCode::auth, "auth", "authentication failed or a privilege is missing"},
    {ExitCode::config, "config", "invalid configuration"},
}};

}  // namespace cdc
