// Hex digit values: one table lookup per digit, no branches.
#pragma once
#include <array>
#include <cstdint>

namespace cdc {

// The value of a hex digit ('0'-'9', 'a'-'f', 'A'-'F'), 0xFF for any other byte.
inline constexpr std::array<uint8_t, 256> kHexDigitValue = [] {
  std::array<uint8_t, 256> t{};
  t.fill(0xFF);
  for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<uint8_t>(c);
  for (int c = 0; c < 6; ++c) t['a' + c] = t['A' + c] = static_cast<uint8_t>(10 + c);
  return t;
}();

inline unsigned hex_digit_value(char c) { return kHexDigitValue[static_cast<unsigned char>(c)]; }

}  // namespace cdc
