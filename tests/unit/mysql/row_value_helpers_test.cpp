// The Value builders the binlog decoder and the snapshot's text rows share (src/mysql/row_values.h) and
// ascii_lower (charset.h): both paths must produce these exact values.
#include <gtest/gtest.h>

#include "mysql/charset.h"
#include "mysql/row_values.h"

namespace cdc::mysql {
namespace {

using Kind = event::Value::Kind;

TEST(RowValueHelpers, DatetimeFloorsToMillisUnlessMicros) {
  EXPECT_EQ(datetime_value(1'718'454'896'789'123, true), 1'718'454'896'789'123);
  EXPECT_EQ(datetime_value(1'718'454'896'789'999, false), 1'718'454'896'789);
  EXPECT_EQ(datetime_value(0, false), 0);
  EXPECT_EQ(datetime_value(-1, false), -1);  // floor, not truncation toward zero
  EXPECT_EQ(datetime_value(-1000, false), -1);
  EXPECT_EQ(datetime_value(-1001, false), -2);
}

TEST(RowValueHelpers, TimestampTextAndZeroIsNull) {
  event::Row row;
  row.reset(3);
  set_timestamp(row, 0, 1'718'454'896, 0, 0);
  set_timestamp(row, 1, 0, 0, 6);
  set_timestamp(row, 2, 1'718'454'896, 789'000, 3);
  ASSERT_EQ(row.values[0].kind, Kind::text);
  EXPECT_EQ(row.view(row.values[0]), "2024-06-15T12:34:56Z");
  EXPECT_EQ(row.values[1].kind, Kind::null);
  ASSERT_EQ(row.values[2].kind, Kind::text);
  EXPECT_EQ(row.view(row.values[2]), "2024-06-15T12:34:56.789Z");
}

TEST(RowValueHelpers, GeometryStruct) {
  event::Row row;
  row.reset(1);
  set_geometry(row, 0, 4326, std::string_view("\x01\x02", 2));
  ASSERT_EQ(row.values[0].kind, Kind::raw_json);
  EXPECT_EQ(row.view(row.values[0]), R"({"wkb":"AQI=","srid":4326})");
}

TEST(RowValueHelpers, VectorOfLittleEndianFloats) {
  event::Row row;
  row.reset(2);
  // 1.0f = 0x3F800000, -2.5f = 0xC0200000, little-endian; the leading byte offsets element 0 off alignment.
  std::string bytes("\x7f\x00\x00\x80\x3f\x00\x00\x20\xc0", 9);
  set_vector(row, 0, std::string_view(bytes).substr(1));
  set_vector(row, 1, "");
  ASSERT_EQ(row.values[0].kind, Kind::raw_json);
  EXPECT_EQ(row.view(row.values[0]), "[1.0,-2.5]");
  EXPECT_EQ(row.view(row.values[1]), "[]");
}

TEST(RowValueHelpers, SetBuiltPointsEachColumnAtItsOwnBytes) {
  event::Row row;
  row.reset(2);
  set_built(row, 1, Kind::bytes, [](std::string& a) { a.append("ab"); });
  set_built(row, 0, Kind::text, [](std::string& a) { a.append("xyz"); });
  EXPECT_EQ(row.values[1].kind, Kind::bytes);
  EXPECT_EQ(row.view(row.values[1]), "ab");
  EXPECT_EQ(row.view(row.values[0]), "xyz");
  EXPECT_EQ(row.arena, "abxyz");
}

TEST(RowValueHelpers, AsciiLowerLeavesOtherBytes) {
  EXPECT_EQ(ascii_lower("UTF8MB4"), "utf8mb4");
  EXPECT_EQ(ascii_lower("Int(10) UNSIGNED"), "int(10) unsigned");
  EXPECT_EQ(ascii_lower("\xc3\x89T\xc3\xa9"), "\xc3\x89t\xc3\xa9");  // UTF-8 "ÉTé": only the ASCII letter changes
  EXPECT_EQ(ascii_lower(""), "");
}

}  // namespace
}  // namespace cdc::mysql
