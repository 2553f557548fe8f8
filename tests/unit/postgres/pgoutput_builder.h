// Builds pgoutput byte vectors field by field, following "Logical Replication Message Formats":
// integers big-endian, strings NUL-terminated.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cdc::pg::test {

class Bytes {
 public:
  Bytes& u8(uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  Bytes& ch(char c) { return u8(static_cast<uint8_t>(c)); }
  Bytes& u16(uint16_t v) { return be(v, 2); }
  Bytes& u32(uint32_t v) { return be(v, 4); }
  Bytes& u64(uint64_t v) { return be(v, 8); }
  Bytes& str(std::string_view s) {  // String: NUL-terminated
    b_.insert(b_.end(), s.begin(), s.end());
    b_.push_back(0);
    return *this;
  }
  Bytes& raw(std::string_view s) {
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  // TupleData column helpers.
  Bytes& text(std::string_view v) { return ch('t').u32(static_cast<uint32_t>(v.size())).raw(v); }
  Bytes& null() { return ch('n'); }
  Bytes& toast() { return ch('u'); }
  const std::vector<uint8_t>& vec() const { return b_; }
  operator std::span<const uint8_t>() const { return b_; }

 private:
  Bytes& be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) b_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  std::vector<uint8_t> b_;
};

inline std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(nib(hex[i]) << 4 | nib(hex[i + 1])));
  return out;
}

}  // namespace cdc::pg::test
