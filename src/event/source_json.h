// The envelope's `source` block: schema and payload per connector, fields in Debezium's order
// (SchemaFactory.sourceInfoSchemaBuilder, then BinlogSourceInfoStructMaker / PostgresSourceInfoStructMaker
// as of Debezium 3.1–3.4; the origin fields PostgreSQL gained in 3.5 are not written).
#pragma once
#include <string>
#include <string_view>

#include "event/change_event.h"

namespace cdc::event {

std::string_view connector_name(Connector c);     // "mysql" | "mariadb" | "postgresql"
std::string_view snapshot_name(SnapshotMarker s);  // "false", "true", "first", …

// The source struct schema, as a Column named "source" (io.debezium.connector.<connector>.Source, v1).
Column source_schema(Connector c);

// The JSON form of the last source.query seen: every row of a statement, often of a whole transaction,
// carries the same query text (hundreds of bytes or more), so it is escaped once and copied after that.
class QueryJsonCache {
 public:
  std::string_view get(std::string_view query);

 private:
  std::string raw_, json_;
};

// The source payload. `name_json` is the quoted, escaped topic prefix (source.name). `queries`, when
// given, renders source.query through that cache.
void append_source(std::string& out, const ChangeEvent& e, std::string_view name_json,
                   QueryJsonCache* queries = nullptr);

}  // namespace cdc::event
