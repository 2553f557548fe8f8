#include "event/envelope.h"

#include <array>
#include <utility>

#include "event/columns.h"
#include "event/json_append.h"
#include "event/row_json.h"
#include "event/schema_json.h"
#include "event/source_json.h"
#include "util/error.h"

namespace cdc::event {
namespace {

// Cached schemas are only ever a handful per source; the bound stops a DDL storm from growing it forever.
constexpr size_t kMaxCachedTables = 4096;

// Kafka topic names allow [a-zA-Z0-9._-] only. Debezium replaces each offending Java char with '_', so a
// non-ASCII character becomes one '_' (two for characters outside the BMP, which are surrogate pairs).
std::string sanitize_topic(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (ok) {
      out.push_back(ch);
    } else if (c < 0x80 || c >= 0xC0) {  // a UTF-8 continuation byte adds no character
      out.append(c >= 0xF0 ? "__" : "_");
    }
  }
  return out;
}

// `{"schema":<schema>,"payload":` for a top-level struct schema.
std::string wrapped_prefix(const Column& top) {
  std::string out = "{\"schema\":";
  schema::append_column(out, top, false);
  out.append(",\"payload\":");
  return out;
}

Column envelope_schema(const TableSchema& t, Connector c, const std::string& topic) {
  const std::string row_name = topic + ".Value";
  const std::array<Column, 3> tx_members{col::string("id", false), col::int64("total_order", false),
                                         col::int64("data_collection_order", false)};
  const std::vector<Column> f{
      schema::struct_column("before", t.columns, true, row_name, 0),
      schema::struct_column("after", t.columns, true, row_name, 0),
      source_schema(c),
      schema::struct_column("transaction", tx_members, true, "event.block", 1),
      col::string("op", false),
      col::int64("ts_ms", true),
      col::int64("ts_us", true),
      col::int64("ts_ns", true),
  };
  return schema::struct_column("", f, false, topic + ".Envelope", 2);
}

Column key_schema(const TableSchema& t, const std::string& topic) {
  std::vector<Column> members;
  for (const uint32_t i : t.key) members.push_back(t.columns.at(i));
  return schema::struct_column("", members, false, topic + ".Key", 0);
}

const Row* key_row(const ChangeEvent& e) {
  if (e.op == Op::del) return e.has_before ? &e.before : (e.has_after ? &e.after : nullptr);
  return e.has_after ? &e.after : (e.has_before ? &e.before : nullptr);
}

void append_row_or_null(std::string& out, bool present, const TableSchema& t, std::span<const std::string> labels,
                        const Row& row, const EnvelopeOptions& o) {
  if (present) {
    append_row(out, t, labels, row, {}, o);
  } else {
    out.append("null");
  }
}

}  // namespace

EnvelopeWriter::EnvelopeWriter(EnvelopeOptions opts) : opts_(std::move(opts)) {
  json::append_string(name_json_, opts_.prefix);
  const std::array<Column, 1> hb_key{col::string("serverName", false)};
  const std::array<Column, 1> hb_value{col::int64("ts_ms", false)};
  heartbeat_key_prefix_ =
      wrapped_prefix(schema::struct_column("", hb_key, false, "io.debezium.connector.common.ServerNameKey", 1));
  heartbeat_value_prefix_ =
      wrapped_prefix(schema::struct_column("", hb_value, false, "io.debezium.connector.common.Heartbeat", 1));

  const std::array<Column, 1> tx_key{col::string("id", false)};
  tx_key_prefix_ =
      wrapped_prefix(schema::struct_column("", tx_key, false, "io.debezium.connector.common.TransactionMetadataKey", 1));
  const std::array<Column, 2> collection{col::string("data_collection", false), col::int64("event_count", false)};
  const std::array<Column, 5> tx_value{
      col::string("status", false), col::string("id", false), col::int64("event_count", true),
      col::array("data_collections", schema::struct_column("", collection, true, "event.collection", 1), true),
      col::int64("ts_ms", false)};
  tx_value_prefix_ = wrapped_prefix(
      schema::struct_column("", tx_value, false, "io.debezium.connector.common.TransactionMetadataValue", 1));
}

std::string EnvelopeWriter::topic(const TableSchema& t) const {
  return sanitize_topic(opts_.prefix + "." + t.ns() + "." + t.table);
}

