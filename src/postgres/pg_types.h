// PostgreSQL column types -> Connect schema columns and pgoutput TEXT values -> typed Row values, the way
// Debezium's PostgresValueConverter does it (default modes: time.precision.mode=adaptive,
// interval.handling.mode=numeric, money.fraction.digits=2). Pure: no catalog queries here; the live
// source looks up non-built-in types (enums, domains, arrays of them) and registers them in a TypeRegistry.
//
// The walsender session must use DateStyle=ISO, IntervalStyle=postgres, bytea_output=hex (the defaults),
// and lc_monetary=C so that money reads "$1,234.56" / "-$1,234.56".
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"

namespace cdc::pg {

using Oid = uint32_t;

// Catalog facts about one type (pg_type, pg_enum), as the live source reads them.
struct PgTypeInfo {
  Oid oid = 0;
  std::string name;        // typname, e.g. "mood", "_mood", "citext"
  char category = 0;       // typcategory: 'E' enum, 'A' array, …
  Oid base_oid = 0;        // domains (typtype 'd'): typbasetype, else 0
  int32_t base_typmod = -1;  // domains: typtypmod (e.g. numeric(10,2) under the domain)
  Oid element_oid = 0;     // arrays: typelem, else 0
  std::vector<std::string> enum_labels;  // enums, in enumsortorder
};

// Non-built-in types known so far. Built-in OIDs never need an entry.
class TypeRegistry {
 public:
  void add(PgTypeInfo t) { types_[t.oid] = std::move(t); }
  const PgTypeInfo* find(Oid oid) const {
    auto it = types_.find(oid);
    return it == types_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<Oid, PgTypeInfo> types_;
};

// How a column's text is turned into a Value.
enum class PgValueKind : uint8_t {
  boolean, int16, int32, int64, float32, float64,
  numeric,      // numeric(p,s): Value::decimal text
  numeric_var,  // unconstrained numeric: Value::decimal text (trailing fraction zeros stripped in precise mode)
  money,        // "$1,234.56" -> Value::decimal "1234.56"
  text,         // text, varchar, bpchar, uuid, json, jsonb, xml, inet, cidr, macaddr, enums, ranges, unknown
  bytea,        // "\x0102" -> Value::bytes
  date,         // int32 days
  time_ms,      // time(0..3): int32 ms (io.debezium.time.Time)
  time_us,      // time(4..6): int64 µs
  timetz,       // ZonedTime string
  timestamp_ms, // timestamp(0..3): int64 ms
  timestamp_us, // timestamp(4..6): int64 µs
  timestamptz,  // ZonedTimestamp string
  interval,     // MicroDuration int64 µs
  array,        // Value::raw_json of the elements
};

// Which unchanged-TOAST placeholder a column gets (Debezium's UnchangedToastedPlaceholder).
enum class ToastPlaceholder : uint8_t {
  text,          // "__debezium_unavailable_value"
  bytes,         // the same 28 bytes
  text_array,    // ["__debezium_unavailable_value"]
  bytes_array,   // [<those bytes>]
  int_array,     // the placeholder's bytes as numbers (int4[], int8[], date[])
  uuid_array,    // [UUID.nameUUIDFromBytes(placeholder)]
};

inline constexpr std::string_view kUnavailableValue = "__debezium_unavailable_value";

struct PgColumnType {
  PgValueKind kind = PgValueKind::text;
  ToastPlaceholder toast = ToastPlaceholder::text;
  int scale = 0;  // numeric(p,s) and money: the column scale
  event::DecimalHandling decimal = event::DecimalHandling::precise;
  event::BinaryHandling binary = event::BinaryHandling::base64;
  std::shared_ptr<const PgColumnType> element;  // arrays: how to convert each element
};

struct MappedColumn {
  event::Column column;
  PgColumnType type;
  bool unknown_type = false;  // mapped to string because the OID is neither built-in nor registered
};

// Maps one column. `typmod` is pgoutput's (pg_attribute.atttypmod); for arrays it applies to the elements.
MappedColumn map_column(std::string name, Oid type_oid, int32_t typmod, bool optional, const TypeRegistry& types,
                        const event::EnvelopeOptions& opts);

// Converts one pgoutput text value into row.values[i]. Throws DecodeError naming the type on malformed text.
void convert_text(const PgColumnType& type, std::string_view text, event::Row& row, size_t i);

// Stores the unchanged-TOAST placeholder for the column into row.values[i].
void set_unchanged_toast(const PgColumnType& type, event::Row& row, size_t i);

}  // namespace cdc::pg
