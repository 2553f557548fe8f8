// Column types map to the Connect schemas Debezium's PostgresValueConverter produces (default modes),
// including enums, domains and arrays resolved through the type registry, and unknown types as strings.
#include <gtest/gtest.h>

#include "postgres/pg_types.h"

namespace cdc::pg {
namespace {

using event::FieldType;

struct Mapper {
  TypeRegistry types;
  event::EnvelopeOptions opts;
  MappedColumn operator()(Oid oid, int32_t typmod = -1, bool optional = true) const {
    return map_column("c", oid, typmod, optional, types, opts);
  }
};

int32_t numeric_typmod(int precision, int scale) { return ((precision << 16) | (scale & 0x7ff)) + 4; }

std::string param(const event::Column& c, std::string_view key) {
  for (const auto& [k, v] : c.parameters)
    if (k == key) return v;
  return "<none>";
}

TEST(PgTypeMapping, Primitives) {
  Mapper m;
  EXPECT_EQ(m(16).column.type, FieldType::boolean);
  EXPECT_EQ(m(21).column.type, FieldType::int16);
  EXPECT_EQ(m(23).column.type, FieldType::int32);
  EXPECT_EQ(m(20).column.type, FieldType::int64);
  EXPECT_EQ(m(26).column.type, FieldType::int64);  // oid
  EXPECT_EQ(m(700).column.type, FieldType::float32);
  EXPECT_EQ(m(701).column.type, FieldType::float64);
  for (Oid text_like : {25u, 1043u, 1042u, 869u, 650u, 829u, 774u, 3904u, 3910u}) {
    auto c = m(text_like);
    EXPECT_EQ(c.column.type, FieldType::string) << text_like;
    EXPECT_EQ(c.column.semantic, "") << text_like;
    EXPECT_FALSE(c.unknown_type);
  }
  EXPECT_FALSE(m(23, -1, false).column.optional);
}

TEST(PgTypeMapping, SemanticStrings) {
  Mapper m;
  EXPECT_EQ(m(2950).column.semantic, "io.debezium.data.Uuid");
  EXPECT_EQ(m(114).column.semantic, "io.debezium.data.Json");
  EXPECT_EQ(m(3802).column.semantic, "io.debezium.data.Json");
  EXPECT_EQ(m(142).column.semantic, "io.debezium.data.Xml");
}

TEST(PgTypeMapping, NumericConstrainedUnconstrainedAndMoney) {
  Mapper m;
  auto fixed = m(1700, numeric_typmod(10, 2));
  EXPECT_EQ(fixed.type.kind, PgValueKind::numeric);
  EXPECT_EQ(fixed.type.scale, 2);
  EXPECT_EQ(fixed.column.semantic, "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(param(fixed.column, "scale"), "2");
  EXPECT_EQ(param(fixed.column, "connect.decimal.precision"), "10");
  auto var = m(1700);
  EXPECT_EQ(var.type.kind, PgValueKind::numeric_var);
  EXPECT_EQ(var.column.semantic, "io.debezium.data.VariableScaleDecimal");
  auto money = m(790);
  EXPECT_EQ(money.type.kind, PgValueKind::money);
  EXPECT_EQ(param(money.column, "scale"), "2");
  EXPECT_EQ(param(money.column, "connect.decimal.precision"), "<none>");
  // PostgreSQL 15 allows a negative scale: numeric(5,-2).
  EXPECT_EQ(m(1700, numeric_typmod(5, -2)).type.scale, -2);
  m.opts.decimal = event::DecimalHandling::string;
  EXPECT_EQ(m(1700, numeric_typmod(10, 2)).column.type, FieldType::string);
}

TEST(PgTypeMapping, TemporalAdaptivePrecision) {
  Mapper m;
  EXPECT_EQ(m(1082).column.semantic, "io.debezium.time.Date");
  EXPECT_EQ(m(1083).column.semantic, "io.debezium.time.MicroTime");
  EXPECT_EQ(m(1083, 6).type.kind, PgValueKind::time_us);
  auto t3 = m(1083, 3);
  EXPECT_EQ(t3.column.semantic, "io.debezium.time.Time");
  EXPECT_EQ(t3.column.type, FieldType::int32);
  EXPECT_EQ(t3.column.version, 1);
  EXPECT_EQ(m(1083, 0).type.kind, PgValueKind::time_ms);
  EXPECT_EQ(m(1114).column.semantic, "io.debezium.time.MicroTimestamp");
  EXPECT_EQ(m(1114, 3).column.semantic, "io.debezium.time.Timestamp");
  EXPECT_EQ(m(1114, 4).type.kind, PgValueKind::timestamp_us);
  EXPECT_EQ(m(1184).column.semantic, "io.debezium.time.ZonedTimestamp");
  EXPECT_EQ(m(1266).column.semantic, "io.debezium.time.ZonedTime");
  EXPECT_EQ(m(1186).column.semantic, "io.debezium.time.MicroDuration");
}

TEST(PgTypeMapping, ByteaFollowsBinaryHandling) {
  Mapper m;
  EXPECT_EQ(m(17).type.kind, PgValueKind::bytea);
  EXPECT_EQ(m(17).type.toast, ToastPlaceholder::bytes);
  m.opts.binary = event::BinaryHandling::bytes;
  EXPECT_EQ(m(17).column.type, FieldType::bytes);
}

TEST(PgTypeMapping, EnumFromRegistry) {
  Mapper m;
  m.types.add({.oid = 16400, .name = "mood", .category = 'E', .enum_labels = {"sad", "ok", "happy"}});
  auto e = m(16400);
  EXPECT_EQ(e.column.semantic, "io.debezium.data.Enum");
  EXPECT_EQ(param(e.column, "allowed"), "sad,ok,happy");
  EXPECT_EQ(e.type.kind, PgValueKind::text);
  EXPECT_FALSE(e.unknown_type);
}

TEST(PgTypeMapping, DomainMapsAsItsBaseTypeWithTheDomainTypmod) {
  Mapper m;
  m.types.add({.oid = 16500, .name = "price", .category = 'N', .base_oid = 1700, .base_typmod = numeric_typmod(10, 2)});
  m.types.add({.oid = 16501, .name = "price_alias", .category = 'N', .base_oid = 16500});
  auto d = m(16501);
  EXPECT_EQ(d.type.kind, PgValueKind::numeric);
  EXPECT_EQ(d.type.scale, 2);
  EXPECT_EQ(param(d.column, "connect.decimal.precision"), "10");
}

TEST(PgTypeMapping, BuiltinArrays) {
  Mapper m;
  auto ints = m(1007);
  EXPECT_EQ(ints.column.type, FieldType::array);
  EXPECT_EQ(ints.column.item_type, FieldType::int32);
  EXPECT_EQ(ints.type.kind, PgValueKind::array);
  ASSERT_TRUE(ints.type.element);
  EXPECT_EQ(ints.type.element->kind, PgValueKind::int32);
  EXPECT_EQ(ints.type.toast, ToastPlaceholder::int_array);
  EXPECT_EQ(m(1009).type.toast, ToastPlaceholder::text_array);
  EXPECT_EQ(m(1001).type.toast, ToastPlaceholder::bytes_array);
  EXPECT_EQ(m(2951).type.toast, ToastPlaceholder::uuid_array);
  EXPECT_EQ(m(2951).column.item_semantic, "io.debezium.data.Uuid");
  auto ts3 = m(1115, 3);  // timestamp(3)[]: the typmod applies to the elements
  EXPECT_EQ(ts3.type.element->kind, PgValueKind::timestamp_ms);
}

TEST(PgTypeMapping, ArrayOfEnumFromRegistry) {
  Mapper m;
  m.types.add({.oid = 16400, .name = "mood", .category = 'E', .enum_labels = {"sad", "ok"}});
  m.types.add({.oid = 16399, .name = "_mood", .category = 'A', .element_oid = 16400});
  auto a = m(16399);
  EXPECT_EQ(a.column.type, FieldType::array);
  EXPECT_EQ(a.column.item_semantic, "io.debezium.data.Enum");
  EXPECT_EQ(a.type.element->kind, PgValueKind::text);
}

TEST(PgTypeMapping, UnknownTypesBecomeFlaggedStrings) {
  Mapper m;
  auto point = m(600);
  EXPECT_EQ(point.column.type, FieldType::string);
  EXPECT_TRUE(point.unknown_type);
  auto ext = m(17000);
  EXPECT_TRUE(ext.unknown_type);
  m.types.add({.oid = 17001, .name = "citext", .category = 'S'});
  EXPECT_FALSE(m(17001).unknown_type);
}

}  // namespace
}  // namespace cdc::pg
