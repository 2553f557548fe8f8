// Column constructors shared by both sources' type mappers. They apply the envelope handling modes
// (decimal/binary/bigint-unsigned) so the two sources cannot disagree on a schema. Each returns the
// Connect schema Debezium writes for that logical type (see ../shared/ENVELOPE.md).
#pragma once
#include <string>
#include <string_view>

#include "event/change_event.h"
#include "event/options.h"

namespace cdc::event::col {

Column boolean(std::string name, bool optional);
Column int16(std::string name, bool optional);
Column int32(std::string name, bool optional);
Column int64(std::string name, bool optional);
Column float32(std::string name, bool optional);
Column float64(std::string name, bool optional);
Column string(std::string name, bool optional);
// Value::decimal digit text; precise -> Connect Decimal (bytes, scale + connect.decimal.precision params),
// string -> string, double -> double. precision <= 0 means "not known" (no precision parameter).
Column decimal(std::string name, int precision, int scale, const EnvelopeOptions& o, bool optional);
// PostgreSQL unconstrained numeric: io.debezium.data.VariableScaleDecimal struct {scale,value} (precise),
// else string/double. Values: Value::decimal digit text; the writer computes the scale from the text.
Column variable_decimal(std::string name, const EnvelopeOptions& o, bool optional);
// MySQL BIGINT UNSIGNED: int64 (long mode) or Decimal(20,0) (precise). Values: Value::int64 in long
// mode (the mapper rejects > 2^63-1), Value::decimal text in precise mode.
Column bigint_unsigned(std::string name, const EnvelopeOptions& o, bool optional);
// Binary: bytes under binary_handling=bytes, otherwise string. Values: Value::bytes (writer encodes).
Column bytes(std::string name, const EnvelopeOptions& o, bool optional);
Column bits(std::string name, int length_bits, const EnvelopeOptions& o, bool optional);  // io.debezium.data.Bits
Column date(std::string name, bool optional);             // int32 io.debezium.time.Date (days since epoch)
Column micro_time(std::string name, bool optional);       // int64 io.debezium.time.MicroTime
Column timestamp_ms(std::string name, bool optional);     // int64 io.debezium.time.Timestamp
Column micro_timestamp(std::string name, bool optional);  // int64 io.debezium.time.MicroTimestamp
Column zoned_timestamp(std::string name, bool optional);  // string io.debezium.time.ZonedTimestamp
Column zoned_time(std::string name, bool optional);       // string io.debezium.time.ZonedTime
Column year(std::string name, bool optional);             // int32 io.debezium.time.Year
Column micro_duration(std::string name, bool optional);   // int64 io.debezium.time.MicroDuration
Column json(std::string name, bool optional);             // string io.debezium.data.Json
Column xml(std::string name, bool optional);              // string io.debezium.data.Xml
Column uuid(std::string name, bool optional);             // string io.debezium.data.Uuid
Column enumeration(std::string name, std::string_view allowed_csv, bool optional);  // io.debezium.data.Enum
Column enum_set(std::string name, std::string_view allowed_csv, bool optional);     // io.debezium.data.EnumSet
// io.debezium.data.geometry.Geometry struct {wkb: bytes, srid: optional int32}; values: Value::raw_json.
Column geometry(std::string name, const EnvelopeOptions& o, bool optional);
// Array of `item` (its type/semantic/parameters become the items schema). Values: Value::raw_json.
Column array(std::string name, const Column& item, bool optional);

}  // namespace cdc::event::col
