// Every MySQL/MariaDB column type reaches Kafka with exactly the value the server holds: rows written
// while the real agent streams are read back from the topic and compared, column by column, with what
// a SELECT of the same row says the value must be (converted to the ENVELOPE.md representation by SQL
// or by the independent decimal encoder in mysql_source_support). Extremes, negative times, zero
// dates, charsets and NULLs included.
#include <gtest/gtest.h>

#include "tests/integration/mysql_source_column_check.h"

namespace cdc::test::msrc {
namespace {

TEST_F(ColumnTypes, IntegersOfEveryWidthAndSignednessIncludingExtremes) {
  std::vector<Col> cols;
  for (std::string t : {"TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT"})
    for (std::string u : {"", " UNSIGNED"}) {
      std::string name = "c_" + t + (u.empty() ? "" : "_u");
      // BIGINT UNSIGNED in precise mode is a Decimal with scale 0.
      cols.push_back({name, t + u, num(name), t == "BIGINT" && !u.empty() ? Expect::decimal : Expect::json});
    }
  check("ints", cols,
        {"(1, -128,255, -32768,65535, -8388608,16777215, -2147483648,4294967295, "
         "-9223372036854775808,18446744073709551615)",
         "(2, 127,0, 32767,0, 8388607,0, 2147483647,0, 9223372036854775807,9223372036854775807)",
         "(3, 0,1, -1,1, 0,1, -1,1, 0,1)",
         "(4, NULL,NULL, NULL,NULL, NULL,NULL, NULL,NULL, NULL,NULL)"});
}

TEST_F(ColumnTypes, DecimalEdgesFloatsBitsAndYear) {
  check("nums",
        {{"d10_0", "DECIMAL(10,0)", num("d10_0"), Expect::decimal},
         {"d65_30", "DECIMAL(65,30)", num("d65_30"), Expect::decimal},
         {"d5_5", "DECIMAL(5,5)", num("d5_5"), Expect::decimal},
         {"d10_2", "DECIMAL(10,2)", num("d10_2"), Expect::decimal},
         {"f", "FLOAT", num("f"), Expect::float32},
         {"dbl", "DOUBLE", num("dbl")},
         {"b1", "BIT(1)", "CASE WHEN b1 = 1 THEN 'true' WHEN b1 = 0 THEN 'false' END"},
         {"b10", "BIT(10)", b64("REVERSE(UNHEX(LPAD(HEX(b10), 4, '0')))")},
         {"y", "YEAR", num("y + 0")}},
        {"(1, -9999999999, -12345678901234567890123456789012345.123456789012345678901234567891, -0.12345, "
         "25.50, 1.5, 1.7976931348623157e308, b'1', b'1000000001', 2024)",
         "(2, 9999999999, 0.000000000000000000000000000001, 0.99999, -1234.11, -0.25, "
         "-2.2250738585072014e-308, b'0', b'0', 1901)",
         "(3, 0, 99999999999999999999999999999999999.999999999999999999999999999999, 0.00001, 128, 0.1, "
         "0.1, b'1', b'1111111111', 2155)",
         "(4, 1, -0.000000000000000000000000000001, -0.99999, 100.00, 3.4e38, -1e-300, b'0', b'0000000001', 0)",
         "(5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"});
}

TEST_F(ColumnTypes, TemporalTypesAtEveryPrecisionIncludingNegativeTimes) {
  std::vector<Col> cols{{"dt", "DATE", "DATEDIFF(dt, '1970-01-01')"}};
  for (int fsp = 0; fsp <= 6; ++fsp) {
    std::string n = std::to_string(fsp);
    // TIME -> µs; DATETIME(0-3) -> ms, (4-6) -> µs; TIMESTAMP -> UTC string with fsp digits.
    cols.push_back({"t" + n, "TIME(" + n + ")", num("CAST(TIME_TO_SEC(t" + n + ") * 1000000 AS SIGNED)")});
    std::string us = "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', dt" + n + ")";
    cols.push_back({"dt" + n, "DATETIME(" + n + ")", num(fsp <= 3 ? "FLOOR(" + us + " / 1000)" : us)});
    cols.push_back({"ts" + n, "TIMESTAMP(" + n + ") NULL", zoned("ts" + n, fsp)});
  }
  auto row = [](int id, const std::string& date, const std::string& time, const std::string& datetime,
                const std::string& ts) {
    std::string r = "(" + std::to_string(id) + ", " + date;
    for (int i = 0; i <= 6; ++i) r += ", " + time + ", " + datetime + ", " + ts;
    return r + ")";
  };
  check("temporal", cols,
        {row(1, "'2024-02-29'", "'-838:59:59'", "'1000-01-01 00:00:00'", "'1970-01-01 00:00:01'"),
         row(2, "'1969-12-31'", "'838:59:59'", "'9999-12-31 23:59:59.999999'", "'2038-01-19 03:14:07.999999'"),
         row(3, "'1000-01-01'", "'-00:00:01.654321'", "'2024-02-29 11:14:15.123456'", "'2024-02-29 11:14:15.5'"),
         row(4, "'9999-12-31'", "'12:34:56.000001'", "'1969-12-31 23:59:59.999'", "'2001-09-09 01:46:40.100001'"),
         row(5, "NULL", "NULL", "NULL", "NULL")});
}

TEST_F(ColumnTypes, ZeroDatesInNullableColumnsAreNull) {
  check("zero_dates",
        {{"d", "DATE NULL", "IF(d = '0000-00-00', NULL, DATEDIFF(d, '1970-01-01'))"},
         {"dt", "DATETIME(3) NULL",
          num("IF(dt = '0000-00-00', NULL, FLOOR(TIMESTAMPDIFF(MICROSECOND, '1970-01-01', dt) / 1000))")},
         {"ts", "TIMESTAMP NULL", "IF(ts = 0, NULL, " + zoned("ts", 0) + ")"}},
        {"(1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00')",
         "(2, '2024-01-01', '2024-01-01 10:00:00.5', '2024-01-01 10:00:00')"},
        "ALLOW_INVALID_DATES");
}

// NOT NULL columns cannot be null: Debezium writes the epoch (its fallback for required temporal fields),
// for a ZonedTimestamp "1970-01-01T00:00:00Z".
TEST_F(ColumnTypes, ZeroDatesInNotNullColumnsAreTheEpoch) {
  check("zero_dates_nn",
        {{"d", "DATE NOT NULL", "IF(d = '0000-00-00', 0, DATEDIFF(d, '1970-01-01'))"},
         {"dt", "DATETIME NOT NULL", num("IF(dt = '0000-00-00', 0, TIMESTAMPDIFF(SECOND, '1970-01-01', dt) * 1000)")},
         {"ts", "TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00'",
          "IF(ts = 0, '\"1970-01-01T00:00:00Z\"', " + zoned("ts", 0) + ")"}},
        {"(1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00')",
         "(2, '2024-01-01', '2024-01-01 10:00:00', '2024-01-01 10:00:00')"},
        "ALLOW_INVALID_DATES");
}

TEST_F(ColumnTypes, CharactersInEveryCharsetBinariesEnumSetAndJson) {
  check("strings",
        {{"c", "CHAR(5) CHARACTER SET utf8mb4", str("c")},
         {"v", "VARCHAR(40) CHARACTER SET utf8mb4", str("v")},
         {"tx", "TEXT CHARACTER SET utf8mb4", str("tx")},
         {"lt", "VARCHAR(20) CHARACTER SET latin1", str("lt")},
         {"u8", "VARCHAR(20) CHARACTER SET utf8mb3", str("u8")},
         {"vb", "VARCHAR(10) CHARACTER SET binary", b64("vb")},
         {"bn", "BINARY(4)", b64("bn")},
         {"vbin", "VARBINARY(8)", b64("vbin")},
         {"bl", "BLOB", b64("bl")},
         {"lb", "LONGBLOB", b64("lb")},
         {"en", "ENUM('a','b,c','é')", str("en")},
         {"st", "SET('x','y','z')", str("st")},
         {"js", "JSON", str("js")}},
        {"(1, 'ab', '😀 emoji 🎉', 'text with\\nnewline \"quote\" \\\\ 漢字', 'àéîõü ÿ', 'ñandú', 'ab', 'ab', "
         "x'00ff00', x'00ff', REPEAT('x', 70000), 'b,c', 'x,z', '{\"a\": [1, 2.5, \"é\"], \"b\": null}')",
         "(2, '', '', '', '', '', '', x'00000000', '', '', '', 'é', '', '[]')",
         "(3, 'abcde', REPEAT('é', 40), REPEAT('😀', 3000), 'Ünïcödé', '€', x'ff', x'ffffffff', x'', x'', x'', "
         "'a', 'x,y,z', '\"str\"')",
         "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"});
}

}  // namespace
}  // namespace cdc::test::msrc
