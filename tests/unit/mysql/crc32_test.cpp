// The carry-less-multiply CRC-32 (src/mysql/crc32.cpp) against zlib's, over every length around the
// 16- and 64-byte fold boundaries, unaligned starts, chained updates and known check values.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mysql/crc32.h"

namespace cdc::mysql {
namespace {

uint32_t zlib_crc(const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(crc32(0L, p, static_cast<uInt>(n)));
}

TEST(Crc32, CheckValues) {
  const std::string check = "123456789";
  const auto* p = reinterpret_cast<const uint8_t*>(check.data());
  EXPECT_EQ(crc32_update(0, p, check.size()), 0xCBF43926u);  // the CRC-32/ISO-HDLC check value
  std::vector<uint8_t> zeros(4096, 0);
  EXPECT_EQ(crc32_update(0, zeros.data(), zeros.size()), zlib_crc(zeros.data(), zeros.size()));
  std::vector<uint8_t> ones(4096, 0xFF);
  EXPECT_EQ(crc32_update(0, ones.data(), ones.size()), zlib_crc(ones.data(), ones.size()));
  EXPECT_EQ(crc32_update(0, nullptr, 0), 0u);
}

TEST(Crc32, MatchesZlibForEveryLengthAndAlignment) {
  std::mt19937_64 rng(20261128);
  std::vector<uint8_t> buf(4096 + 64);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t offset = 0; offset < 16; ++offset) {
    for (size_t n = 0; n <= 600; ++n) {
      const uint8_t* p = buf.data() + offset;
      ASSERT_EQ(crc32_update(0, p, n), zlib_crc(p, n)) << "offset " << offset << " length " << n;
      ASSERT_EQ(crc32_update(0, p, n, /*allow_simd=*/false), zlib_crc(p, n));
    }
  }
  for (size_t n : {1023u, 1024u, 1025u, 4095u, 4096u}) {
    EXPECT_EQ(crc32_update(0, buf.data() + 3, n), zlib_crc(buf.data() + 3, n)) << n;
  }
}

TEST(Crc32, ChainedUpdatesEqualOneUpdate) {
  std::mt19937_64 rng(7);
  std::vector<uint8_t> buf(3000);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  const uint32_t whole = zlib_crc(buf.data(), buf.size());
  for (size_t cut : {0u, 1u, 15u, 16u, 63u, 64u, 65u, 100u, 1500u, 2999u, 3000u}) {
    uint32_t crc = crc32_update(0, buf.data(), cut);
    crc = crc32_update(crc, buf.data() + cut, buf.size() - cut);
    EXPECT_EQ(crc, whole) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace cdc::mysql
