#include "mysql/source/column_catalog.h"

#include <spdlog/spdlog.h>

#include "mysql/charset.h"

namespace cdc::mysql {
namespace {

// MariaDB's JSON is LONGTEXT plus a CHECK (json_valid(`col`)) constraint, which is the only trace of it.
bool has_json_check(const QueryResult& checks, const std::string& column) {
  std::string needle = "json_valid(`" + ascii_lower(column) + "`)";
  for (size_t r = 0; r < checks.rows.size(); ++r)
    if (ascii_lower(checks.get(r, "c").value_or("")).find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

const ExternalTableInfo* ColumnCatalog::get(const std::string& db, const std::string& table) {
  std::string key = db + "." + table;
  auto it = tables_.find(key);
  if (it == tables_.end()) {
    ExternalTableInfo info = fetch(db, table);
    auto stored = info.columns.empty() ? nullptr : std::make_unique<ExternalTableInfo>(std::move(info));
    spdlog::debug("information_schema: {} has {} columns", key, stored ? stored->columns.size() : 0);
    it = tables_.emplace(key, std::move(stored)).first;
  }
  return it->second.get();
}

ExternalTableInfo ColumnCatalog::fetch(const std::string& db, const std::string& table) {
  if (!conn_ || !conn_->connected()) {
    conn_ = std::make_unique<BinlogConnection>(opts_);
    conn_->connect();
  }
  std::string where = "TABLE_SCHEMA = " + conn_->quote(db) + " AND TABLE_NAME = " + conn_->quote(table);
  // ORDINAL_POSITION is the TABLE_MAP column order; invisible and generated columns are listed too, as
  // the binlog carries them.
  QueryResult cols = conn_->query(
      "SELECT COLUMN_NAME AS n, COLUMN_TYPE AS t, CHARACTER_SET_NAME AS cs, COLUMN_KEY AS k, DATA_TYPE AS dt "
      "FROM information_schema.COLUMNS WHERE " + where + " ORDER BY ORDINAL_POSITION");
  QueryResult checks;
  if (conn_->server().flavor == Flavor::mariadb)
    checks = conn_->query("SELECT CHECK_CLAUSE AS c FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " +
                          conn_->quote(db) + " AND TABLE_NAME = " + conn_->quote(table));
  ExternalTableInfo info;
  for (size_t r = 0; r < cols.rows.size(); ++r) {
    ExternalColumnInfo c;
    c.name = cols.get(r, "n").value_or("");
    c.column_type = cols.get(r, "t").value_or("");
    c.charset = cols.get(r, "cs").value_or("");
    // PRI also marks the UNIQUE NOT NULL key that stands in for a missing primary key, as the binlog does.
    c.primary_key = cols.get(r, "k").value_or("") == "PRI";
    c.json = ascii_lower(cols.get(r, "dt").value_or("")) == "json" || has_json_check(checks, c.name);
    info.columns.push_back(std::move(c));
  }
  return info;
}

}  // namespace cdc::mysql
