// MySQL binary DECIMAL (strings/decimal.cc, decimal2bin): digits are grouped in nines, each full group
// stored as a 4-byte big-endian integer, leftover digits in 1-4 bytes; integer part first, leftover
// group leading, fraction part leftover trailing. The sign lives in the top bit of the first byte
// (set = positive) and a negative value has every byte inverted.
#include <array>

#include "mysql/types.h"

namespace cdc::mysql::types {
namespace {

constexpr std::array<int, 10> kDigitBytes = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr std::array<uint32_t, 10> kPow10 = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

struct Groups {
  int intg0, intg0x, frac0, frac0x;
};
Groups groups_of(int precision, int scale) {
  int intg = precision - scale;
  return {intg / 9, intg % 9, scale / 9, scale % 9};
}

// Reads one digit group of `digits` digits (stored in kDigitBytes[digits] bytes), un-inverting for negatives.
uint32_t read_group(ByteReader& r, int digits, uint8_t mask, bool& first) {
  size_t n = digits == 9 ? 4 : kDigitBytes[digits];
  auto b = r.bytes(n, "decimal digits");
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t byte = b[i] ^ mask;
    if (first) {
      byte ^= 0x80;  // the sign bit
      first = false;
    }
    v = v << 8 | byte;
  }
  if (v >= kPow10[digits]) r.fail("decimal digits", "group value " + std::to_string(v) + " has too many digits");
  return v;
}

void append_padded(std::string& out, uint32_t v, int width) {
  char buf[10];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
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
  bool negative = (r.rest()[0] & 0x80) == 0;
  uint8_t mask = negative ? 0xFF : 0x00;
  Groups g = groups_of(precision, scale);
  bool first = true;

  std::string digits;  // integer digits, possibly with leading zeros
  if (g.intg0x) append_padded(digits, read_group(r, g.intg0x, mask, first), g.intg0x);
  for (int i = 0; i < g.intg0; ++i) append_padded(digits, read_group(r, 9, mask, first), 9);
  std::string frac;
  for (int i = 0; i < g.frac0; ++i) append_padded(frac, read_group(r, 9, mask, first), 9);
  if (g.frac0x) append_padded(frac, read_group(r, g.frac0x, mask, first), g.frac0x);

  size_t nz = digits.find_first_not_of('0');
  std::string_view int_part = nz == std::string::npos ? std::string_view("0") : std::string_view(digits).substr(nz);
  bool zero = nz == std::string::npos && frac.find_first_not_of('0') == std::string::npos;
  if (negative && !zero) out.push_back('-');
  out.append(int_part);
  if (scale > 0) {
    out.push_back('.');
    out.append(frac);
  }
}

}  // namespace cdc::mysql::types
