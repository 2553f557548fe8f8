// CRC-32 (ISO-HDLC, zlib's and the binlog's): carry-less-multiply folding where the CPU has it, zlib
// otherwise. Same results as zlib's crc32().
#pragma once
#include <cstddef>
#include <cstdint>

namespace cdc::mysql {

// Continues `crc` (0 to start) over data, like zlib's crc32(crc, data, size). allow_simd=false forces the
// zlib path (tests compare the two).
uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size, bool allow_simd = true);

}  // namespace cdc::mysql
