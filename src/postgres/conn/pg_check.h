// `cdc-agent check` for a PostgreSQL source: every precondition of streaming, verified read-only, each
// reported with what was found and the statement or setting that fixes it.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "postgres/conn/pg_catalog.h"
#include "postgres/conn/pg_connection.h"

namespace cdc::pg {

// warn: streaming works but something deserves attention (null keys, an untested version);
// info: a fact the operator may want (replica identities).
enum class CheckStatus { pass, warn, fail, info };
std::string_view status_name(CheckStatus s);  // "PASS" | "WARN" | "FAIL" | "INFO"

struct CheckResult {
  std::string name;  // stable identifier, e.g. "wal_level"
  CheckStatus status = CheckStatus::pass;
  std::string detail;  // what was found
  std::string fix;     // empty unless something is to be done
  bool pass() const { return status != CheckStatus::fail; }
};

struct PgCheckOptions {
  PgConnParams conn;
  std::string slot;
  std::string publication;
  TableFilter tables;
};

// Runs every check it can; when the first connection fails, that failure is the only result.
std::vector<CheckResult> check_postgres(const PgCheckOptions& opts);

}  // namespace cdc::pg
