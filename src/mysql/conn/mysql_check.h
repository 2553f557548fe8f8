// Preflight for `cdc-agent check` on a MySQL/MariaDB source: reads server settings and grants, changes
// nothing. Each result names the setting and, when it is not fine, the exact statement that fixes it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mysql/conn/binlog_connection.h"

namespace cdc::mysql {

enum class CheckStatus { pass, warn, fail };
std::string_view check_status_name(CheckStatus s);  // "PASS" | "WARN" | "FAIL"

struct CheckResult {
  std::string name;    // "binlog_format"
  CheckStatus status = CheckStatus::pass;
  std::string detail;  // what was found: "binlog_format=ROW"
  std::string fix;     // empty on pass: "SET GLOBAL binlog_format='ROW'; and binlog_format=ROW in my.cnf"
  bool pass() const { return status != CheckStatus::fail; }
};

// Runs every check against the server in `opts`, as replica `server_id`. A failed connection yields a
// single failing "connect" result (the others cannot run); nothing is thrown for server problems.
std::vector<CheckResult> check_mysql(const ConnectOptions& opts, uint32_t server_id);

// The privilege check alone, from SHOW GRANTS lines; exposed for tests. `database` may be empty;
// `account` ("'cdc'@'%'") is used in the suggested GRANT statement.
CheckResult check_grants(const std::vector<std::string>& grants, const std::string& database,
                         const std::string& account);

}  // namespace cdc::mysql
