// Test doubles for PgDecoder: a catalog answering from maps, and a sink recording events as text.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "postgres/pg_decoder.h"

namespace cdc::pg::test {

class FakeCatalog : public Catalog {
 public:
  std::map<std::string, TableCatalogInfo> tables;  // "ns.name"
  std::map<Oid, PgTypeInfo> types;
  int table_lookups = 0;

  TableCatalogInfo table(Oid, const std::string& ns, const std::string& name) override {
    ++table_lookups;
    auto it = tables.find(ns + "." + name);
    return it == tables.end() ? TableCatalogInfo{} : it->second;
  }
  std::optional<PgTypeInfo> type(Oid oid) override {
    auto it = types.find(oid);
    if (it == types.end()) return std::nullopt;
    return it->second;
  }
};

// "1|null|'x'|[1,2]": one row image, for comparisons.
inline std::string show(const event::Row& row) {
  std::string s;
  for (const auto& v : row.values) {
    if (!s.empty()) s += '|';
    switch (v.kind) {
      case event::Value::Kind::null: s += "null"; break;
      case event::Value::Kind::boolean: s += v.b ? "true" : "false"; break;
      case event::Value::Kind::int64: s += std::to_string(v.i); break;
      case event::Value::Kind::float32:
      case event::Value::Kind::float64: s += std::to_string(v.d); break;
      case event::Value::Kind::bytes: s += "b'" + std::string(row.view(v)) + "'"; break;
      default: s += "'" + std::string(row.view(v)) + "'";
    }
  }
  return s;
}

struct Recorded {
  char op = 0;
  std::string table;  // "schema.table"
  std::string before;  // "-" when absent
  std::string after;
  event::SourceInfo source;
  std::string change_id;
  std::string tx_id;
  const event::TableSchema* schema = nullptr;
};

class RecordingSink : public event::EventSink {
 public:
  std::vector<Recorded> events;
  std::vector<uint64_t> commits;

  void change(event::ChangeEvent& ev) override {
    Recorded r;
    r.op = static_cast<char>(ev.op);
    r.table = ev.table->schema + "." + ev.table->table;
    r.before = ev.has_before ? show(ev.before) : "-";
    r.after = ev.has_after ? show(ev.after) : "-";
    r.source = ev.source;
    r.change_id = ev.change_id;
    r.tx_id = ev.tx_id;
    r.schema = ev.table;
    events.push_back(std::move(r));
  }
  void commit(const event::SourcePosition& pos) override { commits.push_back(pos.lsn); }
};

}  // namespace cdc::pg::test
