// ByteReader: the only way decoders read bytes. Every read is bounds-checked here, once, so no decoder
// can forget; a short buffer throws DecodeError naming the offset and what was being read.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "util/error.h"

namespace cdc {

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}
  ByteReader(const void* p, size_t n) : data_(static_cast<const uint8_t*>(p), n) {}
  explicit ByteReader(std::string_view s) : ByteReader(s.data(), s.size()) {}

  size_t offset() const { return pos_; }
  size_t size() const { return data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ >= data_.size(); }
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

  void skip(size_t n, const char* what = "bytes") {
    need(n, what);
    pos_ += n;
  }

  uint8_t u8(const char* what = "u8") {
    need(1, what);
    return data_[pos_++];
  }
  uint16_t u16le(const char* what = "u16") { return static_cast<uint16_t>(le(2, what)); }
  uint32_t u24le(const char* what = "u24") { return static_cast<uint32_t>(le(3, what)); }
  uint32_t u32le(const char* what = "u32") { return static_cast<uint32_t>(le(4, what)); }
  uint64_t u48le(const char* what = "u48") { return le(6, what); }
  uint64_t u64le(const char* what = "u64") { return le(8, what); }
  // Little-endian unsigned integer of n (0..8) bytes.
  uint64_t uintle(size_t n, const char* what = "uint") { return le(n, what); }

  uint16_t u16be(const char* what = "u16") { return static_cast<uint16_t>(be(2, what)); }
  uint32_t u24be(const char* what = "u24") { return static_cast<uint32_t>(be(3, what)); }
  uint32_t u32be(const char* what = "u32") { return static_cast<uint32_t>(be(4, what)); }
  uint64_t u40be(const char* what = "u40") { return be(5, what); }
  uint64_t u64be(const char* what = "u64") { return be(8, what); }
  uint64_t uintbe(size_t n, const char* what = "uint") { return be(n, what); }

  // MySQL length-encoded integer (protocol "int<lenenc>"). 0xfb (NULL marker) and 0xff are invalid here.
  uint64_t lenenc(const char* what = "lenenc int") {
    uint8_t first = u8(what);
    if (first < 0xfb) return first;
    if (first == 0xfc) return le(2, what);
    if (first == 0xfd) return le(3, what);
    if (first == 0xfe) return le(8, what);
    fail(what, "invalid length-encoded integer prefix");
  }

  std::span<const uint8_t> bytes(size_t n, const char* what = "bytes") {
    need(n, what);
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view str(size_t n, const char* what = "string") {
    auto b = bytes(n, what);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
  // NUL-terminated string; the NUL is consumed but not returned.
  std::string_view cstring(const char* what = "cstring") {
    const void* nul = std::memchr(data_.data() + pos_, 0, remaining());
    if (!nul) fail(what, "missing NUL terminator");
    size_t n = static_cast<const uint8_t*>(nul) - (data_.data() + pos_);
    auto s = str(n, what);
    pos_ += 1;
    return s;
  }
  std::string_view lenenc_str(const char* what = "lenenc string") {
    uint64_t n = lenenc(what);
    if (n > remaining()) fail(what, "length " + std::to_string(n) + " exceeds remaining " + std::to_string(remaining()));
    return str(static_cast<size_t>(n), what);
  }
  // A sub-reader over the next n bytes (consumed from this one).
  ByteReader sub(size_t n, const char* what = "block") { return ByteReader(bytes(n, what)); }

  [[noreturn]] void fail(const char* what, const std::string& why) const {
    throw DecodeError("reading " + std::string(what) + " at offset " + std::to_string(pos_) + " of " +
                      std::to_string(data_.size()) + ": " + why);
  }

 private:
  void need(size_t n, const char* what) const {
    if (n > remaining())
      fail(what, "need " + std::to_string(n) + " bytes, only " + std::to_string(remaining()) + " left");
  }
  uint64_t le(size_t n, const char* what) {
    if (n > 8) fail(what, "integer width " + std::to_string(n) + " exceeds 8 bytes");
    need(n, what);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{data_[pos_ + i]} << (8 * i);
    pos_ += n;
    return v;
  }
  uint64_t be(size_t n, const char* what) {
    if (n > 8) fail(what, "integer width " + std::to_string(n) + " exceeds 8 bytes");
    need(n, what);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += n;
    return v;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace cdc
