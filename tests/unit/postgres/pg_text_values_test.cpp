// pgoutput TEXT values become the Row values Debezium emits for each type, including edge values
// (±infinity sentinels, BC dates, years beyond 9999, hour 24, NaN, money text, arrays, unchanged TOAST).
// Expected numbers come from Debezium's own tests (AbstractRecordsProducerTest) or independent arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "postgres/pg_temporal.h"
#include "postgres/pg_types.h"
#include "util/error.h"

namespace cdc::pg {
namespace {

using event::Value;

struct Converter {
  TypeRegistry types;
  event::EnvelopeOptions opts;
  event::Row row;

  const Value& operator()(Oid oid, std::string_view text, int32_t typmod = -1) {
    MappedColumn m = map_column("c", oid, typmod, true, types, opts);
    row.reset(1);
    convert_text(m.type, text, row, 0);
    return row.values[0];
  }
  std::string_view view(Oid oid, std::string_view text, int32_t typmod = -1) { return row.view((*this)(oid, text, typmod)); }
  int64_t integer(Oid oid, std::string_view text, int32_t typmod = -1) {
    const Value& v = (*this)(oid, text, typmod);
    EXPECT_EQ(v.kind, Value::Kind::int64) << text;
    return v.i;
  }
  std::string toast(Oid oid) {
    MappedColumn m = map_column("c", oid, -1, true, types, opts);
    row.reset(1);
    set_unchanged_toast(m.type, row, 0);
    return std::string(row.view(row.values[0]));
  }
};

TEST(PgTextValues, BooleanAndIntegers) {
  Converter c;
  EXPECT_TRUE(c(16, "t").b);
  EXPECT_FALSE(c(16, "f").b);
  EXPECT_THROW(c(16, "yes"), DecodeError);
  EXPECT_EQ(c.integer(21, "-32768"), -32768);
  EXPECT_THROW(c(21, "32768"), DecodeError);
  EXPECT_EQ(c.integer(23, "2147483647"), 2147483647);
  EXPECT_EQ(c.integer(20, "-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(c.integer(26, "4294967295"), 4294967295);
  EXPECT_THROW(c(23, "12x"), DecodeError);
  EXPECT_THROW(c(23, ""), DecodeError);
}

TEST(PgTextValues, FloatsIncludingSpecials) {
  Converter c;
  EXPECT_EQ(c(700, "1.5").kind, Value::Kind::float32);
  EXPECT_EQ(c(700, "1.5").d, 1.5);
  EXPECT_TRUE(std::isnan(c(701, "NaN").d));
  EXPECT_EQ(c(701, "Infinity").d, std::numeric_limits<double>::infinity());
  EXPECT_EQ(c(701, "-Infinity").d, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(c(701, "1.5e-07").d, 1.5e-07);
  EXPECT_THROW(c(701, "one"), DecodeError);
}

TEST(PgTextValues, NumericKeepsDigitText) {
  Converter c;
  const int32_t n10_3 = ((10 << 16) | 3) + 4;
  EXPECT_EQ(c(1700, "-1234.500", n10_3).kind, Value::Kind::decimal);
  EXPECT_EQ(c.view(1700, "-1234.500", n10_3), "-1234.500");
  EXPECT_EQ(c.view(1700, "1.2300"), "1.2300");  // VariableScaleDecimal: the writer strips the zeros
  EXPECT_EQ(c.view(1700, "NaN"), "NaN");
  EXPECT_EQ(c.view(1700, "-Infinity"), "-Infinity");
  EXPECT_THROW(c(1700, "1.2.3"), DecodeError);
  EXPECT_THROW(c(1700, "-"), DecodeError);
}

TEST(PgTextValues, MoneyInCLocaleForms) {
  Converter c;
  EXPECT_EQ(c.view(790, "$1,234.56"), "1234.56");
  EXPECT_EQ(c.view(790, "-$1,234.56"), "-1234.56");
  EXPECT_EQ(c.view(790, "($5.00)"), "-5.00");
  EXPECT_EQ(c.view(790, "$0.07"), "0.07");
  EXPECT_EQ(c.view(790, "$92,233,720,368,547,758.07"), "92233720368547758.07");
  EXPECT_THROW(c(790, "$"), DecodeError);
  EXPECT_THROW(c(790, "1.234,56 EUR"), DecodeError);
}

TEST(PgTextValues, TextAndBytea) {
  Converter c;
  EXPECT_EQ(c.view(25, "tab\there \"q\""), "tab\there \"q\"");
  EXPECT_EQ(c.view(1042, "ab "), "ab ");  // bpchar keeps its padding
  EXPECT_EQ(c(17, "\\x00ff10").kind, Value::Kind::bytes);
  EXPECT_EQ(c.view(17, "\\x00ff10"), std::string_view("\x00\xff\x10", 3));
  EXPECT_EQ(c.view(17, "\\x"), "");
  EXPECT_EQ(c.view(17, "a\\\\b\\001"), std::string_view("a\\b\x01", 4));  // bytea_output = escape
  EXPECT_THROW(c(17, "\\x0"), DecodeError);
  EXPECT_THROW(c(17, "\\xzz"), DecodeError);
  EXPECT_EQ(c.view(17, "\\xDEADbeef"), std::string_view("\xde\xad\xbe\xef", 4));  // either case
  EXPECT_THROW(c(17, "\\x0g"), DecodeError);                                        // a bad second digit
  EXPECT_THROW(c(17, "\\x00ff1/"), DecodeError);                                    // ... at the end
  std::string hex = "\\x", want;
  for (int b = 0; b < 256; ++b) {
    hex += "0123456789abcdef"[b >> 4];
    hex += "0123456789ABCDEF"[b & 15];
    want += static_cast<char>(b);
  }
  EXPECT_EQ(c.view(17, hex), want);  // every byte value
}

TEST(PgTextValues, Dates) {
  Converter c;
  EXPECT_EQ(c.integer(1082, "2016-11-04"), 17109);
  EXPECT_EQ(c.integer(1082, "1970-01-01"), 0);
  EXPECT_EQ(c.integer(1082, "0001-01-01 BC"), -719528);  // 0000-01-01, astronomically
  EXPECT_EQ(c.integer(1082, "infinity"), kDatePosInfinityDays);
  EXPECT_EQ(c.integer(1082, "-infinity"), kDateNegInfinityDays);
  EXPECT_EQ(kDatePosInfinityDays, days_from_civil(-5877611, 6, 21));  // Debezium's LocalDate constants
  EXPECT_EQ(kDateNegInfinityDays, days_from_civil(-5877611, 6, 22));
  EXPECT_EQ(days_from_civil(-5877611, 6, 21), -2147472692);  // LocalDate.toEpochDay, worked by hand
  EXPECT_THROW(c(1082, "2016-13-01"), DecodeError);
  EXPECT_THROW(c(1082, "16-11-04"), DecodeError);
}

TEST(PgTextValues, Times) {
  Converter c;
  EXPECT_EQ(c.integer(1083, "13:51:30"), 49'890'000'000);
  EXPECT_EQ(c.integer(1083, "24:00:00"), 86'400'000'000);  // Debezium's "ttf"
  const Value& ms = c(1083, "13:51:30.123", 3);
  EXPECT_EQ(ms.i, 49'890'123);  // io.debezium.time.Time, milliseconds
  EXPECT_EQ(c.integer(1083, "00:00:00.000001"), 1);
  EXPECT_THROW(c(1083, "25:00:00"), DecodeError);
  EXPECT_THROW(c(1083, "24:00:01"), DecodeError);
}

TEST(PgTextValues, TimeWithTimeZoneInUtcTrimmed) {
  Converter c;
  EXPECT_EQ(c.view(1266, "13:51:30.123789+02"), "11:51:30.123789Z");
  EXPECT_EQ(c.view(1266, "13:51:30.123+02:00"), "11:51:30.123Z");
  EXPECT_EQ(c.view(1266, "13:51:30.120+02"), "11:51:30.12Z");
  EXPECT_EQ(c.view(1266, "11:51:02+00"), "11:51:02Z");
  EXPECT_EQ(c.view(1266, "00:30:00+01"), "23:30:00Z");
  EXPECT_EQ(c.view(1266, "22:00:00-03:30"), "01:30:00Z");
  EXPECT_THROW(c(1266, "11:51:02"), DecodeError);
}

TEST(PgTextValues, Timestamps) {
  Converter c;
  EXPECT_EQ(c.integer(1114, "2016-11-04 13:51:30.123456"), 1'478'267'490'123'456);
  EXPECT_EQ(c.integer(1114, "1936-10-25 22:10:12.608"), -1'047'174'587'392'000);
  EXPECT_EQ(c.integer(1114, "1969-12-31 23:59:59.999", 3), -1);  // milliseconds, floored
  EXPECT_EQ(c.integer(1114, "2016-11-04 13:51:30.123", 3), 1'478'267'490'123);
  // Debezium's ts_min: 4713-12-31 23:59:59.999999 BC.
  EXPECT_EQ(c.integer(1114, "4713-12-31 23:59:59.999999 BC"), -210'831'897'600'000'001);
  EXPECT_EQ(c.integer(1114, "infinity"), 9'223'372'036'825'200'000);
  EXPECT_EQ(c.integer(1114, "-infinity"), -9'223'372'036'832'400'000);
  EXPECT_EQ(c.integer(1114, "infinity", 3), 9'223'372'036'825'200);
  EXPECT_THROW(c(1114, "2016-11-04T13:51:30"), DecodeError);
}

TEST(PgTextValues, TimestampsWithTimeZoneAsDebeziumWritesThem) {
  Converter c;
  EXPECT_EQ(c.view(1184, "2016-11-04 13:51:30.123456+02"), "2016-11-04T11:51:30.123456Z");
  EXPECT_EQ(c.view(1184, "2024-02-29 12:14:15.5+01"), "2024-02-29T11:14:15.500000Z");
  EXPECT_EQ(c.view(1184, "2024-01-01 00:30:00+01"), "2023-12-31T23:30:00.000000Z");
  EXPECT_EQ(c.view(1184, "21016-11-04 13:51:30.123456+07"), "+21016-11-04T06:51:30.123456Z");
  EXPECT_EQ(c.view(1184, "21016-11-04 13:51:30+07"), "+21016-11-04T06:51:30.000000Z");
  EXPECT_EQ(c.view(1184, "4714-12-31 23:59:59.999999+00 BC"), "-4713-12-31T23:59:59.999999Z");
  EXPECT_EQ(c.view(1184, "294247-01-01 23:59:59.999999+00"), "+294247-01-01T23:59:59.999999Z");
  EXPECT_EQ(c.view(1184, "1883-11-18 12:00:00+00:53:28"), "1883-11-18T11:06:32.000000Z");
  EXPECT_EQ(c.view(1184, "infinity"), "infinity");
  EXPECT_EQ(c.view(1184, "-infinity"), "-infinity");
  EXPECT_THROW(c(1184, "2016-11-04 13:51:30"), DecodeError);
}

TEST(PgTextValues, IntervalsAsMicroDuration) {
  Converter c;
  // MicroDuration.durationMicros(1, 2, 3, 4, 5, 6.7, 365.25 / 12) evaluated in doubles.
  EXPECT_EQ(c.integer(1186, "1 year 2 mons 3 days 04:05:06.7"), 37'091'106'700'000);
  EXPECT_EQ(c.integer(1186, "-1 days +02:03:00"), -79'020'000'000);
  EXPECT_EQ(c.integer(1186, "-04:05:06.7"), -14'706'700'000);
  EXPECT_EQ(c.integer(1186, "-1 years -2 mons"), -36'817'200'000'000);
  EXPECT_EQ(c.integer(1186, "00:00:00"), 0);
  EXPECT_EQ(c.integer(1186, "1 day"), 86'400'000'000);
  EXPECT_EQ(c.integer(1186, "100:00:00"), 360'000'000'000);
  // PostgreSQL allows up to 178000000 years, far past an int64 of microseconds: Debezium's (long) cast
  // saturates (fuzz_pg_text_values found the C++ cast's undefined behaviour with an hours field).
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(c.integer(1186, "178000000 years"), kMax);
  EXPECT_EQ(c.integer(1186, "-178000000 years"), kMin);
  EXPECT_EQ(c.integer(1186, "2562047788:00:54.775807"), kMax);  // 2^63 - 1 µs, which a double rounds up
  EXPECT_EQ(c.integer(1186, "-2562047788:00:54.775808"), kMin);
  EXPECT_EQ(c.integer(1186, "4777777777:05:42"), kMax);
  EXPECT_EQ(c.integer(1186, "999999999999999999 years"), kMax);
  EXPECT_EQ(c.integer(1186, "-999999999999999999 years -999999999999999999 mons"), kMin);
  EXPECT_EQ(c.integer(1186, "292000 years"), 9'214'819'200'000'000'000);
  EXPECT_THROW(c(1186, "1 fortnight"), DecodeError);
  EXPECT_THROW(c(1186, ""), DecodeError);
}

TEST(PgTextValues, StringLikeTypesPassThrough) {
  Converter c;
  EXPECT_EQ(c.view(2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(c.view(3802, "{\"b\": [1, 2]}"), "{\"b\": [1, 2]}");
  EXPECT_EQ(c.view(869, "192.168.0.1/24"), "192.168.0.1/24");
  c.types.add({.oid = 16400, .name = "mood", .category = 'E', .enum_labels = {"sad", "happy"}});
  EXPECT_EQ(c.view(16400, "happy"), "happy");
}

TEST(PgTextValues, ArraysBecomeJson) {
  Converter c;
  EXPECT_EQ(c(1007, "{1,NULL,3}").kind, Value::Kind::raw_json);
  EXPECT_EQ(c.view(1007, "{1,NULL,3}"), "[1,null,3]");
  EXPECT_EQ(c.view(1007, "{}"), "[]");
  EXPECT_EQ(c.view(1009, R"({"x,y","q\"t",NULL,"NULL", plain })"), R"(["x,y","q\"t",null,"NULL","plain"])");
  EXPECT_EQ(c.view(1007, "{{1,2},{3,4}}"), "[[1,2],[3,4]]");
  EXPECT_EQ(c.view(1007, "[0:1]={5,6}"), "[5,6]");
  EXPECT_EQ(c.view(1000, "{t,f}"), "[true,false]");
  EXPECT_EQ(c.view(1022, "{1,NaN,1e+20}"), "[1.0,\"NaN\",1.0E20]");
  EXPECT_EQ(c.view(1001, R"({"\\x0102"})"), "[\"AQI=\"]");
  EXPECT_EQ(c.view(1182, "{2016-11-04,infinity}"), "[17109,-2147472692]");
  EXPECT_EQ(c.view(1185, "{\"2024-02-29 12:14:15.5+01\"}"), "[\"2024-02-29T11:14:15.500000Z\"]");
  EXPECT_THROW(c(1007, "{1,2"), DecodeError);
  EXPECT_THROW(c(1007, "{1,x}"), DecodeError);
  EXPECT_THROW(c(1007, "1,2"), DecodeError);
}

TEST(PgTextValues, NumericArraysFollowDecimalHandling) {
  Converter c;
  const int32_t n5_2 = ((5 << 16) | 2) + 4;
  EXPECT_EQ(c.view(1231, "{1.50,-2.25,NULL}", n5_2), "[\"AJY=\",\"/x8=\",null]");
  EXPECT_EQ(c.view(1231, "{1.50,NaN}"), "[{\"scale\":1,\"value\":\"Dw==\"},null]");
  c.opts.decimal = event::DecimalHandling::string;
  EXPECT_EQ(c.view(1231, "{1.50,-2.25}", n5_2), "[\"1.50\",\"-2.25\"]");
  c.opts.decimal = event::DecimalHandling::double_;
  EXPECT_EQ(c.view(1231, "{1.50}", n5_2), "[1.5]");
}

TEST(PgTextValues, UnchangedToastPlaceholders) {
  Converter c;
  EXPECT_EQ(c.toast(25), "__debezium_unavailable_value");
  EXPECT_EQ(c.toast(3802), "__debezium_unavailable_value");
  EXPECT_EQ(c.toast(17), "__debezium_unavailable_value");
  EXPECT_EQ(c.row.values[0].kind, Value::Kind::bytes);
  EXPECT_EQ(c.toast(1009), "[\"__debezium_unavailable_value\"]");
  EXPECT_EQ(c.row.values[0].kind, Value::Kind::raw_json);
  EXPECT_EQ(c.toast(1007),
            "[95,95,100,101,98,101,122,105,117,109,95,117,110,97,118,97,105,108,97,98,108,101,95,118,97,108,117,101]");
  EXPECT_EQ(c.toast(1001), "[\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\"]");
  EXPECT_EQ(c.toast(2951), "[\"b68a35a7-17ad-35b3-af2a-ae46edb4545a\"]");
  c.opts.binary = event::BinaryHandling::hex;
  EXPECT_EQ(c.toast(17), "__debezium_unavailable_value");
  EXPECT_EQ(c.row.values[0].kind, Value::Kind::text);
}

}  // namespace
}  // namespace cdc::pg
