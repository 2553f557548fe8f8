#include "event/decimal.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include "event/json_append.h"

namespace cdc::event::decimal {
namespace {

bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool all_zeros(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

// Per-thread scratch, reused so that encoding a decimal allocates nothing once warm.
struct Scratch {
  std::string digits;           // the unscaled integer in decimal
  std::vector<uint32_t> limbs;  // the same, base 2^32, least significant first
  std::string bytes;            // big-endian two's complement
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// The unscaled integer's decimal digits: int digits, then frac digits padded or cut to `scale`. False when
// the cut would drop a non-zero digit (the value does not fit the column scale).
bool unscaled_digits(const Parts& p, int scale, std::string& digits) {
  const size_t want = scale < 0 ? 0 : static_cast<size_t>(scale);
  std::string_view frac = p.frac_digits;
  if (frac.size() > want) {
    if (!all_zeros(frac.substr(want))) return false;
    frac = frac.substr(0, want);
  }
  digits.clear();
  digits.append(p.int_digits);
  digits.append(frac);
  digits.append(want - frac.size(), '0');
  if (scale < 0) {
    // A negative scale (PostgreSQL 15 numeric(p,-s)): the unscaled value drops the -scale trailing
    // zeros the column guarantees; a value with other digits there does not fit the column.
    const size_t drop = static_cast<size_t>(-scale);
    if (!all_zeros(frac)) return false;
    if (digits.size() < drop) {
      if (!all_zeros(digits)) return false;
      digits.clear();
    } else {
      if (!all_zeros(std::string_view(digits).substr(digits.size() - drop))) return false;
      digits.resize(digits.size() - drop);
    }
  }
  const size_t nz = digits.find_first_not_of('0');
  digits.erase(0, nz == std::string::npos ? digits.size() : nz);
  return true;
}

// Decimal digits to base 2^32 (schoolbook, 9 digits at a time). Written by hand because nothing in our
// dependency set converts arbitrary-size decimal text to two's-complement bytes (the job Java's
// BigInteger does for Debezium), and pulling in GMP for one conversion is not worth it: even 1000 digits
// are ~110 limbs, a few microseconds.
void to_limbs(std::string_view digits, std::vector<uint32_t>& limbs) {
  limbs.clear();
  size_t i = 0;
  size_t chunk = digits.size() % 9 == 0 ? 9 : digits.size() % 9;
  while (i < digits.size()) {
    uint32_t part = 0;
    std::from_chars(digits.data() + i, digits.data() + i + chunk, part);
    uint64_t mul = 1;
    for (size_t k = 0; k < chunk; ++k) mul *= 10;
    uint64_t carry = part;
    for (auto& limb : limbs) {
      const uint64_t x = limb * mul + carry;
      limb = static_cast<uint32_t>(x);
      carry = x >> 32;
    }
    if (carry != 0) limbs.push_back(static_cast<uint32_t>(carry));
    i += chunk;
    chunk = 9;
  }
}

void subtract_one(std::vector<uint32_t>& limbs) {
  for (auto& limb : limbs) {
    if (limb-- != 0) break;
  }
  while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
}

size_t bit_length(const std::vector<uint32_t>& limbs) {
  if (limbs.empty()) return 0;
  return (limbs.size() - 1) * 32 + static_cast<size_t>(32 - __builtin_clz(limbs.back()));
}

// Java BigInteger.toByteArray: the shortest big-endian two's complement, bitLength/8 + 1 bytes, where a
// negative -m is written as the complement of m-1.
void twos_complement(std::string_view digits, bool negative, Scratch& s) {
  to_limbs(digits, s.limbs);
  negative = negative && !s.limbs.empty();
  if (negative) subtract_one(s.limbs);
  const size_t n = bit_length(s.limbs) / 8 + 1;
  s.bytes.assign(n, '\0');
  for (size_t b = 0; b < n; ++b) {
    const size_t limb = b / 4;
    const uint32_t v = limb < s.limbs.size() ? s.limbs[limb] : 0;
    auto byte = static_cast<unsigned char>(v >> (8 * (b % 4)));
    if (negative) byte = static_cast<unsigned char>(~byte);
    s.bytes[n - 1 - b] = static_cast<char>(byte);
  }
}

}  // namespace

bool parse(std::string_view text, Parts& out) {
  out = Parts{};
  if (text == "NaN") {
    out.special = Special::nan;
    return true;
  }
  if (text == "Infinity" || text == "+Infinity") {
    out.special = Special::pos_inf;
    return true;
  }
  if (text == "-Infinity") {
    out.special = Special::neg_inf;
    return true;
  }
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    out.negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string_view int_part = text.substr(0, dot);
  const std::string_view frac_part = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (int_part.empty() && frac_part.empty()) return false;
  if (!all_digits(int_part) || !all_digits(frac_part)) return false;
  const size_t nz = int_part.find_first_not_of('0');
  int_part.remove_prefix(nz == std::string_view::npos ? int_part.size() : nz);
  out.int_digits = int_part;
  out.frac_digits = frac_part;
  return true;
}

namespace {
// The common case without limbs: an unscaled value of at most 18 digits (DECIMAL(18,s) and smaller) that
// needs no cut, as a 64-bit integer. False when the general path must run.
bool small_unscaled(const Parts& p, int scale, int64_t& value) {
  if (scale < 0 || p.frac_digits.size() > static_cast<size_t>(scale) ||
      p.int_digits.size() + static_cast<size_t>(scale) > 18)
    return false;
  uint64_t u = 0;
  for (const char c : p.int_digits) u = u * 10 + static_cast<uint64_t>(c - '0');
  for (const char c : p.frac_digits) u = u * 10 + static_cast<uint64_t>(c - '0');
  for (size_t k = p.frac_digits.size(); k < static_cast<size_t>(scale); ++k) u *= 10;
  value = p.negative ? -static_cast<int64_t>(u) : static_cast<int64_t>(u);
  return true;
}
}  // namespace

bool append_connect_decimal(std::string& out, const Parts& p, int scale) {
  if (p.special != Special::none) return false;
  if (int64_t v = 0; small_unscaled(p, scale, v)) {
    // BigInteger.toByteArray of v: bitLength/8 + 1 bytes, where bitLength ignores the sign.
    const auto magnitude_bits = static_cast<uint64_t>(v < 0 ? ~v : v);
    const int bits = magnitude_bits == 0 ? 0 : 64 - __builtin_clzll(magnitude_bits);
    const int n = bits / 8 + 1;
    char bytes[8];
    for (int b = 0; b < n; ++b) bytes[n - 1 - b] = static_cast<char>(static_cast<uint64_t>(v) >> (8 * b));
    out.push_back('"');
    json::append_base64(out, std::string_view(bytes, static_cast<size_t>(n)));
    out.push_back('"');
    return true;
  }
  Scratch& s = scratch();
  if (!unscaled_digits(p, scale, s.digits)) return false;
  twos_complement(s.digits, p.negative, s);
  out.push_back('"');
  json::append_base64(out, s.bytes);
  out.push_back('"');
  return true;
}

bool append_variable_scale(std::string& out, const Parts& p) {
  if (p.special != Special::none) return false;
  const size_t last = p.frac_digits.find_last_not_of('0');
  const int scale = last == std::string_view::npos ? 0 : static_cast<int>(last + 1);
  out.append("{\"scale\":");
  json::append_int(out, scale);
  out.append(",\"value\":");
  append_connect_decimal(out, p, scale);
  out.push_back('}');
  return true;
}

void append_plain(std::string& out, const Parts& p, int scale) {
  switch (p.special) {
    case Special::nan: out.append("\"NaN\""); return;
    case Special::pos_inf: out.append("\"Infinity\""); return;
    case Special::neg_inf: out.append("\"-Infinity\""); return;
    case Special::none: break;
  }
  out.push_back('"');
  const bool zero = p.int_digits.empty() && all_zeros(p.frac_digits);
  if (p.negative && !zero) out.push_back('-');
  if (p.int_digits.empty()) {
    out.push_back('0');
  } else {
    out.append(p.int_digits);
  }
  const size_t want = scale < 0 ? 0 : static_cast<size_t>(scale);
  const size_t frac = std::max(want, p.frac_digits.size());
  if (frac > 0) {
    out.push_back('.');
    out.append(p.frac_digits);
    out.append(frac - p.frac_digits.size(), '0');
  }
  out.push_back('"');
}

double to_double(std::string_view text, const Parts& p) {
  switch (p.special) {
    case Special::nan: return std::numeric_limits<double>::quiet_NaN();
    case Special::pos_inf: return std::numeric_limits<double>::infinity();
    case Special::neg_inf: return -std::numeric_limits<double>::infinity();
    case Special::none: break;
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double d = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), d).ec == std::errc::result_out_of_range) {
    // PostgreSQL's numeric reaches 10^131072, past a double; from_chars then leaves d alone. Java's
    // BigDecimal.doubleValue() gives infinity above the range and zero below it, and so do we.
    d = p.int_digits.empty() ? 0.0 : std::numeric_limits<double>::infinity();
    if (p.negative) d = -d;
  }
  return d;
}

}  // namespace cdc::event::decimal
