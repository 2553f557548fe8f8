#include "postgres/conn/pg_catalog.h"

#include <algorithm>

#include "util/name_regex.h"

namespace cdc::pg {
namespace {

std::regex compile(const std::string& pattern, const char* key) {
  try {
    return compile_name_regex(pattern);
  } catch (const std::invalid_argument& e) {
    throw Error(ExitCode::config, std::string("source.") + key + ": invalid regex '" + pattern + "': " + e.what());
  }
}

char first_char(std::string_view s) { return s.empty() ? '\0' : s[0]; }

Oid to_oid(const PgResult& r, int row, int col) { return static_cast<Oid>(r.int64(row, col)); }

}  // namespace

TableFilter::TableFilter(std::vector<std::string> include, std::vector<std::string> exclude)
    : include_text_(std::move(include)) {
  for (const auto& p : include_text_) include_.push_back(compile(p, "include_tables"));
  for (const auto& p : exclude) exclude_.push_back(compile(p, "exclude_tables"));
}

bool TableFilter::matches(std::string_view name) const {
  auto full = [name](const std::regex& re) { return std::regex_match(name.begin(), name.end(), re); };
  bool in = include_.empty() || std::any_of(include_.begin(), include_.end(), full);
  return in && std::none_of(exclude_.begin(), exclude_.end(), full);
}

std::vector<TableInfo> list_tables(PgConnection& c, const TableFilter& filter) {
  PgResult r = c.exec(
      "SELECT c.oid, n.nspname, c.relname, c.relreplident, c.relkind = 'p',"
      " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),"
      " has_table_privilege(c.oid, 'SELECT'), pg_has_role(c.relowner, 'USAGE')"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'"
      " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
      " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
      " ORDER BY n.nspname, c.relname",
      "listing tables");
  std::vector<TableInfo> out;
  for (int i = 0; i < r.rows(); ++i) {
    TableInfo t;
    t.oid = to_oid(r, i, 0);
    t.schema = r.str(i, 1);
    t.name = r.str(i, 2);
    if (!filter.matches(t.qualified())) continue;
    t.replica_identity = first_char(r.get(i, 3));
    t.partitioned = r.boolean(i, 4);
    t.has_primary_key = r.boolean(i, 5);
    t.selectable = r.boolean(i, 6);
    t.owned = r.boolean(i, 7);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> primary_key_columns(PgConnection& c, Oid relid) {
  // indkey also lists INCLUDE columns after the key columns (PostgreSQL 11+); indnkeyatts counts the keys.
  std::string key_only = c.server_version() >= 110000 ? " AND k.ord <= i.indnkeyatts" : "";
  PgResult r = c.exec_params(
      "SELECT a.attname FROM pg_index i"
      " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
      " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
      " WHERE i.indrelid = $1::oid AND i.indisprimary" + key_only + " ORDER BY k.ord",
      {std::to_string(relid)}, "reading the primary key of relation " + std::to_string(relid));
  std::vector<std::string> cols;
  for (int i = 0; i < r.rows(); ++i) cols.push_back(r.str(i, 0));
  return cols;
}

std::vector<std::string> not_null_columns(PgConnection& c, Oid relid) {
  PgResult r = c.exec_params(
      "SELECT attname FROM pg_attribute WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped AND attnotnull"
      " ORDER BY attnum",
      {std::to_string(relid)}, "reading the NOT NULL columns of relation " + std::to_string(relid));
  std::vector<std::string> cols;
  for (int i = 0; i < r.rows(); ++i) cols.push_back(r.str(i, 0));
  return cols;
}

std::optional<char> replica_identity(PgConnection& c, Oid relid) {
  PgResult r = c.exec_params("SELECT relreplident FROM pg_class WHERE oid = $1::oid", {std::to_string(relid)},
                             "reading the replica identity of relation " + std::to_string(relid));
  if (r.rows() == 0) return std::nullopt;
  return first_char(r.get(0, 0));
}

namespace {

struct TypeRow {
  TypeInfo info;
  Oid basetype = 0;
  int32_t typmod = -1;
};

std::optional<TypeRow> type_row(PgConnection& c, Oid oid) {
  PgResult r = c.exec_params(
      "SELECT n.nspname, t.typname, t.typtype, t.typcategory, t.typbasetype, t.typtypmod, t.typelem"
      " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = $1::oid",
      {std::to_string(oid)}, "reading type " + std::to_string(oid));
  if (r.rows() == 0) return std::nullopt;
  TypeRow row;
  row.info.oid = oid;
  row.info.schema = r.str(0, 0);
  row.info.name = r.str(0, 1);
  row.info.type_type = first_char(r.get(0, 2));
  row.info.category = first_char(r.get(0, 3));
  row.basetype = to_oid(r, 0, 4);
  row.typmod = static_cast<int32_t>(r.int64(0, 5));
  row.info.element_type = to_oid(r, 0, 6);
  return row;
}

}  // namespace

std::optional<TypeInfo> type_info(PgConnection& c, Oid oid) {
  auto row = type_row(c, oid);
  if (!row) return std::nullopt;
  TypeInfo info = row->info;
  if (info.type_type == 'd') {
    // Walk domain-over-domain chains down to the storage type; the outermost explicit typmod wins.
    Oid base = row->basetype;
    info.base_typmod = row->typmod;
    for (int depth = 0; depth < 32; ++depth) {
      auto next = type_row(c, base);
      if (!next) throw Error(ExitCode::internal, "domain " + info.name + " has a missing base type " + std::to_string(base));
      if (next->info.type_type != 'd') break;
      if (info.base_typmod == -1) info.base_typmod = next->typmod;
      base = next->basetype;
    }
    info.base_type = base;
  }
  if (info.type_type == 'e') {
    PgResult r = c.exec_params("SELECT enumlabel FROM pg_enum WHERE enumtypid = $1::oid ORDER BY enumsortorder",
                               {std::to_string(oid)}, "reading the labels of enum " + info.name);
    for (int i = 0; i < r.rows(); ++i) info.enum_labels.push_back(r.str(i, 0));
  }
  return info;
}

Lsn emit_heartbeat_message(PgConnection& c, std::string_view prefix, std::string_view content) {
  PgResult r = c.exec_params("SELECT pg_logical_emit_message(false, $1, $2)",
                             {std::string(prefix), std::string(content)}, "emitting the heartbeat message");
  auto lsn = parse_lsn(r.get(0, 0));
  if (!lsn) throw Error(ExitCode::internal, "pg_logical_emit_message returned '" + r.str(0, 0) + "'");
  return *lsn;
}

std::optional<PgTypeInfo> pg_type_info(PgConnection& c, Oid oid) {
  std::optional<TypeInfo> t = type_info(c, oid);
  if (!t) return std::nullopt;
  PgTypeInfo p;
  p.oid = t->oid;
  p.name = t->name;
  p.category = t->category;
  p.base_oid = t->type_type == 'd' ? t->base_type : 0;
  p.base_typmod = t->base_typmod;
  p.element_oid = t->category == 'A' ? t->element_type : 0;
  p.enum_labels = std::move(t->enum_labels);
  return p;
}

}  // namespace cdc::pg
