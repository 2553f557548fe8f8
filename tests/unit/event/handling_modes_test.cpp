// Each envelope handling mode changes both the field schema and the value, exactly as Debezium's
// converters do: binary_handling, decimal_handling, bigint_unsigned_handling, and null-in-required-column.
#include <gtest/gtest.h>

#include <string>

#include "event/envelope.h"
#include "event/row_json.h"
#include "event/schema_json.h"
#include "event_fixtures.h"
#include "util/error.h"

namespace cdc::event {
namespace {

using testing::is_valid_json;

// Renders one column holding one value: {"v":…}.
struct OneColumn {
  EnvelopeOptions o = testing::options(false);
  TableSchema t;
  Row row;

  explicit OneColumn(Column c) {
    t.db = "db";
    t.table = "t";
    t.columns.push_back(std::move(c));
    row.reset(1);
  }
  std::string render() const {
    std::string out;
    append_row(out, t, field_labels(t), row, {}, o);
    EXPECT_TRUE(is_valid_json(out));
    return out;
  }
  std::string schema() const {
    std::string out;
    schema::append_column(out, t.columns[0], true);
    EXPECT_TRUE(is_valid_json(out));
    return out;
  }
};

OneColumn with(Column c, EnvelopeOptions o) {
  OneColumn one(std::move(c));
  one.o = std::move(o);
  return one;
}

EnvelopeOptions binary(BinaryHandling b) {
  EnvelopeOptions o = testing::options(false);
  o.binary = b;
  return o;
}

EnvelopeOptions decimals(DecimalHandling d) {
  EnvelopeOptions o = testing::options(false);
  o.decimal = d;
  return o;
}

TEST(BinaryHandling, EveryModeEncodesTheSameBytes) {
  const std::string_view raw("\xfb\xff\x00\x10", 4);
  struct {
    BinaryHandling mode;
    const char* type;
    const char* value;
  } cases[] = {{BinaryHandling::bytes, "bytes", R"({"v":"+/8AEA=="})"},
               {BinaryHandling::base64, "string", R"({"v":"+/8AEA=="})"},
               {BinaryHandling::base64_url_safe, "string", R"({"v":"-_8AEA=="})"},
               {BinaryHandling::hex, "string", R"({"v":"fbff0010"})"}};
  for (const auto& c : cases) {
    auto one = with(col::bytes("v", binary(c.mode), true), binary(c.mode));
    one.row.set_bytes(0, raw);
    EXPECT_EQ(one.render(), c.value);
    EXPECT_EQ(one.schema(), std::string(R"({"type":")") + c.type + R"(","optional":true,"field":"v"})");
  }
}

TEST(BinaryHandling, BitsStayBase64BytesWhateverTheMode) {
  auto one = with(col::bits("v", 10, binary(BinaryHandling::hex), true), binary(BinaryHandling::hex));
  one.row.set_bytes(0, std::string_view("\x01\x02", 2));  // b'1000000001', little-endian
  EXPECT_EQ(one.render(), R"({"v":"AQI="})");
  EXPECT_EQ(one.schema(),
            R"({"type":"bytes","optional":true,"name":"io.debezium.data.Bits","version":1,"parameters":{"length":"10"},"field":"v"})");
}

TEST(DecimalHandling, StringModeWritesPlainTextAtTheColumnScale) {
  auto one = with(col::decimal("v", 10, 2, decimals(DecimalHandling::string), true), decimals(DecimalHandling::string));
  one.row.set_decimal(0, "25.5");
  EXPECT_EQ(one.render(), R"({"v":"25.50"})");
  one.row.set_decimal(0, "-0007.125");
  EXPECT_EQ(one.render(), R"({"v":"-7.125"})");  // never lowered (toPlainString keeps digits)
  one.row.set_decimal(0, "-0.00");
  EXPECT_EQ(one.render(), R"({"v":"0.00"})");
  one.row.set_decimal(0, "NaN");
  EXPECT_EQ(one.render(), R"({"v":"NaN"})");
  EXPECT_EQ(one.schema(), R"({"type":"string","optional":true,"field":"v"})");
}

TEST(DecimalHandling, DoubleModeWritesJavaDoubles) {
  auto one = with(col::decimal("v", 10, 2, decimals(DecimalHandling::double_), true), decimals(DecimalHandling::double_));
  one.row.set_decimal(0, "25.50");
  EXPECT_EQ(one.render(), R"({"v":25.5})");
  one.row.set_decimal(0, "100");
  EXPECT_EQ(one.render(), R"({"v":100.0})");
  one.row.set_decimal(0, "-Infinity");
  EXPECT_EQ(one.render(), R"({"v":"-Infinity"})");
  EXPECT_EQ(one.schema(), R"({"type":"double","optional":true,"field":"v"})");
}

TEST(DecimalHandling, PreciseSchemaHasScaleThenPrecision) {
  auto one = with(col::decimal("v", 65, 30, decimals(DecimalHandling::precise), false), decimals(DecimalHandling::precise));
  EXPECT_EQ(one.schema(),
            R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"30","connect.decimal.precision":"65"},"field":"v"})");
  auto money = with(col::decimal("m", 0, 2, decimals(DecimalHandling::precise), true), decimals(DecimalHandling::precise));
  EXPECT_EQ(money.schema(),
            R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"m"})");
}

