// Column facts from information_schema, for servers whose TABLE_MAP events carry no column names
// (binlog_row_metadata=MINIMAL, MySQL 8's default; NO_LOG, MariaDB's default; MySQL 5.7). The decoder asks
// through DecoderOptions::external whenever it meets a TABLE_MAP whose shape it has not seen yet.
//
// Versioning. The binlog is read behind the server, so information_schema describes the table as it is
// *now*, not as it was when an event was written. The catalog therefore fetches lazily and keeps what it
// fetched until the stream passes a DDL statement (BinlogHandler::on_ddl), which drops the cache; the
// decoder also retires its row decoders of the tables the DDL names, so the next TABLE_MAP of such a table
// fetches the new definition even when its shape did not change (RENAME COLUMN). Row decoders built before
// the DDL stay with the events before it, so those decode with the old columns. The decoder checks each
// answer against the TABLE_MAP's column types and asks again once (forget()) before it gives up.
//
// The race this cannot close: when the agent lags behind a DDL that the server already ran (a resume from
// an old offset, a backlog), the first fetch already sees the newer definition. A changed column count is
// caught (the decoder ignores info of the wrong width and the source stops with an error naming the
// table, a changed type stops it with an error naming the column); a change that keeps count and types
// (RENAME COLUMN, reordering same-typed columns) decodes the older events under the newer names. binlog_row_metadata=FULL has no such race and is recommended.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "mysql/conn/binlog_connection.h"
#include "mysql/row_decoder.h"

namespace cdc::mysql {

class ColumnCatalog {
 public:
  explicit ColumnCatalog(ConnectOptions opts) : opts_(std::move(opts)) {}

  // The columns of db.table as information_schema lists them now, fetched once until invalidate(); nullptr
  // when the table does not exist (any more). Throws TransientError when the server cannot be reached.
  const ExternalTableInfo* get(const std::string& db, const std::string& table);
  // A DDL statement went by: every definition fetched so far may be outdated.
  void invalidate() { tables_.clear(); }
  // What was fetched for db.table may be outdated: the next get() asks the server again.
  void forget(const std::string& db, const std::string& table) { tables_.erase(db + "." + table); }

 private:
  ExternalTableInfo fetch(const std::string& db, const std::string& table);

  ConnectOptions opts_;
  std::unique_ptr<BinlogConnection> conn_;  // a normal connection, opened at the first lookup
  std::map<std::string, std::unique_ptr<ExternalTableInfo>> tables_;  // by "db.table"; null = no table
};

}  // namespace cdc::mysql
