// Schemas follow Debezium 3.1's io.debezium.data.*, io.debezium.time.* and SpecialValueDecimal builders.
#include "event/columns.h"

#include <array>
#include <utility>

#include "event/schema_json.h"

namespace cdc::event::col {
namespace {

Column plain(std::string name, FieldType type, bool optional) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.optional = optional;
  return c;
}

// A Debezium semantic type: a Connect primitive with a schema name, version 1 like all of them.
Column semantic(std::string name, FieldType type, std::string_view schema_name, bool optional) {
  Column c = plain(std::move(name), type, optional);
  c.semantic = schema_name;
  c.version = 1;
  return c;
}

Column connect_decimal(std::string name, int precision, int scale, bool optional) {
  Column c = semantic(std::move(name), FieldType::bytes, "org.apache.kafka.connect.data.Decimal", optional);
  c.parameters.emplace_back("scale", std::to_string(scale));  // Decimal.builder(scale) puts scale first
  if (precision > 0) c.parameters.emplace_back("connect.decimal.precision", std::to_string(precision));
  c.decimal_scale = scale;
  return c;
}

}  // namespace

Column boolean(std::string name, bool optional) { return plain(std::move(name), FieldType::boolean, optional); }
Column int16(std::string name, bool optional) { return plain(std::move(name), FieldType::int16, optional); }
Column int32(std::string name, bool optional) { return plain(std::move(name), FieldType::int32, optional); }
Column int64(std::string name, bool optional) { return plain(std::move(name), FieldType::int64, optional); }
Column float32(std::string name, bool optional) { return plain(std::move(name), FieldType::float32, optional); }
Column float64(std::string name, bool optional) { return plain(std::move(name), FieldType::float64, optional); }
Column string(std::string name, bool optional) { return plain(std::move(name), FieldType::string, optional); }

Column decimal(std::string name, int precision, int scale, const EnvelopeOptions& o, bool optional) {
  switch (o.decimal) {
    case DecimalHandling::precise: return connect_decimal(std::move(name), precision, scale, optional);
    case DecimalHandling::string: {
      Column c = plain(std::move(name), FieldType::string, optional);
      c.decimal_scale = scale;  // toPlainString after the scale is raised to the column's
      return c;
    }
    case DecimalHandling::double_: return plain(std::move(name), FieldType::float64, optional);
  }
  return plain(std::move(name), FieldType::string, optional);
}

Column variable_decimal(std::string name, const EnvelopeOptions& o, bool optional) {
  if (o.decimal != DecimalHandling::precise) return decimal(std::move(name), 0, 0, o, optional);
  static const std::array<Column, 2> members{plain("scale", FieldType::int32, false),
                                             plain("value", FieldType::bytes, false)};
  Column c = schema::struct_column(std::move(name), members, optional, "io.debezium.data.VariableScaleDecimal", 1);
  c.doc = "Variable scaled decimal";
  return c;
}

Column bigint_unsigned(std::string name, const EnvelopeOptions& o, bool optional) {
  // Precise mode is Decimal(20,0) whatever decimal_handling says (BinlogValueConverters).
  if (o.bigint_unsigned == BigintUnsignedHandling::precise) return connect_decimal(std::move(name), 20, 0, optional);
  return plain(std::move(name), FieldType::int64, optional);
}

Column bytes(std::string name, const EnvelopeOptions& o, bool optional) {
  // binary.handling.mode other than bytes hands Connect an already-encoded string.
  return plain(std::move(name), o.binary == BinaryHandling::bytes ? FieldType::bytes : FieldType::string, optional);
}

Column bits(std::string name, int length_bits, const EnvelopeOptions& /*o*/, bool optional) {
  // Bits ignores binary_handling: JdbcValueConverters builds Bits.builder(length) for BIT(n>1) directly.
  Column c = semantic(std::move(name), FieldType::bytes, "io.debezium.data.Bits", optional);
  c.parameters.emplace_back("length", std::to_string(length_bits));
  return c;
}

Column date(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::int32, "io.debezium.time.Date", optional);
}
Column micro_time(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::int64, "io.debezium.time.MicroTime", optional);
}
Column timestamp_ms(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::int64, "io.debezium.time.Timestamp", optional);
}
Column micro_timestamp(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::int64, "io.debezium.time.MicroTimestamp", optional);
}
Column zoned_timestamp(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::string, "io.debezium.time.ZonedTimestamp", optional);
}
Column zoned_time(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::string, "io.debezium.time.ZonedTime", optional);
}
Column year(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::int32, "io.debezium.time.Year", optional);
}
Column micro_duration(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::int64, "io.debezium.time.MicroDuration", optional);
}
Column json(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::string, "io.debezium.data.Json", optional);
}
Column xml(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::string, "io.debezium.data.Xml", optional);
}
Column uuid(std::string name, bool optional) {
  return semantic(std::move(name), FieldType::string, "io.debezium.data.Uuid", optional);
}

Column enumeration(std::string name, std::string_view allowed_csv, bool optional) {
  Column c = semantic(std::move(name), FieldType::string, "io.debezium.data.Enum", optional);
  c.parameters.emplace_back("allowed", std::string(allowed_csv));
  return c;
}

Column enum_set(std::string name, std::string_view allowed_csv, bool optional) {
  Column c = semantic(std::move(name), FieldType::string, "io.debezium.data.EnumSet", optional);
  c.parameters.emplace_back("allowed", std::string(allowed_csv));
  return c;
}

Column geometry(std::string name, const EnvelopeOptions& /*o*/, bool /*optional*/) {
  // wkb is a Connect BYTES field, so JsonConverter base64s it whatever binary_handling says. Debezium's
  // Geometry.builder() is optional() and TableSchemaBuilder never makes it required, so even a NOT NULL
  // geometry column has an optional schema.
  static const std::array<Column, 2> members{plain("wkb", FieldType::bytes, false),
                                             plain("srid", FieldType::int32, true)};
  Column c = schema::struct_column(std::move(name), members, true, "io.debezium.data.geometry.Geometry", 1);
  c.doc = "Geometry";
  return c;
}

Column array(std::string name, const Column& item, bool optional) {
  Column c = plain(std::move(name), FieldType::array, optional);
  c.item_type = item.type;
  c.item_semantic = item.semantic;
  schema::append_column(c.items_json, item, false);
  return c;
}

}  // namespace cdc::event::col
