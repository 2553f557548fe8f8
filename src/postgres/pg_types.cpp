#include "postgres/pg_types.h"


#include "event/columns.h"
#include "util/error.h"

namespace cdc::pg {
namespace {

namespace col = event::col;
using event::Column;

// Built-in type OIDs (src/include/catalog/pg_type.dat); stable across PostgreSQL versions.
enum BuiltinOid : Oid {
  kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25, kOid = 26,
  kJson = 114, kXml = 142, kCidr = 650, kFloat4 = 700, kFloat8 = 701, kMacaddr8 = 774, kMoney = 790,
  kMacaddr = 829, kInet = 869, kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTime = 1083, kTimestamp = 1114,
  kTimestamptz = 1184, kInterval = 1186, kTimetz = 1266, kNumeric = 1700, kUuid = 2950, kJsonb = 3802,
  kInt4range = 3904, kNumrange = 3906, kTsrange = 3908, kTstzrange = 3910, kDaterange = 3912, kInt8range = 3926,
};

struct ArrayOid {
  Oid array;
  Oid element;
};
constexpr ArrayOid kBuiltinArrays[] = {
    {143, kXml},         {199, kJson},        {651, kCidr},         {775, kMacaddr8},   {791, kMoney},
    {1000, kBool},       {1001, kBytea},      {1002, kChar},        {1003, kName},      {1005, kInt2},
    {1007, kInt4},       {1009, kText},       {1014, kBpchar},      {1015, kVarchar},   {1016, kInt8},
    {1021, kFloat4},     {1022, kFloat8},     {1028, kOid},         {1040, kMacaddr},   {1041, kInet},
    {1115, kTimestamp},  {1182, kDate},       {1183, kTime},        {1185, kTimestamptz}, {1187, kInterval},
    {1231, kNumeric},    {1270, kTimetz},     {2951, kUuid},        {3807, kJsonb},     {3905, kInt4range},
    {3907, kNumrange},   {3909, kTsrange},    {3911, kTstzrange},   {3913, kDaterange}, {3927, kInt8range},
};

Oid builtin_array_element(Oid oid) {
  for (const auto& a : kBuiltinArrays)
    if (a.array == oid) return a.element;
  return 0;
}

// Debezium's adaptive precision: time/timestamp(0..3) in milliseconds, otherwise microseconds.
// typmod -1 means the default precision, 6.
bool millisecond_precision(int32_t typmod) { return typmod >= 0 && typmod <= 3; }

// io.debezium.time.Time (int32 ms); columns.h has no constructor for it since only PostgreSQL uses it.
Column time_ms_column(std::string name, bool optional) {
  Column c;
  c.name = std::move(name);
  c.type = event::FieldType::int32;
  c.semantic = "io.debezium.time.Time";
  c.version = 1;
  c.optional = optional;
  return c;
}

MappedColumn make(Column c, PgValueKind kind, const event::EnvelopeOptions& o, int scale = 0) {
  MappedColumn m;
  m.column = std::move(c);
  m.type.kind = kind;
  m.type.scale = scale;
  m.type.decimal = o.decimal;
  m.type.binary = o.binary;
  if (kind == PgValueKind::bytea) m.type.toast = ToastPlaceholder::bytes;
  return m;
}

// numeric typmod: ((precision << 16) | scale) + VARHDRSZ; since PostgreSQL 15 the scale is an 11-bit
// signed field (negative scales allowed).
MappedColumn map_numeric(std::string name, int32_t typmod, bool optional, const event::EnvelopeOptions& o) {
  if (typmod < 4) return make(col::variable_decimal(std::move(name), o, optional), PgValueKind::numeric_var, o);
  int32_t t = typmod - 4;
  int precision = (t >> 16) & 0xffff;
  int scale = ((t & 0x7ff) ^ 1024) - 1024;
  return make(col::decimal(std::move(name), precision, scale, o, optional), PgValueKind::numeric, o, scale);
}

std::optional<MappedColumn> map_builtin(std::string& name, Oid oid, int32_t typmod, bool optional,
                                        const event::EnvelopeOptions& o) {
  using K = PgValueKind;
  switch (oid) {
    case kBool: return make(col::boolean(std::move(name), optional), K::boolean, o);
    case kInt2: return make(col::int16(std::move(name), optional), K::int16, o);
    case kInt4: return make(col::int32(std::move(name), optional), K::int32, o);
    case kInt8:
    case kOid: return make(col::int64(std::move(name), optional), K::int64, o);
    case kFloat4: return make(col::float32(std::move(name), optional), K::float32, o);
    case kFloat8: return make(col::float64(std::move(name), optional), K::float64, o);
    case kNumeric: return map_numeric(std::move(name), typmod, optional, o);
    // money.fraction.digits defaults to 2; the Decimal carries only the scale.
    case kMoney: return make(col::decimal(std::move(name), 0, 2, o, optional), K::money, o, 2);
    case kChar: case kName: case kText: case kBpchar: case kVarchar: case kInet: case kCidr: case kMacaddr:
    case kMacaddr8: case kInt4range: case kNumrange: case kTsrange: case kTstzrange: case kDaterange:
    case kInt8range:
      return make(col::string(std::move(name), optional), K::text, o);
    case kUuid: return make(col::uuid(std::move(name), optional), K::text, o);
    case kJson:
    case kJsonb: return make(col::json(std::move(name), optional), K::text, o);
    case kXml: return make(col::xml(std::move(name), optional), K::text, o);
    case kBytea: return make(col::bytes(std::move(name), o, optional), K::bytea, o);
    case kDate: return make(col::date(std::move(name), optional), K::date, o);
    case kTime:
      if (millisecond_precision(typmod)) return make(time_ms_column(std::move(name), optional), K::time_ms, o);
      return make(col::micro_time(std::move(name), optional), K::time_us, o);
    case kTimetz: return make(col::zoned_time(std::move(name), optional), K::timetz, o);
    case kTimestamp:
      if (millisecond_precision(typmod)) return make(col::timestamp_ms(std::move(name), optional), K::timestamp_ms, o);
      return make(col::micro_timestamp(std::move(name), optional), K::timestamp_us, o);
    case kTimestamptz: return make(col::zoned_timestamp(std::move(name), optional), K::timestamptz, o);
    case kInterval: return make(col::micro_duration(std::move(name), optional), K::interval, o);
    default: return std::nullopt;
  }
}

// Debezium picks the array placeholder from the element type (UnchangedToastedReplicationMessageColumn).
ToastPlaceholder array_placeholder(Oid element) {
  switch (element) {
    case kBytea: return ToastPlaceholder::bytes_array;
    case kInt4: case kInt8: case kDate: return ToastPlaceholder::int_array;
    case kUuid: return ToastPlaceholder::uuid_array;
    default: return ToastPlaceholder::text_array;
  }
}

MappedColumn map_any(std::string name, Oid oid, int32_t typmod, bool optional, const TypeRegistry& types,
                     const event::EnvelopeOptions& o, int depth);

MappedColumn map_array(std::string name, Oid element_oid, int32_t typmod, bool optional, const TypeRegistry& types,
                       const event::EnvelopeOptions& o, int depth) {
  MappedColumn elem = map_any("", element_oid, typmod, true, types, o, depth + 1);
  MappedColumn m = make(col::array(std::move(name), elem.column, optional), PgValueKind::array, o);
  m.type.toast = array_placeholder(element_oid);
  m.type.element = std::make_shared<const PgColumnType>(std::move(elem.type));
  m.unknown_type = elem.unknown_type;
  return m;
}

std::string join_labels(const std::vector<std::string>& labels) {
  std::string csv;
  for (const auto& l : labels) {
    if (!csv.empty()) csv += ',';
    csv += l;
  }
  return csv;
}

MappedColumn map_any(std::string name, Oid oid, int32_t typmod, bool optional, const TypeRegistry& types,
                     const event::EnvelopeOptions& o, int depth) {
  if (depth > 16) throw DecodeError("type " + std::to_string(oid) + " nests domains/arrays more than 16 deep");
  if (auto m = map_builtin(name, oid, typmod, optional, o)) return std::move(*m);
  if (Oid elem = builtin_array_element(oid)) return map_array(std::move(name), elem, typmod, optional, types, o, depth);
  if (const PgTypeInfo* t = types.find(oid)) {
    if (t->base_oid != 0)  // a domain: map as its base type, with the domain's modifier unless the column has one
      return map_any(std::move(name), t->base_oid, typmod >= 0 ? typmod : t->base_typmod, optional, types, o, depth + 1);
    if (t->category == 'E')
      return make(col::enumeration(std::move(name), join_labels(t->enum_labels), optional), PgValueKind::text, o);
    if (t->element_oid != 0)
      return map_array(std::move(name), t->element_oid, typmod, optional, types, o, depth);
    if (t->name == "citext") return make(col::string(std::move(name), optional), PgValueKind::text, o);
  }
  MappedColumn m = make(col::string(std::move(name), optional), PgValueKind::text, o);
  m.unknown_type = true;
  return m;
}

}  // namespace

MappedColumn map_column(std::string name, Oid type_oid, int32_t typmod, bool optional, const TypeRegistry& types,
                        const event::EnvelopeOptions& opts) {
  return map_any(std::move(name), type_oid, typmod, optional, types, opts, 0);
}

}  // namespace cdc::pg
