// Catalog queries the live PostgreSQL source needs, on a normal (non-replication) connection: primary
// keys as the catalog defines them (Kafka keys, CONTRACT.md), type details behind pgoutput's type OIDs,
// the tables the include/exclude patterns select, and the heartbeat message that moves idle slots.
#pragma once
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "postgres/conn/pg_connection.h"
#include "postgres/pg_types.h"
#include "postgres/pgoutput.h"

namespace cdc::pg {

// include/exclude_tables as configured: full-match ECMAScript regexes on "schema.table"; an empty include
// list selects every table. Keeps the patterns' text for code that reasons about them (publications).
class TableFilter {
 public:
  TableFilter() = default;
  // Throws cdc::Error(config) for a pattern that does not compile.
  TableFilter(std::vector<std::string> include, std::vector<std::string> exclude);
  bool matches(std::string_view schema_dot_table) const;
  const std::vector<std::string>& include_patterns() const { return include_text_; }

 private:
  std::vector<std::string> include_text_;
  std::vector<std::regex> include_, exclude_;
};

struct TableInfo {
  Oid oid = 0;
  std::string schema;
  std::string name;
  char replica_identity = 'd';  // d default (primary key) | n nothing | f full | i index
  bool partitioned = false;     // relkind 'p': holds no rows itself, its partitions do
  bool has_primary_key = false;
  bool selectable = false;  // current user has SELECT
  bool owned = false;       // current user owns it (may add it to a publication)
  std::string qualified() const { return schema + "." + name; }
};

// Ordinary and partitioned tables outside the system schemas that `filter` selects, ordered by name.
std::vector<TableInfo> list_tables(PgConnection& c, const TableFilter& filter);

// Primary-key column names of a relation, in key order; empty when it has none.
std::vector<std::string> primary_key_columns(PgConnection& c, Oid relid);

// Names of the columns of a relation declared NOT NULL (non-optional in the Connect schema).
std::vector<std::string> not_null_columns(PgConnection& c, Oid relid);

// Replica identity of one relation ('d', 'n', 'f', 'i'); nullopt when the relation does not exist.
std::optional<char> replica_identity(PgConnection& c, Oid relid);

struct TypeInfo {
  Oid oid = 0;
  std::string schema;
  std::string name;        // typname, e.g. "int4", "_text", "mood"
  char type_type = 'b';    // typtype: b base | c composite | d domain | e enum | p pseudo | r range | m multirange
  char category = 'U';     // typcategory: A array, B boolean, N numeric, S string, D datetime, E enum, …
  Oid base_type = 0;       // for a domain: the first non-domain type underneath (domains over domains resolved)
  int32_t base_typmod = -1;  // for a domain: its typtypmod, e.g. numeric(10,2)
  Oid element_type = 0;    // for an array: typelem
  std::vector<std::string> enum_labels;  // for an enum: in enumsortorder
};

// nullopt when no type has that OID.
std::optional<TypeInfo> type_info(PgConnection& c, Oid oid);
// The same facts in the shape the type mapper (postgres/pg_types.h) takes: domains point at their base
// type, arrays at their element type.
std::optional<PgTypeInfo> pg_type_info(PgConnection& c, Oid oid);

// Writes a non-transactional logical message (pgoutput 'M' with messages on) and returns its LSN. The
// agent acknowledges it like a commit, so a slot whose captured tables are idle keeps advancing and
// the server can recycle WAL.
Lsn emit_heartbeat_message(PgConnection& c, std::string_view prefix, std::string_view content = "heartbeat");

}  // namespace cdc::pg
