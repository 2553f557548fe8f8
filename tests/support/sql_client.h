// Minimal SQL clients for tests: run statements against the test PostgreSQL (libpq) and MariaDB
// (libmariadb) and get rows back as strings. Every failure throws std::runtime_error with the
// server's message, so a test fails with the reason.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct st_mysql;

namespace cdc::test {

// One result row; std::nullopt is SQL NULL.
using Row = std::vector<std::optional<std::string>>;
using Rows = std::vector<Row>;

struct MysqlParams {
  std::string host;
  unsigned port = 3306;
  std::string user;
  std::string password;
  std::string db;
  std::string socket;  // unix socket of a local server; empty for TCP-only (external) servers
};

class PgConn {
 public:
  explicit PgConn(const std::string& conninfo);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs one or more statements; returns the rows of the last one (empty for commands).
  Rows query(std::string_view sql);
  void exec(std::string_view sql) { query(sql); }
  // First column of the first row; throws when the result is empty or NULL.
  std::string scalar(std::string_view sql);
  pg_conn* raw() { return conn_; }

 private:
  pg_conn* conn_ = nullptr;
};

class MysqlConn {
 public:
  // Connects over TCP to params.host:port as params.user, into params.db (if not empty).
  explicit MysqlConn(const MysqlParams& params);
  ~MysqlConn();
  MysqlConn(const MysqlConn&) = delete;
  MysqlConn& operator=(const MysqlConn&) = delete;

  // Runs one statement; returns its rows (empty for statements without a result set).
  Rows query(std::string_view sql);
  void exec(std::string_view sql) { query(sql); }
  std::string scalar(std::string_view sql);
  st_mysql* raw() { return conn_; }

 private:
  st_mysql* conn_ = nullptr;
};

}  // namespace cdc::test
