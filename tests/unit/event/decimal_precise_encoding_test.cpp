// decimal_handling=precise writes Connect Decimal bytes: base64 of the minimal big-endian two's-complement
// unscaled integer after rescaling to the column scale. Checked against ENVELOPE.md's examples and, for
// sizes no machine integer holds, against an independent reference (long division by 256).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "event/decimal.h"
#include "event/json_append.h"
#include "event_fixtures.h"

namespace cdc::event {
namespace {

std::string precise(std::string_view text, int scale) {
  decimal::Parts p;
  EXPECT_TRUE(decimal::parse(text, p)) << text;
  std::string out;
  EXPECT_TRUE(decimal::append_connect_decimal(out, p, scale)) << text;
  EXPECT_TRUE(testing::is_valid_json(out));
  return out;
}

// Reference: the unscaled decimal digits divided by 256 repeatedly (a different algorithm from the
// writer's base-2^32 limbs), then Java BigInteger.toByteArray's sign rules.
std::string reference_base64(bool negative, std::string digits) {
  std::string le;  // little-endian magnitude bytes
  while (digits.find_first_not_of('0') != std::string::npos) {
    std::string q;
    int rem = 0;
    for (const char c : digits) {
      const int cur = rem * 10 + (c - '0');
      q.push_back(static_cast<char>('0' + cur / 256));
      rem = cur % 256;
    }
    le.push_back(static_cast<char>(rem));
    digits = q;
  }
  if (le.empty() || (static_cast<unsigned char>(le.back()) & 0x80) != 0) le.push_back('\0');
  if (negative) {
    // two's complement: invert and add one
    unsigned carry = 1;
    for (char& b : le) {
      const unsigned v = static_cast<unsigned char>(~static_cast<unsigned char>(b)) + carry;
      b = static_cast<char>(v & 0xFF);
      carry = v >> 8;
    }
    // drop redundant 0xFF sign bytes (minimal form) while the next byte keeps the sign bit
    while (le.size() > 1 && static_cast<unsigned char>(le.back()) == 0xFF &&
           (static_cast<unsigned char>(le[le.size() - 2]) & 0x80) != 0) {
      le.pop_back();
    }
  } else {
    while (le.size() > 1 && le.back() == '\0' && (static_cast<unsigned char>(le[le.size() - 2]) & 0x80) == 0) {
      le.pop_back();
    }
  }
  std::reverse(le.begin(), le.end());
  std::string out = "\"";
  json::append_base64(out, le);
  out.push_back('"');
  return out;
}

TEST(DecimalPrecise, EnvelopeDocumentExamples) {
  EXPECT_EQ(precise("10000", 0), "\"JxA=\"");
  EXPECT_EQ(precise("25.50", 2), "\"CfY=\"");
  EXPECT_EQ(precise("-1234.11", 2), "\"/h3t\"");
  EXPECT_EQ(precise("128", 0), "\"AIA=\"");
}

TEST(DecimalPrecise, ZeroAndSignBoundaries) {
  EXPECT_EQ(precise("0", 0), "\"AA==\"");
  EXPECT_EQ(precise("-0.00", 2), "\"AA==\"");  // BigInteger.ZERO has no sign
  EXPECT_EQ(precise("127", 0), "\"fw==\"");
  EXPECT_EQ(precise("-128", 0), "\"gA==\"");   // fits one byte
  EXPECT_EQ(precise("-129", 0), "\"/38=\"");   // 0xFF7F
  EXPECT_EQ(precise("255", 0), "\"AP8=\"");
  EXPECT_EQ(precise("-1", 0), "\"/w==\"");
}

TEST(DecimalPrecise, RescalesToTheColumnScale) {
  EXPECT_EQ(precise("25.5", 2), precise("25.50", 2));  // raised: 2550
  EXPECT_EQ(precise("25", 2), precise("25.00", 2));
  EXPECT_EQ(precise(".5", 1), precise("0.5", 1));
  EXPECT_EQ(precise("25.5000", 2), precise("25.50", 2));  // only zeros may be dropped
  decimal::Parts p;
  ASSERT_TRUE(decimal::parse("25.555", p));
  std::string out;
  EXPECT_FALSE(decimal::append_connect_decimal(out, p, 2));  // would lose a digit
  EXPECT_TRUE(out.empty());
}

TEST(DecimalPrecise, SixtyFiveDigitMysqlDecimals) {
  // DECIMAL(65,30) extremes and a mixed value.
  const std::string nines35(35, '9'), nines30(30, '9');
  const std::string max = nines35 + "." + nines30;
  EXPECT_EQ(precise(max, 30), reference_base64(false, nines35 + nines30));
  EXPECT_EQ(precise("-" + max, 30), reference_base64(true, nines35 + nines30));
  const std::string mixed = "12345678901234567890123456789012345.678901234567890123456789012345";
  EXPECT_EQ(precise(mixed, 30), reference_base64(false, "12345678901234567890123456789012345678901234567890123456789012345"));
  EXPECT_EQ(precise("-0.000000000000000000000000000001", 30), "\"/w==\"");
}

TEST(DecimalPrecise, ThousandDigitPostgresNumeric) {
  std::string digits;
  for (int i = 0; i < 1000; ++i) digits.push_back(static_cast<char>('1' + i % 9));
  const std::string text = digits.substr(0, 600) + "." + digits.substr(600);
  EXPECT_EQ(precise(text, 400), reference_base64(false, digits));
  EXPECT_EQ(precise("-" + text, 400), reference_base64(true, digits));
}

TEST(DecimalPrecise, PowersOfTwoAcrossLimbBoundaries) {
  // 2^31, 2^32, 2^63, 2^64 and their negatives stress the limb carry and the sign byte.
  const char* values[] = {"2147483648", "4294967295", "4294967296", "9223372036854775807",
                          "9223372036854775808", "18446744073709551616"};
  for (const char* v : values) {
    EXPECT_EQ(precise(v, 0), reference_base64(false, v)) << v;
    EXPECT_EQ(precise(std::string("-") + v, 0), reference_base64(true, v)) << v;
  }
}

TEST(DecimalPrecise, SmallValuesAroundTheEighteenDigitFastPath) {
  // Up to 18 unscaled digits take a 64-bit path; 19 and more, or a scale cut, the limb path. Both must
  // agree with the reference at every byte-length boundary and on either side of 18 digits.
  std::mt19937_64 rng(42);
  for (int digits = 1; digits <= 20; ++digits) {
    for (int trial = 0; trial < 200; ++trial) {
      std::string v(1, static_cast<char>('1' + rng() % 9));
      for (int k = 1; k < digits; ++k) v.push_back(static_cast<char>('0' + rng() % 10));
      if (trial == 0) v.assign(static_cast<size_t>(digits), '9');
      const int scale = static_cast<int>(rng() % (static_cast<unsigned>(digits) + 1));
      const std::string text = v.substr(0, v.size() - static_cast<size_t>(scale)) + "." + v.substr(v.size() - static_cast<size_t>(scale));
      ASSERT_EQ(precise(text, scale), reference_base64(false, v)) << text;
      ASSERT_EQ(precise("-" + text, scale), reference_base64(true, v)) << "-" << text;
      // The same value declared with a larger column scale: unscaled digits gain zeros.
      ASSERT_EQ(precise(text, scale + 2), reference_base64(false, v + "00")) << text;
    }
  }
  for (int bits = 1; bits < 63; ++bits) {  // every byte-length boundary of an int64
    for (const int64_t m : {(int64_t{1} << bits) - 1, int64_t{1} << bits}) {
      const std::string v = std::to_string(m);
      EXPECT_EQ(precise(v, 0), reference_base64(false, v)) << v;
      EXPECT_EQ(precise("-" + v, 0), reference_base64(true, v)) << "-" << v;
    }
  }
}

TEST(DecimalVariableScale, StripsTrailingZerosAndKeepsScaleNonNegative) {
  auto vs = [](std::string_view text) {
    decimal::Parts p;
    EXPECT_TRUE(decimal::parse(text, p));
    std::string out;
    EXPECT_TRUE(decimal::append_variable_scale(out, p));
    EXPECT_TRUE(testing::is_valid_json(out));
    return out;
  };
  EXPECT_EQ(vs("25.50"), R"({"scale":1,"value":"AP8="})");  // 255
  EXPECT_EQ(vs("1200"), R"({"scale":0,"value":"BLA="})");   // 1200, scale never negative
  EXPECT_EQ(vs("0.000"), R"({"scale":0,"value":"AA=="})");
  EXPECT_EQ(vs("-1234.1100"), R"({"scale":2,"value":"/h3t"})");
}

TEST(DecimalSpecialValues, NanAndInfinityCannotBePrecise) {
  for (const char* text : {"NaN", "Infinity", "-Infinity"}) {
    decimal::Parts p;
    ASSERT_TRUE(decimal::parse(text, p));
    std::string out;
    EXPECT_FALSE(decimal::append_connect_decimal(out, p, 2));
    EXPECT_FALSE(decimal::append_variable_scale(out, p));
  }
}

TEST(DecimalParse, RejectsMalformedText) {
  decimal::Parts p;
  for (const char* bad : {"", "-", ".", "1.2.3", "1e5", "12a", " 1", "--1"}) EXPECT_FALSE(decimal::parse(bad, p)) << bad;
}

}  // namespace
}  // namespace cdc::event

namespace cdc::event {
namespace {

// PostgreSQL 15 numeric(p,-s): the unscaled value is the number divided by 10^s (its zeros are implied by
// the scale); a value that is not a multiple of 10^s does not fit the column and is refused.
TEST(DecimalNegativeScale, UnscaledValueDropsTheImpliedZeros) {
  EXPECT_EQ(precise("12300", -2), "\"ew==\"");  // 123
  EXPECT_EQ(precise("-12300", -2), "\"hQ==\"");  // -123 = 0x85
  EXPECT_EQ(precise("0", -3), "\"AA==\"");
  decimal::Parts p;
  ASSERT_TRUE(decimal::parse("12345", p));
  std::string out;
  EXPECT_FALSE(decimal::append_connect_decimal(out, p, -2));
}

}  // namespace
}  // namespace cdc::event