EnvelopeWriter::TableCache EnvelopeWriter::render(const TableSchema& t, Connector c) const {
  TableCache tc;
  tc.version = t.version;
  tc.connector = c;
  tc.uid = t.uid.value();
  tc.labels = field_labels(t);
  tc.topic = topic(t);
  if (opts_.schemas) {
    tc.key_prefix = wrapped_prefix(key_schema(t, tc.topic));
    tc.value_prefix = wrapped_prefix(envelope_schema(t, c, tc.topic));
  }
  return tc;
}

const EnvelopeWriter::TableCache& EnvelopeWriter::cache_for(const TableSchema& t, Connector c) {
  if (last_table_ == &t && last_cache_->version == t.version && last_cache_->connector == c &&
      last_cache_->uid == t.uid.value()) {
    return *last_cache_;
  }
  auto it = cache_.find(&t);
  if (it == cache_.end() || it->second.version != t.version || it->second.connector != c ||
      it->second.uid != t.uid.value()) {
    if (it == cache_.end() && cache_.size() >= kMaxCachedTables) cache_.clear();
    it = cache_.insert_or_assign(&t, render(t, c)).first;
    ++generation_;
  }
  last_table_ = &t;
  last_cache_ = &it->second;
  return it->second;
}

void EnvelopeWriter::wrap_begin(std::string& out, const std::string& schema_prefix) const {
  if (opts_.schemas) out.append(schema_prefix);
}

void EnvelopeWriter::wrap_end(std::string& out) const {
  if (opts_.schemas) out.push_back('}');
}

bool EnvelopeWriter::key(const ChangeEvent& e, std::string& out) {
  if (e.table == nullptr || e.table->key.empty() || e.op == Op::truncate) return false;
  const Row* row = key_row(e);
  if (row == nullptr) return false;
  const TableCache& tc = cache_for(*e.table, e.source.connector);
  wrap_begin(out, tc.key_prefix);
  append_row(out, *e.table, tc.labels, *row, e.table->key, opts_);
  wrap_end(out);
  return true;
}

void EnvelopeWriter::value(const ChangeEvent& e, std::string& out) {
  out.append(value_prefix(e));
  value_payload(e, out);
}

std::string_view EnvelopeWriter::value_prefix(const ChangeEvent& e) {
  if (e.table == nullptr) throw Error(ExitCode::internal, "envelope: change event without a table");
  if (!opts_.schemas) return {};
  return cache_for(*e.table, e.source.connector).value_prefix;
}

void EnvelopeWriter::value_payload(const ChangeEvent& e, std::string& out) {
  if (e.table == nullptr) throw Error(ExitCode::internal, "envelope: change event without a table");
  const TableSchema& t = *e.table;
  const TableCache& tc = cache_for(t, e.source.connector);
  out.append("{\"before\":");
  append_row_or_null(out, e.has_before, t, tc.labels, e.before, opts_);
  out.append(",\"after\":");
  append_row_or_null(out, e.has_after, t, tc.labels, e.after, opts_);
  out.append(",\"source\":");
  append_source_cached(out, e);
  out.append(",\"transaction\":");
  if (e.tx) {
    out.append("{\"id\":");
    json::append_string(out, e.tx->id);
    out.append(",\"total_order\":");
    json::append_int(out, e.tx->total_order);
    out.append(",\"data_collection_order\":");
    json::append_int(out, e.tx->data_collection_order);
    out.push_back('}');
  } else {
    out.append("null");
  }
  const char op[] = {',', '"', 'o', 'p', '"', ':', '"', static_cast<char>(e.op), '"'};
  out.append(op, sizeof op);
  if (processed_json_.empty() || e.processed_ts_ns != processed_ns_) {
    // Instant.toEpochMilli / micros floor (processed time is never before 1970 anyway).
    const json::EpochNanos processed(e.processed_ts_ns);
    processed_ns_ = e.processed_ts_ns;
    processed_json_.assign(",\"ts_ms\":");
    processed.append(processed_json_, 6);
    processed_json_.append(",\"ts_us\":");
    processed.append(processed_json_, 3);
    processed_json_.append(",\"ts_ns\":");
    processed.append(processed_json_, 0);
  }
  out.append(processed_json_);
  out.push_back('}');
  wrap_end(out);
}

