// Hand-made byte vectors for the storage formats with edge cases: DECIMAL (precision/scale edges,
// negatives), TIME2 (negative, every fsp width), DATETIME2 / TIMESTAMP2 (fsp, zero dates).
// Byte strings were packed by hand from the formats in strings/decimal.cc and mysys/my_time.cc;
// the first two DECIMAL vectors are the examples in decimal.cc's decimal2bin() comment.
#include <gtest/gtest.h>

#include "mysql/types.h"

namespace cdc::mysql::types {
namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string decimal(std::string_view hex, int precision, int scale) {
  std::string bytes = unhex(hex), out;
  ByteReader r(bytes);
  append_decimal(out, r, precision, scale);
  EXPECT_TRUE(r.empty()) << "left " << r.remaining() << " bytes";
  return out;
}

TEST(DecimalBinary, ExamplesFromMySqlSource) {
  EXPECT_EQ(decimal("810DFB38D204D2", 14, 4), "1234567890.1234");
  EXPECT_EQ(decimal("7EF204C72DFB2D", 14, 4), "-1234567890.1234");
}

TEST(DecimalBinary, PrecisionAndScaleEdges) {
  EXPECT_EQ(decimal("80", 1, 0), "0");
  EXPECT_EQ(decimal("81", 1, 0), "1");
  EXPECT_EQ(decimal("7E", 1, 0), "-1");
  EXPECT_EQ(decimal("84D2", 4, 4), "0.1234");        // no integer digits
  EXPECT_EQ(decimal("7B2D", 4, 4), "-0.1234");
  EXPECT_EQ(decimal("8000000000", 10, 0), "0");      // one leftover digit + one full group
  EXPECT_EQ(decimal("8000000000000000", 18, 9), "0.000000000");
  EXPECT_EQ(decimal("8000000001", 10, 9), "0.000000001");  // scale a multiple of 9
  EXPECT_EQ(decimal("BB9AC9FF", 9, 0), "999999999");  // exactly one full group
  // DECIMAL(65,30), all nines: 8 leading integer digits in 4 bytes, 3 groups, 3 fraction groups, then
  // 3 trailing fraction digits in 2 bytes.
  EXPECT_EQ(decimal("85F5E0FF" "3B9AC9FF3B9AC9FF3B9AC9FF" "3B9AC9FF3B9AC9FF3B9AC9FF" "03E7", 65, 30),
            std::string(35, '9') + "." + std::string(30, '9'));
  EXPECT_EQ(decimal("7A0A1F00" "C4653600C4653600C4653600" "C4653600C4653600C4653600" "FC18", 65, 30),
            "-" + std::string(35, '9') + "." + std::string(30, '9'));
}

TEST(DecimalBinary, MalformedGroupIsAnError) {
  std::string bytes = unhex("BFFFFFFF");  // 0x3FFFFFFF > 999999999
  std::string out;
  ByteReader r(bytes);
  EXPECT_THROW(append_decimal(out, r, 9, 0), DecodeError);
  ByteReader shortr(bytes.substr(0, 2));
  EXPECT_THROW(append_decimal(out, shortr, 9, 0), DecodeError);
}

int64_t time2(std::string_view hex, int fsp) {
  std::string bytes = unhex(hex);
  ByteReader r(bytes);
  int64_t v = read_time2_micros(r, fsp);
  EXPECT_TRUE(r.empty());
  return v;
}

TEST(Time2Binary, NegativeAndFractional) {
  EXPECT_EQ(time2("800000", 0), 0);
  EXPECT_EQ(time2("7FEF7D", 0), -3723000000);          // -01:02:03
  EXPECT_EQ(time2("B46EFB", 0), 3020399000000);        // 838:59:59
  EXPECT_EQ(time2("7FFFFFCE", 1), -500000);            // -00:00:00.5 borrows from the integer part
  EXPECT_EQ(time2("80000032", 2), 500000);             // 00:00:00.50
  EXPECT_EQ(time2("7F3FFFFB2E", 4), -43200123400);     // -12:00:00.1234
  EXPECT_EQ(time2("7FFFFFFFFFFF", 6), -1);             // -00:00:00.000001
  EXPECT_EQ(time2("800000000001", 6), 1);
}

TEST(Datetime2Binary, FspAndZeroDates) {
  std::string b = unhex("99B2BB7EFB");
  ByteReader r(b);
  DateTime t = read_datetime2(r, 0);
  EXPECT_EQ(epoch_micros(t), std::optional<int64_t>(1709251199LL * 1000000));  // 2024-02-29 23:59:59
  std::string b3 = unhex("99B2BB7EFB04B0");  // .120 with fsp 3 (2 fraction bytes, in 1/10000 s units)
  ByteReader r3(b3);
  EXPECT_EQ(epoch_micros(read_datetime2(r3, 3)), std::optional<int64_t>(1709251199LL * 1000000 + 120000));
  std::string b6 = unhex("99027F7EFB07A120");  // 1969-12-31 23:59:59.500000: before the epoch
  ByteReader r6(b6);
  EXPECT_EQ(epoch_micros(read_datetime2(r6, 6)), std::optional<int64_t>(-1000000 + 500000));
  std::string zero = unhex("8000000000");
  ByteReader rz(zero);
  EXPECT_EQ(epoch_micros(read_datetime2(rz, 0)), std::nullopt);
}

// The old DATETIME (MariaDB with mysql56_temporal_format=OFF): u64 little-endian YYYYMMDDhhmmss.
TEST(DatetimeV1Binary, DecimalDigitsAndYearsPast9999) {
  auto le = [](uint64_t v) {
    std::string b(8, '\0');
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
    return b;
  };
  std::string b = le(20240229235959ULL);
  ByteReader r(b);
  EXPECT_EQ(epoch_micros(read_datetime_v1(r)), std::optional<int64_t>(1709251199LL * 1000000));
  std::string top = le(99991231235959ULL);
  ByteReader rt(top);
  EXPECT_EQ(epoch_micros(read_datetime_v1(rt)), std::optional<int64_t>(253402300799LL * 1000000));
  for (uint64_t bad : {uint64_t{100000101000000}, uint64_t{3000000101000000}, UINT64_MAX}) {
    std::string d = le(bad);
    ByteReader rb(d);
    try {
      (void)read_datetime_v1(rb);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const DecodeError& e) {
      EXPECT_NE(std::string(e.what()).find("is past 9999"), std::string::npos) << e.what();
    }
  }
}

TEST(Timestamp2Binary, IsoTextKeepsExactlyFspDigits) {
  std::string b = unhex("65E11A7F07A120");
  ByteReader r(b);
  auto [secs, micros] = read_timestamp2(r, 6);
  std::string s;
  append_iso_utc(s, secs, micros, 6);
  EXPECT_EQ(s, "2024-02-29T23:59:59.500000Z");
  s.clear();
  append_iso_utc(s, secs, micros, 1);
  EXPECT_EQ(s, "2024-02-29T23:59:59.5Z");
  s.clear();
  append_iso_utc(s, secs, 0, 0);
  EXPECT_EQ(s, "2024-02-29T23:59:59Z");
  std::string b1 = unhex("65E11A7F32");  // fsp 1: one byte, 50 hundredths... of 1/100 s units
  ByteReader r1(b1);
  auto [s1, m1] = read_timestamp2(r1, 1);
  EXPECT_EQ(m1, 500000u);
  EXPECT_EQ(s1, 1709251199u);
}

TEST(DateBinary, DaysSinceEpochAndZeroDate) {
  std::string b = unhex("21CA0F");  // 2021-01-01: 1 | 1 << 5 | 2021 << 9 = 0x0FCA21, little-endian
  ByteReader r(b);
  EXPECT_EQ(epoch_days(read_date(r)), std::optional<int64_t>(18628));
  std::string z = unhex("000000");
  ByteReader rz(z);
  EXPECT_EQ(epoch_days(read_date(rz)), std::nullopt);
}

}  // namespace
}  // namespace cdc::mysql::types
