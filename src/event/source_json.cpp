#include "event/source_json.h"

#include <vector>

#include "cdc_version.h"
#include "event/columns.h"
#include "event/json_append.h"
#include "event/schema_json.h"

namespace cdc::event {
namespace {

void append_opt_string(std::string& out, std::string_view s) {
  if (s.empty()) {
    out.append("null");
  } else {
    json::append_string(out, s);
  }
}

void append_opt_int(std::string& out, const std::optional<int64_t>& v) {
  if (v) {
    json::append_int(out, *v);
  } else {
    out.append("null");
  }
}

bool is_binlog(Connector c) { return c == Connector::mysql || c == Connector::mariadb; }

}  // namespace

std::string_view connector_name(Connector c) {
  switch (c) {
    case Connector::mysql: return "mysql";
    case Connector::mariadb: return "mariadb";
    case Connector::postgresql: return "postgresql";
  }
  return "mysql";
}

std::string_view snapshot_name(SnapshotMarker s) {
  switch (s) {
    case SnapshotMarker::false_: return "false";
    case SnapshotMarker::true_: return "true";
    case SnapshotMarker::first: return "first";
    case SnapshotMarker::first_in_data_collection: return "first_in_data_collection";
    case SnapshotMarker::last_in_data_collection: return "last_in_data_collection";
    case SnapshotMarker::last: return "last";
    case SnapshotMarker::incremental: return "incremental";
  }
  return "false";
}

Column source_schema(Connector c) {
  // SnapshotRecord's values in declaration order, lower-cased; default "false" (SchemaFactory).
  Column snapshot = col::enumeration(
      "snapshot", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental", true);
  snapshot.default_json = "\"false\"";
  std::vector<Column> f{col::string("version", false), col::string("connector", false), col::string("name", false),
                        col::int64("ts_ms", false),    snapshot,
                        col::string("db", false),      col::string("sequence", true),
                        col::int64("ts_us", true),     col::int64("ts_ns", true)};
  if (is_binlog(c)) {
    f.push_back(col::string("table", true));
    f.push_back(col::int64("server_id", false));
    f.push_back(col::string("gtid", true));
    f.push_back(col::string("file", false));
    f.push_back(col::int64("pos", false));
    f.push_back(col::int32("row", false));
    f.push_back(col::int64("thread", true));
    f.push_back(col::string("query", true));
  } else {
    f.push_back(col::string("schema", false));
    f.push_back(col::string("table", false));
    f.push_back(col::int64("txId", true));
    f.push_back(col::int64("lsn", true));
    f.push_back(col::int64("xmin", true));
  }
  std::string name = "io.debezium.connector.";
  name.append(connector_name(c));
  name.append(".Source");
  return schema::struct_column("source", f, false, std::move(name), 1);
}

std::string_view QueryJsonCache::get(std::string_view query) {
  if (query != raw_ || json_.empty()) {
    raw_.assign(query);
    json_.clear();
    json::append_string(json_, query);
  }
  return json_;
}

void append_source(std::string& out, const ChangeEvent& e, std::string_view name_json, QueryJsonCache* queries) {
  const SourceInfo& s = e.source;
  const json::EpochNanos ts(s.ts_ns);
  out.append("{\"version\":\"" CDC_AGENT_VERSION "\",\"connector\":\"");
  out.append(connector_name(s.connector));
  out.append("\",\"name\":");
  out.append(name_json);
  out.append(",\"ts_ms\":");
  ts.append(out, 6);
  out.append(",\"snapshot\":\"");
  out.append(snapshot_name(s.snapshot));
  out.append("\",\"db\":");
  json::append_string(out, s.db);
  out.append(",\"sequence\":");
  append_opt_string(out, s.sequence);
  out.append(",\"ts_us\":");
  ts.append(out, 3);
  out.append(",\"ts_ns\":");
  ts.append(out, 0);
  const std::string_view table = e.table != nullptr ? std::string_view(e.table->table) : std::string_view();
  if (is_binlog(s.connector)) {
    out.append(",\"table\":");
    append_opt_string(out, table);
    out.append(",\"server_id\":");
    json::append_int(out, s.server_id);
    out.append(",\"gtid\":");
    append_opt_string(out, s.gtid);
    out.append(",\"file\":");
    json::append_string(out, s.file);
    out.append(",\"pos\":");
    json::append_int(out, s.pos);
    out.append(",\"row\":");
    json::append_int(out, s.row);
    out.append(",\"thread\":");
    append_opt_int(out, s.thread);
    out.append(",\"query\":");
    if (queries != nullptr && !s.query.empty()) {
      out.append(queries->get(s.query));
    } else {
      append_opt_string(out, s.query);
    }
  } else {
    out.append(",\"schema\":");
    json::append_string(out, e.table != nullptr ? std::string_view(e.table->schema) : std::string_view());
    out.append(",\"table\":");
    json::append_string(out, table);
    out.append(",\"txId\":");
    append_opt_int(out, s.tx_id);
    out.append(",\"lsn\":");
    json::append_int(out, s.lsn);
    out.append(",\"xmin\":");
    append_opt_int(out, s.xmin);
  }
  out.push_back('}');
}

}  // namespace cdc::event