void EnvelopeWriter::append_source_cached(std::string& out, const ChangeEvent& e) {
  const SourceInfo& s = e.source;
  SourceCache& c = source_cache_;
  const bool binlog = s.connector == Connector::mysql || s.connector == Connector::mariadb;
  // pos first: it differs between rows events, so a miss is found with one comparison.
  if (binlog && c.valid && s.pos == c.info.pos && s.ts_ns == c.info.ts_ns && s.connector == c.info.connector &&
      s.server_id == c.info.server_id && s.thread == c.info.thread && s.snapshot == c.info.snapshot &&
      e.table == c.table && e.table != nullptr && e.table->table == c.table_name && s.file == c.info.file &&
      s.gtid == c.info.gtid && s.db == c.info.db && s.sequence == c.info.sequence && s.query == c.info.query) {
    out.append(c.head);
    json::append_int(out, s.row);
    out.append(c.tail);
    return;
  }
  const size_t at = out.size();
  append_source(out, e, name_json_, &query_cache_);
  // Only the second row of a rows event is worth keeping: single-row events (row 0) never hit.
  if (!binlog || s.row == 0 || e.table == nullptr) return;
  // `,"row":` cannot occur inside a JSON string (its quote would be escaped), so the first one is the field.
  const std::string_view text = std::string_view(out).substr(at);
  const size_t row = text.find(",\"row\":");
  const size_t thread = text.find(",\"thread\":", row);
  if (row == std::string_view::npos || thread == std::string_view::npos) return;
  c.head.assign(text.substr(0, row + 7));
  c.tail.assign(text.substr(thread));
  c.info.connector = s.connector;
  c.info.ts_ns = s.ts_ns;
  c.info.snapshot = s.snapshot;
  c.info.db = s.db;
  c.info.server_id = s.server_id;
  c.info.gtid = s.gtid;
  c.info.file = s.file;
  c.info.pos = s.pos;
  c.info.thread = s.thread;
  c.info.query = s.query;
  c.info.sequence = s.sequence;
  c.table = e.table;
  c.table_name = e.table->table;
  c.valid = true;
}

bool EnvelopeWriter::wants_tombstone(const ChangeEvent& e) const {
  return opts_.tombstones && e.op == Op::del && e.table != nullptr && !e.table->key.empty();
}

std::string EnvelopeWriter::heartbeat_topic() const { return sanitize_topic("__debezium-heartbeat." + opts_.prefix); }

void EnvelopeWriter::heartbeat_key(std::string& out) const {
  wrap_begin(out, heartbeat_key_prefix_);
  out.append("{\"serverName\":");
  out.append(name_json_);
  out.push_back('}');
  wrap_end(out);
}

void EnvelopeWriter::heartbeat_value(int64_t ts_ms, std::string& out) const {
  wrap_begin(out, heartbeat_value_prefix_);
  out.append("{\"ts_ms\":");
  json::append_int(out, ts_ms);
  out.push_back('}');
  wrap_end(out);
}

std::string EnvelopeWriter::transaction_topic() const { return sanitize_topic(opts_.prefix + ".transaction"); }

void EnvelopeWriter::transaction_key(std::string_view tx_id, std::string& out) const {
  wrap_begin(out, tx_key_prefix_);
  out.append("{\"id\":");
  json::append_string(out, tx_id);
  out.push_back('}');
  wrap_end(out);
}

void EnvelopeWriter::transaction_begin(std::string_view tx_id, int64_t ts_ms, std::string& out) const {
  wrap_begin(out, tx_value_prefix_);
  out.append("{\"status\":\"BEGIN\",\"id\":");
  json::append_string(out, tx_id);
  out.append(",\"event_count\":null,\"data_collections\":null,\"ts_ms\":");
  json::append_int(out, ts_ms);
  out.push_back('}');
  wrap_end(out);
}

void EnvelopeWriter::transaction_end(std::string_view tx_id, int64_t ts_ms, std::span<const CollectionCount> counts,
                                     std::string& out) const {
  int64_t total = 0;
  for (const auto& c : counts) total += c.event_count;
  wrap_begin(out, tx_value_prefix_);
  out.append("{\"status\":\"END\",\"id\":");
  json::append_string(out, tx_id);
  out.append(",\"event_count\":");
  json::append_int(out, total);
  out.append(",\"data_collections\":[");
  for (size_t i = 0; i < counts.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.append("{\"data_collection\":");
    json::append_string(out, counts[i].data_collection);
    out.append(",\"event_count\":");
    json::append_int(out, counts[i].event_count);
    out.push_back('}');
  }
  out.append("],\"ts_ms\":");
  json::append_int(out, ts_ms);
  out.push_back('}');
  wrap_end(out);
}

}  // namespace cdc::event
