// The snapshot's own MySQL/MariaDB session: plain SQL (no replication), with the rows of a table read
// through mysql_use_result so that only one row is in memory at a time, however large the table.
// Connects with the same options as BinlogConnection (TLS modes included); errors go through
// throw_mysql_error, so they carry the same exit codes.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/conn/binlog_connection.h"

struct st_mysql;

namespace cdc::mysql::snapshot {

class SnapshotSession {
 public:
  // Connects; throws TransientError (unreachable) or cdc::Error (auth, config).
  explicit SnapshotSession(ConnectOptions opts);
  ~SnapshotSession();
  SnapshotSession(const SnapshotSession&) = delete;
  SnapshotSession& operator=(const SnapshotSession&) = delete;

  Flavor flavor() const { return flavor_; }
  unsigned version_id() const { return version_id_; }

  void execute(const std::string& sql);
  // A small result, held in memory (metadata, status).
  QueryResult query(const std::string& sql);
  // Streams the rows of `sql` to `on_row` one at a time (nullopt = NULL); the views are valid during
  // the call only. No other statement may run on this session until it returns.
  using RowFn = std::function<void(const std::vector<std::optional<std::string_view>>&)>;
  void stream(const std::string& sql, const RowFn& on_row);
  // `s` as an SQL string literal.
  std::string quote(std::string_view s);
  // Runs `sql` and returns the MySQL error number (0 = success) with the server's message, for
  // statements whose failure the caller explains itself (a missing privilege with its fix).
  unsigned try_execute(const std::string& sql, std::string& message);

 private:
  [[noreturn]] void fail(const std::string& during);

  ConnectOptions opts_;
  st_mysql* mysql_ = nullptr;
  Flavor flavor_ = Flavor::mysql;
  unsigned version_id_ = 0;
};

}  // namespace cdc::mysql::snapshot
