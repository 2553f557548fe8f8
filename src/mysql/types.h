// Value-level decoders for the MySQL binary formats that need more than a fixed-width read.
// Reference: strings/decimal.cc (decimal2bin), mysys/my_time.cc (my_*_packed_from_binary).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "util/byte_reader.h"

namespace cdc::mysql::types {

// ---- DECIMAL / NEWDECIMAL ----------------------------------------------------------------------------
size_t decimal_binary_size(int precision, int scale);
// Appends the value as plain decimal text: optional '-', integer digits without leading zeros ("0" when
// none), then '.' and exactly `scale` digits when scale > 0. Throws DecodeError for malformed digit groups.
void append_decimal(std::string& out, ByteReader& r, int precision, int scale);

// ---- temporal ---------------------------------------------------------------------------------------
struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  uint32_t micros = 0;
};
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
// Days since 1970-01-01, or nullopt for a zero / partially zero date, which has no calendar meaning.
std::optional<int64_t> epoch_days(const DateTime& t);
std::optional<int64_t> epoch_micros(const DateTime& t);

DateTime read_date(ByteReader& r);                  // DATE: 3 bytes LE, day | month << 5 | year << 9
DateTime read_datetime2(ByteReader& r, int fsp);    // DATETIME2: 5 bytes BE + fraction
DateTime read_datetime_v1(ByteReader& r);           // old DATETIME: u64 LE YYYYMMDDhhmmss
int64_t read_time2_micros(ByteReader& r, int fsp);  // TIME2, signed microseconds
int64_t read_time_v1_micros(ByteReader& r);         // old TIME: 3-byte signed HHMMSS
// TIMESTAMP2: big-endian seconds + fraction. Returns {seconds, micros}.
std::pair<uint32_t, uint32_t> read_timestamp2(ByteReader& r, int fsp);

// "2024-06-15T12:34:56.500Z" with exactly `fsp` fraction digits (none when fsp = 0), UTC.
void append_iso_utc(std::string& out, int64_t epoch_seconds, uint32_t micros, int fsp);

// Decodes MySQL's in-memory "packed" temporal (JSON opaque DATE/TIME/DATETIME payloads).
DateTime unpack_datetime_packed(int64_t packed);
void append_time_packed(std::string& out, int64_t packed);  // "-838:59:59.000000"

}  // namespace cdc::mysql::types
