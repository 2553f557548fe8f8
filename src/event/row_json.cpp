#include "event/row_json.h"

#include "event/decimal.h"
#include "event/json_append.h"
#include "util/error.h"

namespace cdc::event {
namespace {

std::string column_path(const TableSchema& t, const Column& c) { return t.ns() + "." + t.table + "." + c.name; }

// Null in a NOT NULL column. A source only produces one when the value is simply not there: PostgreSQL
// REPLICA IDENTITY DEFAULT leaves non-key columns out of the before-image. Debezium then writes the
// column's default, or its converters' fallback zero value ("", 0, false, Decimal "AA=="), and we do the
// same so that the payload stays valid against its own schema (JsonConverter rejects a null in a
// required field on the consumer side).
//
// Deliberate difference: for an OPTIONAL column, Debezium (JsonConverter replace.null.with.default=true)
// also turns a genuine NULL into the column default, so an explicit NULL in a nullable column with a
// DEFAULT is reported as the default. That loses data; we keep null there (Kafka 3.x added
// replace.null.with.default=false for exactly this reason). The default still appears in the schema.
void append_missing_required(std::string& out, const Column& c) {
  if (!c.default_json.empty()) {
    out.append(c.default_json);
    return;
  }
  switch (c.type) {
    case FieldType::boolean: out.append("false"); return;
    case FieldType::int8:
    case FieldType::int16:
    case FieldType::int32:
    case FieldType::int64: out.push_back('0'); return;
    case FieldType::float32:
    case FieldType::float64: out.append("0.0"); return;
    case FieldType::bytes:
      out.append(c.semantic == "org.apache.kafka.connect.data.Decimal" ? "\"AA==\"" : "\"\"");
      return;
    case FieldType::string:
      // Debezium's fallback for a required ZonedTimestamp (e.g. MySQL's NOT NULL zero TIMESTAMP) is the epoch.
      out.append(c.semantic == "io.debezium.time.ZonedTimestamp" ? "\"1970-01-01T00:00:00Z\"" : "\"\"");
      return;
    case FieldType::array: out.append("[]"); return;
    case FieldType::map:
    case FieldType::struct_: out.append("null"); return;
  }
}

void append_bytes(std::string& out, const Column& c, std::string_view raw, const EnvelopeOptions& o) {
  out.push_back('"');
  // A bytes-typed schema is base64 (JsonConverter); a string-typed one carries binary_handling's text.
  if (c.type == FieldType::bytes || o.binary == BinaryHandling::base64 || o.binary == BinaryHandling::bytes) {
    json::append_base64(out, raw);
  } else if (o.binary == BinaryHandling::base64_url_safe) {
    json::append_base64(out, raw, true);
  } else {
    json::append_hex(out, raw);
  }
  out.push_back('"');
}

void append_decimal(std::string& out, const TableSchema& t, const Column& c, std::string_view text) {
  decimal::Parts p;
  if (!decimal::parse(text, p)) {
    throw Error(ExitCode::internal, "column " + column_path(t, c) + ": malformed decimal text from the source");
  }
  bool ok = true;
  switch (c.type) {
    case FieldType::bytes: ok = decimal::append_connect_decimal(out, p, c.decimal_scale); break;
    case FieldType::struct_: ok = decimal::append_variable_scale(out, p); break;
    case FieldType::float64: json::append_double(out, decimal::to_double(text, p)); break;
    default: decimal::append_plain(out, p, c.decimal_scale); break;
  }
  if (ok) return;
  // Debezium fails the connector here too (SpecialValueDecimal.fromLogical); dropping the value silently
  // would be worse.
  if (p.special != decimal::Special::none) {
    throw Error(ExitCode::config, "column " + column_path(t, c) + " holds " + std::string(text) +
                                      ", which envelope.decimal_handling: precise cannot represent; set "
                                      "envelope.decimal_handling to string or double");
  }
  throw Error(ExitCode::internal, "column " + column_path(t, c) + ": value " + std::string(text) +
                                      " has more fraction digits than the column scale " +
                                      std::to_string(c.decimal_scale));
}

}  // namespace

std::vector<std::string> field_labels(const TableSchema& t) {
  std::vector<std::string> labels;
  labels.reserve(t.columns.size());
  for (const Column& c : t.columns) {
    std::string l;
    json::append_string(l, c.name);
    l.push_back(':');
    labels.push_back(std::move(l));
  }
  return labels;
}

void append_value(std::string& out, const TableSchema& t, const Column& c, const Row& row, const Value& v,
                  const EnvelopeOptions& o) {
  switch (v.kind) {
    case Value::Kind::null:
      if (c.optional) {
        out.append("null");
      } else {
        append_missing_required(out, c);
      }
      return;
    case Value::Kind::boolean: out.append(v.b ? "true" : "false"); return;
    case Value::Kind::int64: json::append_int(out, v.i); return;
    case Value::Kind::float32: json::append_float(out, static_cast<float>(v.d)); return;
    case Value::Kind::float64: json::append_double(out, v.d); return;
    case Value::Kind::text: json::append_string(out, row.view(v)); return;
    case Value::Kind::bytes: append_bytes(out, c, row.view(v), o); return;
    case Value::Kind::decimal: append_decimal(out, t, c, row.view(v)); return;
    case Value::Kind::raw_json: out.append(row.view(v)); return;
  }
}

void append_row(std::string& out, const TableSchema& t, std::span<const std::string> labels, const Row& row,
                std::span<const uint32_t> which, const EnvelopeOptions& o) {
  out.push_back('{');
  const size_t n = which.empty() ? t.columns.size() : which.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = which.empty() ? k : which[k];
    if (k != 0) out.push_back(',');
    out.append(labels[i]);
    if (i < row.values.size()) {
      append_value(out, t, t.columns[i], row, row.values[i], o);
    } else {
      append_value(out, t, t.columns[i], row, Value{}, o);
    }
  }
  out.push_back('}');
}

}  // namespace cdc::event
