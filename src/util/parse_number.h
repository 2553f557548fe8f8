// Text that is exactly one number, read with std::from_chars: no spaces, nothing after it, no '-' where
// T is unsigned, and within T's range. Every parser of numbers that servers, files or configs write uses it.
#pragma once
#include <charconv>
#include <string_view>

namespace cdc {

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace cdc
