// Strings are written as Jackson writes them (raw UTF-8, minimal escapes) and invalid UTF-8 is repaired
// with U+FFFD; numbers follow Java's Double/Float.toString.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "event/json_append.h"
#include "event_fixtures.h"

namespace cdc::event {
namespace {

std::string str(std::string_view s) {
  std::string out;
  json::append_string(out, s);
  EXPECT_TRUE(testing::is_valid_json(out)) << out;
  return out;
}

std::string dbl(double v) {
  std::string out;
  json::append_double(out, v);
  EXPECT_TRUE(testing::is_valid_json(out)) << out;
  return out;
}

const std::string kFffd = "\xEF\xBF\xBD";

TEST(JsonString, QuotesBackslashAndShortEscapes) {
  EXPECT_EQ(str(R"(a"b\c)"), R"("a\"b\\c")");
  EXPECT_EQ(str("\b\t\n\f\r"), R"("\b\t\n\f\r")");
  EXPECT_EQ(str("/"), R"("/")");  // Jackson does not escape the slash
}

TEST(JsonString, OtherControlCharactersAsUpperCaseUnicodeEscapes) {
  EXPECT_EQ(str(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001F")");
  EXPECT_EQ(str("\x7f"), "\"\x7f\"");  // DEL is not a JSON control character
}

TEST(JsonString, NonAsciiIsWrittenRaw) {
  EXPECT_EQ(str("Zoë ✓ 日本"), "\"Zoë ✓ 日本\"");
  EXPECT_EQ(str("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");  // 4-byte U+1F600 stays one sequence
  EXPECT_EQ(str("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF, the last code point
}

TEST(JsonString, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(str("a\xff" "b"), "\"a" + kFffd + "b\"");
  EXPECT_EQ(str("\xC3"), "\"" + kFffd + "\"");                     // truncated 2-byte sequence
  EXPECT_EQ(str("\xE2\x9C" "x"), "\"" + kFffd + "x\"");            // truncated 3-byte: one U+FFFD
  EXPECT_EQ(str("\xF0\x9F\x98"), "\"" + kFffd + "\"");             // truncated 4-byte at the end
  EXPECT_EQ(str("\xC0\xAF"), "\"" + kFffd + kFffd + "\"");         // overlong: each byte ill-formed
  EXPECT_EQ(str("\xED\xA0\x80"), "\"" + kFffd + kFffd + kFffd + "\"");  // UTF-16 surrogate
  EXPECT_EQ(str("\xF4\x90\x80\x80"), "\"" + kFffd + kFffd + kFffd + kFffd + "\"");  // above U+10FFFF
  EXPECT_EQ(str("\x80\"\x01"), "\"" + kFffd + "\\\"\\u0001\"");   // escapes still apply on the slow path
}

TEST(JsonString, EveryPositionInLongValues) {
  // Long values take a 16-bytes-at-a-time path with an overlapping last block; a special byte at any
  // position of any length must be escaped, repaired or copied exactly as in a short value.
  struct Special {
    std::string in, out;
  };
  const Special specials[] = {{"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {std::string(1, '\0'), "\\u0000"},
                              {"\x1f", "\\u001F"}, {"\x7f", "\x7f"}, {"\xC3\xA9", "\xC3\xA9"},
                              {"\xE2\x9C\x93", "\xE2\x9C\x93"}, {"\xff", kFffd}, {"\xC3", kFffd}};
  for (size_t len = 0; len <= 48; ++len) {
    std::string plain;
    for (size_t k = 0; k < len; ++k) plain.push_back(static_cast<char>('a' + k % 26));
    ASSERT_EQ(str(plain), "\"" + plain + "\"");
    for (const Special& sp : specials) {
      for (size_t at = 0; at <= len; ++at) {
        const std::string in = plain.substr(0, at) + sp.in + plain.substr(at);
        ASSERT_EQ(str(in), "\"" + plain.substr(0, at) + sp.out + plain.substr(at) + "\"")
            << "length " << len << " at " << at;
      }
    }
  }
}

TEST(JsonNumbers, DoublesPrintLikeJava) {
  EXPECT_EQ(dbl(1.0), "1.0");
  EXPECT_EQ(dbl(-0.0), "-0.0");
  EXPECT_EQ(dbl(0.0), "0.0");
  EXPECT_EQ(dbl(123.456), "123.456");
  EXPECT_EQ(dbl(1234567.0), "1234567.0");
  EXPECT_EQ(dbl(12345678.0), "1.2345678E7");
  EXPECT_EQ(dbl(0.001), "0.001");
  EXPECT_EQ(dbl(0.0001), "1.0E-4");
  EXPECT_EQ(dbl(1e300), "1.0E300");
  EXPECT_EQ(dbl(std::numeric_limits<double>::denorm_min()), "4.9E-324");
  EXPECT_EQ(dbl(std::numeric_limits<double>::infinity()), "\"Infinity\"");
  EXPECT_EQ(dbl(-std::numeric_limits<double>::infinity()), "\"-Infinity\"");
}

TEST(JsonNumbers, FloatsUseTheirOwnShortestDigits) {
  std::string out;
  json::append_float(out, 0.1f);
  EXPECT_EQ(out, "0.1");
  out.clear();
  json::append_float(out, 1.0e10f);
  EXPECT_EQ(out, "1.0E10");
}

TEST(JsonBytes, Base64PaddingAndHex) {
  std::string out;
  json::append_base64(out, "");
  json::append_base64(out, "f");
  out.push_back('|');
  json::append_base64(out, "fo");
  out.push_back('|');
  json::append_base64(out, "foo");
  EXPECT_EQ(out, "Zg==|Zm8=|Zm9v");
  out.clear();
  json::append_hex(out, std::string_view("\x00\xab", 2));
  EXPECT_EQ(out, "00ab");
}

TEST(JsonInts, Extremes) {
  std::string out;
  json::append_int(out, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(out, "-9223372036854775808");
}

}  // namespace
}  // namespace cdc::event
