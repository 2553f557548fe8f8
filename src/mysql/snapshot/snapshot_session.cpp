#include "mysql/snapshot/snapshot_session.h"

#include <mysql.h>
#include <errmsg.h>

#include <memory>

#include "mysql/conn/commands.h"
#include "util/error.h"

namespace cdc::mysql::snapshot {

SnapshotSession::SnapshotSession(ConnectOptions opts) : opts_(std::move(opts)) {
  mysql_ = open_connection(opts_, " for the snapshot");
  std::string version = mysql_get_server_info(mysql_);
  flavor_ = version.find("MariaDB") != std::string::npos ? Flavor::mariadb : Flavor::mysql;
  version_id_ = static_cast<unsigned>(mysql_get_server_version(mysql_));
}

SnapshotSession::~SnapshotSession() {
  if (mysql_) mysql_close(mysql_);
}

void SnapshotSession::fail(const std::string& during) {
  unsigned code = mysql_ ? mysql_errno(mysql_) : CR_UNKNOWN_ERROR;
  std::string message = mysql_ ? mysql_error(mysql_) : "no connection";
  throw_mysql_error(code, message, during);
}

void SnapshotSession::execute(const std::string& sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail("snapshot: running \"" + sql + "\"");
  if (MYSQL_RES* res = mysql_store_result(mysql_)) mysql_free_result(res);
}

unsigned SnapshotSession::try_execute(const std::string& sql, std::string& message) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) == 0) {
    if (MYSQL_RES* res = mysql_store_result(mysql_)) mysql_free_result(res);
    return 0;
  }
  message = mysql_error(mysql_);
  return mysql_errno(mysql_);
}

QueryResult SnapshotSession::query(const std::string& sql) {
  std::string during = "snapshot: running \"" + sql + "\"";
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail(during);
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (!res) {
    if (mysql_field_count(mysql_) != 0) fail(during);
    return {};
  }
  return take_query_result(res);
}

void SnapshotSession::stream(const std::string& sql, const RowFn& on_row) {
  std::string during = "snapshot: running \"" + sql + "\"";
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail(during);
  MYSQL_RES* res = mysql_use_result(mysql_);
  if (!res) {
    if (mysql_field_count(mysql_) != 0) fail(during);
    return;
  }
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> guard(res, &mysql_free_result);
  unsigned n = mysql_num_fields(res);
  std::vector<std::optional<std::string_view>> values(n);
  try {
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      unsigned long* lengths = mysql_fetch_lengths(res);
      for (unsigned i = 0; i < n; ++i)
        values[i] = row[i] ? std::optional<std::string_view>(std::string_view(row[i], lengths[i])) : std::nullopt;
      on_row(values);
    }
  } catch (...) {
    // Freeing an unfinished unbuffered result would first read the rest of the table: cut the
    // connection instead. The session is unusable afterwards, which the caller's unwinding accepts.
    mariadb_cancel(mysql_);
    throw;
  }
  // mysql_fetch_row also returns null when the stream broke: only a zero errno means the end.
  if (mysql_errno(mysql_) != 0) fail(during);
}

std::string SnapshotSession::quote(std::string_view s) {
  std::string out(s.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long n = mysql_real_escape_string(mysql_, out.data() + 1, s.data(), static_cast<unsigned long>(s.size()));
  out.resize(n + 1);
  out.push_back('\'');
  return out;
}

}  // namespace cdc::mysql::snapshot