TEST(DecimalHandling, NanUnderPreciseStopsWithTheSettingToChange) {
  // Debezium fails the connector here as well; we name the column and the key.
  auto one = with(col::decimal("v", 10, 2, decimals(DecimalHandling::precise), true), decimals(DecimalHandling::precise));
  one.row.set_decimal(0, "NaN");
  try {
    one.render();
    FAIL() << "expected cdc::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    EXPECT_NE(std::string(e.what()).find("db.t.v"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("decimal_handling"), std::string::npos);
  }
  auto vs = with(col::variable_decimal("v", decimals(DecimalHandling::precise), true), decimals(DecimalHandling::precise));
  vs.row.set_decimal(0, "Infinity");
  EXPECT_THROW(vs.render(), Error);
}

TEST(DecimalHandling, VariableScaleFollowsTheMode) {
  auto str = with(col::variable_decimal("v", decimals(DecimalHandling::string), true), decimals(DecimalHandling::string));
  str.row.set_decimal(0, "1.500");
  EXPECT_EQ(str.render(), R"({"v":"1.500"})");
  auto dbl = with(col::variable_decimal("v", decimals(DecimalHandling::double_), true), decimals(DecimalHandling::double_));
  dbl.row.set_decimal(0, "1.500");
  EXPECT_EQ(dbl.render(), R"({"v":1.5})");
  // PostgreSQL's numeric goes far past a double: infinity above, zero below, as BigDecimal.doubleValue().
  const std::string huge = "1" + std::string(400, '0');
  dbl.row.set_decimal(0, huge);
  EXPECT_EQ(dbl.render(), R"({"v":"Infinity"})");
  dbl.row.set_decimal(0, "-" + huge + ".5");
  EXPECT_EQ(dbl.render(), R"({"v":"-Infinity"})");
  dbl.row.set_decimal(0, "0." + std::string(400, '0') + "1");
  EXPECT_EQ(dbl.render(), R"({"v":0.0})");
  dbl.row.set_decimal(0, "-0." + std::string(400, '0') + "1");
  EXPECT_EQ(dbl.render(), R"({"v":-0.0})");
}

TEST(BigintUnsignedHandling, PreciseIsDecimalTwentyZero) {
  EnvelopeOptions o = decimals(DecimalHandling::string);  // precise bigint ignores decimal_handling
  o.bigint_unsigned = BigintUnsignedHandling::precise;
  auto one = with(col::bigint_unsigned("v", o, false), o);
  one.row.set_decimal(0, "18446744073709551615");
  EXPECT_EQ(one.render(), R"({"v":"AP//////////"})");
  EXPECT_EQ(one.schema(),
            R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"0","connect.decimal.precision":"20"},"field":"v"})");
  o.bigint_unsigned = BigintUnsignedHandling::long_;
  auto lng = with(col::bigint_unsigned("v", o, false), o);
  lng.row.set_int(0, 9223372036854775807);
  EXPECT_EQ(lng.render(), R"({"v":9223372036854775807})");
  EXPECT_EQ(lng.schema(), R"({"type":"int64","optional":false,"field":"v"})");
}

TEST(NullHandling, OptionalColumnsStayNullEvenWithADefault) {
  Column c = col::string("v", true);
  c.default_json = "\"x\"";
  OneColumn one(c);
  EXPECT_EQ(one.render(), R"({"v":null})");
  EXPECT_EQ(one.schema(), R"({"type":"string","optional":true,"default":"x","field":"v"})");
}

TEST(NullHandling, RequiredColumnsGetTheirDefaultOrDebeziumsFallback) {
  Column with_default = col::int32("v", false);
  with_default.default_json = "42";
  EXPECT_EQ(OneColumn(with_default).render(), R"({"v":42})");
  EXPECT_EQ(OneColumn(col::string("v", false)).render(), R"({"v":""})");
  EXPECT_EQ(OneColumn(col::int64("v", false)).render(), R"({"v":0})");
  EXPECT_EQ(OneColumn(col::boolean("v", false)).render(), R"({"v":false})");
  EXPECT_EQ(OneColumn(col::float64("v", false)).render(), R"({"v":0.0})");
  EXPECT_EQ(OneColumn(col::decimal("v", 10, 2, testing::options(false), false)).render(), R"({"v":"AA=="})");
}

TEST(FloatValues, FloatAndDoubleUseJavaToString) {
  OneColumn d(col::float64("v", true));
  d.row.set_float64(0, 0.1);
  EXPECT_EQ(d.render(), R"({"v":0.1})");
  d.row.set_float64(0, 1e7);
  EXPECT_EQ(d.render(), R"({"v":1.0E7})");
  d.row.set_float64(0, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(d.render(), R"({"v":"NaN"})");
  OneColumn f(col::float32("v", true));
  f.row.set_float32(0, 3.14f);
  EXPECT_EQ(f.render(), R"({"v":3.14})");  // not 3.140000104904175
}

}  // namespace
}  // namespace cdc::event
