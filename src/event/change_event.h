// The source-neutral change event: what both sources produce and what the envelope writer consumes.
// Values stay typed until the writer (no DOM): integers, floats, decimals as digit text, text and bytes as
// views into the row's own arena, so decoding a row allocates nothing once the Row's buffers are warm.
#pragma once
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cdc::event {

enum class Op : char { create = 'c', update = 'u', del = 'd', read = 'r', truncate = 't', message = 'm' };

// Kafka Connect schema types, as JsonConverter names them.
enum class FieldType : uint8_t { boolean, int8, int16, int32, int64, float32, float64, bytes, string, array, map, struct_ };
std::string_view field_type_name(FieldType t);

// One column as it appears in the Connect schema of the Value/Key structs. Built by a source's type mapper
// (which already applied decimal/binary/bigint handling modes), rendered by the envelope writer.
struct Column {
  std::string name;
  FieldType type = FieldType::string;
  std::string semantic;  // Connect schema name, e.g. "io.debezium.time.Date"; empty = none
  int version = 0;       // schema version; 0 = not written
  std::vector<std::pair<std::string, std::string>> parameters;  // written in this order
  bool optional = true;
  std::string default_json;  // JSON text of the column default for schemas:true; empty = no default
  // Arrays: the element schema. Structs (geometry, variable-scale decimal): the rendered "fields" array.
  FieldType item_type = FieldType::string;
  std::string item_semantic;
  std::string struct_fields_json;
  int decimal_scale = 0;  // for Decimal values: the column scale the unscaled integer is rescaled to
  std::string doc;         // schema "doc" (Debezium sets it on Geometry and VariableScaleDecimal); empty = none
  std::string items_json;  // arrays: the rendered "items" schema node (col::array fills it from the item Column)
};

// Identity of one TableSchema object, for caches keyed by its address: every construction, copy or
// assignment draws a new number, so an address reused by another schema never matches a stale entry.
class SchemaUid {
 public:
  SchemaUid() : v_(next()) {}
  SchemaUid(const SchemaUid&) : v_(next()) {}
  SchemaUid& operator=(const SchemaUid&) {
    v_ = next();
    return *this;
  }
  uint64_t value() const { return v_; }

 private:
  static uint64_t next() {
    static std::atomic<uint64_t> counter{0};
    return counter.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  uint64_t v_;
};

// A table's shape at one point in time. Immutable once published; a DDL produces a new version.
struct TableSchema {
  std::string db;      // MySQL database; PostgreSQL database name (source.db)
  std::string schema;  // PostgreSQL schema; empty for MySQL
  std::string table;
  std::vector<Column> columns;
  std::vector<uint32_t> key;  // indexes into columns of the primary key, in key order; empty = null key
  uint64_t version = 0;
  SchemaUid uid;

  // "<db>" for MySQL, "<schema>" for PostgreSQL: the middle part of the topic name.
  const std::string& ns() const { return schema.empty() ? db : schema; }
};

struct Value {
  enum class Kind : uint8_t {
    null,
    boolean,
    int64,
    float32,  // printed as the shortest float repr (Java Float.toString semantics)
    float64,
    text,      // UTF-8 text; invalid sequences are replaced with U+FFFD by the writer
    bytes,     // raw bytes; rendered per binary_handling
    decimal,   // decimal digit text like "-123.4500" or "NaN"; rendered per decimal_handling + column scale
    raw_json,  // pre-rendered JSON (arrays, structs); written verbatim
  };
  Kind kind = Kind::null;
  union {
    bool b;
    int64_t i = 0;
    double d;
  };
  uint32_t off = 0;  // text/bytes/decimal/raw_json: [off, off+len) in Row::arena
  uint32_t len = 0;
};

// One row image. Reused across events: clear() keeps capacity.
struct Row {
  std::vector<Value> values;  // one per TableSchema column, in column order
  std::string arena;

  void reset(size_t ncols) {
    values.assign(ncols, Value{});
    arena.clear();
  }
  std::string_view view(const Value& v) const { return std::string_view(arena).substr(v.off, v.len); }
  void set_null(size_t i) { values[i] = Value{}; }
  void set_bool(size_t i, bool b) {
    values[i] = Value{};
    values[i].kind = Value::Kind::boolean;
    values[i].b = b;
  }
  void set_int(size_t i, int64_t x) {
    values[i] = Value{};
    values[i].kind = Value::Kind::int64;
    values[i].i = x;
  }
  void set_float64(size_t i, double x) {
    values[i] = Value{};
    values[i].kind = Value::Kind::float64;
    values[i].d = x;
  }
  void set_float32(size_t i, float x) {
    values[i] = Value{};
    values[i].kind = Value::Kind::float32;
    values[i].d = x;
  }
  void set_text(size_t i, std::string_view s) { set_span(i, Value::Kind::text, s); }
  void set_bytes(size_t i, std::string_view s) { set_span(i, Value::Kind::bytes, s); }
  void set_decimal(size_t i, std::string_view digits) { set_span(i, Value::Kind::decimal, digits); }
  void set_raw_json(size_t i, std::string_view json) { set_span(i, Value::Kind::raw_json, json); }
  // Appends to the arena and returns where, for callers that build a value in place (e.g. base conversion).
  void set_span(size_t i, Value::Kind k, std::string_view s) {
    Value v;
    v.kind = k;
    v.off = static_cast<uint32_t>(arena.size());
    v.len = static_cast<uint32_t>(s.size());
    arena.append(s);
    values[i] = v;
  }
};

enum class Connector : uint8_t { mysql, mariadb, postgresql };
enum class SnapshotMarker : uint8_t { false_, true_, first, first_in_data_collection, last_in_data_collection, last, incremental };

// source block fields. Which ones are written depends on the connector (see ENVELOPE.md for order).
struct SourceInfo {
  Connector connector = Connector::mysql;
  int64_t ts_ns = 0;  // commit time; ts_ms / ts_us derived
  SnapshotMarker snapshot = SnapshotMarker::false_;
  std::string db;     // source.db (database name)
  // MySQL / MariaDB
  int64_t server_id = 0;
  std::string gtid;   // empty = null
  std::string file;
  int64_t pos = 0;
  int32_t row = 0;
  std::optional<int64_t> thread;
  std::string query;  // empty = null
  // PostgreSQL
  std::optional<int64_t> tx_id;
  int64_t lsn = 0;
  std::optional<int64_t> xmin;
  std::string sequence;  // PostgreSQL: "[\"<last commit lsn>\",\"<this lsn>\"]"; empty = null
};

struct TxBlock {
  std::string id;
  int64_t total_order = 0;
  int64_t data_collection_order = 0;
};

struct ChangeEvent {
  Op op = Op::create;
  const TableSchema* table = nullptr;  // outlives the event until it has been written
  bool has_before = false;
  bool has_after = false;
  Row before;
  Row after;
  SourceInfo source;
  std::optional<TxBlock> tx;  // set only when transaction metadata is on
  int64_t processed_ts_ns = 0;  // when the agent processed the event (top-level ts_*)
  // Fixed-width id, totally ordered within one source; see event/change_id.h. Sent as Kafka header.
  std::string change_id;
  std::string tx_id;  // transaction id header ("" when unknown)
};

}  // namespace cdc::event
