// Each column constructor yields the Connect schema node Debezium writes for that logical type, with
// JsonConverter's key order: type, fields|items, optional, name, version, doc, parameters, default, field.
#include <gtest/gtest.h>

#include <string>

#include "event/columns.h"
#include "event/schema_json.h"
#include "event_fixtures.h"

namespace cdc::event {
namespace {

std::string node(const Column& c) {
  std::string out;
  schema::append_column(out, c, true);
  EXPECT_TRUE(testing::is_valid_json(out)) << out;
  return out;
}

std::string semantic(const char* type, const char* name, bool optional, const char* field) {
  return std::string(R"({"type":")") + type + R"(","optional":)" + (optional ? "true" : "false") + R"(,"name":")" +
         name + R"(","version":1,"field":")" + field + "\"}";
}

TEST(ColumnSchema, PrimitivesUseConnectTypeNames) {
  EXPECT_EQ(node(col::boolean("b", true)), R"({"type":"boolean","optional":true,"field":"b"})");
  EXPECT_EQ(node(col::int16("s", false)), R"({"type":"int16","optional":false,"field":"s"})");
  EXPECT_EQ(node(col::int32("i", true)), R"({"type":"int32","optional":true,"field":"i"})");
  EXPECT_EQ(node(col::int64("l", true)), R"({"type":"int64","optional":true,"field":"l"})");
  EXPECT_EQ(node(col::float32("f", true)), R"({"type":"float","optional":true,"field":"f"})");
  EXPECT_EQ(node(col::float64("d", true)), R"({"type":"double","optional":true,"field":"d"})");
  EXPECT_EQ(node(col::string("t", true)), R"({"type":"string","optional":true,"field":"t"})");
}

TEST(ColumnSchema, TimeSemanticTypesAreVersionOne) {
  EXPECT_EQ(node(col::date("d", true)), semantic("int32", "io.debezium.time.Date", true, "d"));
  EXPECT_EQ(node(col::micro_time("t", true)), semantic("int64", "io.debezium.time.MicroTime", true, "t"));
  EXPECT_EQ(node(col::timestamp_ms("ts", false)), semantic("int64", "io.debezium.time.Timestamp", false, "ts"));
  EXPECT_EQ(node(col::micro_timestamp("ts", true)), semantic("int64", "io.debezium.time.MicroTimestamp", true, "ts"));
  EXPECT_EQ(node(col::zoned_timestamp("z", true)), semantic("string", "io.debezium.time.ZonedTimestamp", true, "z"));
  EXPECT_EQ(node(col::zoned_time("z", true)), semantic("string", "io.debezium.time.ZonedTime", true, "z"));
  EXPECT_EQ(node(col::year("y", true)), semantic("int32", "io.debezium.time.Year", true, "y"));
  EXPECT_EQ(node(col::micro_duration("i", true)), semantic("int64", "io.debezium.time.MicroDuration", true, "i"));
}

TEST(ColumnSchema, DataSemanticTypes) {
  EXPECT_EQ(node(col::json("j", true)), semantic("string", "io.debezium.data.Json", true, "j"));
  EXPECT_EQ(node(col::xml("x", true)), semantic("string", "io.debezium.data.Xml", true, "x"));
  EXPECT_EQ(node(col::uuid("u", false)), semantic("string", "io.debezium.data.Uuid", false, "u"));
  EXPECT_EQ(node(col::enumeration("e", "a,b,c", true)),
            R"({"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"a,b,c"},"field":"e"})");
  EXPECT_EQ(node(col::enum_set("s", "x,y", false)),
            R"({"type":"string","optional":false,"name":"io.debezium.data.EnumSet","version":1,"parameters":{"allowed":"x,y"},"field":"s"})");
}

TEST(ColumnSchema, StructTypesCarryFieldsAndDoc) {
  const EnvelopeOptions o = testing::options(true);
  EXPECT_EQ(node(col::variable_decimal("n", o, true)),
            R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"scale"},{"type":"bytes","optional":false,"field":"value"}],"optional":true,"name":"io.debezium.data.VariableScaleDecimal","version":1,"doc":"Variable scaled decimal","field":"n"})");
  // Debezium's Geometry builder is always optional, even for NOT NULL columns.
  EXPECT_EQ(node(col::geometry("g", o, false)),
            R"({"type":"struct","fields":[{"type":"bytes","optional":false,"field":"wkb"},{"type":"int32","optional":true,"field":"srid"}],"optional":true,"name":"io.debezium.data.geometry.Geometry","version":1,"doc":"Geometry","field":"g"})");
}

TEST(ColumnSchema, ArraysNestTheItemSchema) {
  const EnvelopeOptions o = testing::options(true);
  EXPECT_EQ(node(col::array("a", col::int32("", true), true)),
            R"({"type":"array","items":{"type":"int32","optional":true},"optional":true,"field":"a"})");
  EXPECT_EQ(node(col::array("d", col::decimal("", 5, 2, o, true), false)),
            R"({"type":"array","items":{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"5"}},"optional":false,"field":"d"})");
}

TEST(ColumnSchema, DefaultComesAfterParametersAndBeforeField) {
  Column c = col::enumeration("e", "a,b", false);
  c.default_json = "\"a\"";
  EXPECT_EQ(node(c),
            R"({"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"a,b"},"default":"a","field":"e"})");
}

}  // namespace
}  // namespace cdc::event
