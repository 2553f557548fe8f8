// MySQL binary DECIMAL (strings/decimal.cc, decimal2bin): digits are grouped in nines, each full group
// stored as a 4-byte big-endian integer, leftover digits in 1-4 bytes; integer part first, leftover
// group leading, fraction part leftover trailing. The sign lives in the top bit of the first byte
// (set = positive) and a negative value has every byte inverted.
#include <array>

#include "mysql/types.h"

namespace cdc::mysql::types {
namespace {

constexpr std::array<int, 10> kDigitBytes = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};  // 9 digits: 4 bytes too
constexpr std::array<uint32_t, 10> kPow10 = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

struct Groups {
  int intg0, intg0x, frac0, frac0x;
};
Groups groups_of(int precision, int scale) {
  int intg = precision - scale;
  return {intg / 9, intg % 9, scale / 9, scale % 9};
}

// Writes v as exactly `width` digits at p, two at a time; returns the end.
char* put_padded(char* p, uint32_t v, int width) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  int i = width;
  for (; i >= 2; i -= 2) {
    const uint32_t pair = v % 100;
    v /= 100;
    p[i - 2] = kPairs[2 * pair];
    p[i - 1] = kPairs[2 * pair + 1];
  }
  if (i == 1) p[0] = static_cast<char>('0' + v);
  return p + width;
}

}  // namespace

size_t decimal_binary_size(int precision, int scale) {
  Groups g = groups_of(precision, scale);
  return static_cast<size_t>(g.intg0 * 4 + kDigitBytes[g.intg0x] + g.frac0 * 4 + kDigitBytes[g.frac0x]);
}

void append_decimal(std::string& out, ByteReader& r, int precision, int scale) {
  if (precision < 1 || precision > 65 || scale < 0 || scale > 30 || scale > precision)
    r.fail("decimal", "invalid precision/scale " + std::to_string(precision) + "," + std::to_string(scale));
  size_t size = decimal_binary_size(precision, scale);
  if (r.remaining() < size) r.fail("decimal", "need " + std::to_string(size) + " bytes");
  // The bytes, sign bit cleared and un-inverted for negatives, copied once (at most 30 bytes).
  const auto raw = r.bytes(size, "decimal digits");
  const bool negative = (raw[0] & 0x80) == 0;
  const uint8_t mask = negative ? 0xFF : 0x00;
  uint8_t b[32];  // decimal_binary_size is at most 30 for precision <= 65, scale <= 30
  for (size_t i = 0; i < size; ++i) b[i] = raw[i] ^ mask;
  b[0] ^= 0x80;
  const uint8_t* p = b;
  // One group of `digits` digits (kDigitBytes[digits] bytes, 4 for a full group), big-endian.
  const auto group = [&](int digits) {
    const int n = kDigitBytes[digits];
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = v << 8 | p[i];
    p += n;
    if (v >= kPow10[digits]) r.fail("decimal digits", "group value " + std::to_string(v) + " has too many digits");
    return v;
  };
  const Groups g = groups_of(precision, scale);

  // Digits on the stack (at most 65 + 30, and a decimal is one of many values in a hot loop).
  char int_digits[72];
  char* ip = int_digits;
  if (g.intg0x) ip = put_padded(ip, group(g.intg0x), g.intg0x);
  for (int i = 0; i < g.intg0; ++i) ip = put_padded(ip, group(9), 9);
  char frac_digits[40];
  char* fp = frac_digits;
  for (int i = 0; i < g.frac0; ++i) fp = put_padded(fp, group(9), 9);
  if (g.frac0x) fp = put_padded(fp, group(g.frac0x), g.frac0x);

  const char* int_start = int_digits;
  while (int_start != ip && *int_start == '0') ++int_start;
  bool zero = int_start == ip;
  for (const char* q = frac_digits; zero && q != fp; ++q) zero = *q == '0';
  if (negative && !zero) out.push_back('-');
  if (int_start == ip) {
    out.push_back('0');
  } else {
    out.append(int_start, static_cast<size_t>(ip - int_start));
  }
  if (scale > 0) {
    out.push_back('.');
    out.append(frac_digits, static_cast<size_t>(fp - frac_digits));
  }
}

}  // namespace cdc::mysql::types
