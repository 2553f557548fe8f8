// Temporal formats (mysys/my_time.cc, sql-common/my_time.cc):
//   DATETIME2  5 bytes BE: 1 sign bit (set = non-negative), 17 bits year*13+month, 5 day, 5 hour,
//              6 minute, 6 second; then ceil(fsp/2) bytes of fraction, BE.
//   TIME2      3 bytes BE, offset 0x800000: 1 sign, 1 unused, 10 hour, 6 minute, 6 second; fraction as
//              above but signed, so negative times borrow from the integer part.
//   TIMESTAMP2 4 bytes BE seconds since the epoch, then the fraction.
#include <cstdio>

#include "mysql/types.h"

namespace cdc::mysql::types {
namespace {

// Fraction bytes scaled to microseconds; `fsp` 0..6.
uint32_t read_fraction(ByteReader& r, int fsp) {
  switch (fsp) {
    case 0: return 0;
    case 1: case 2: return r.u8("fraction") * 10000u;
    case 3: case 4: return r.u16be("fraction") * 100u;
    case 5: case 6: return r.u24be("fraction");
    default: r.fail("fraction", "fsp " + std::to_string(fsp) + " is out of range 0..6");
  }
}

void check_fsp(ByteReader& r, int fsp) {
  if (fsp < 0 || fsp > 6) r.fail("temporal", "fsp " + std::to_string(fsp) + " is out of range 0..6");
}

DateTime from_ymdhms(int64_t ymd, int64_t hms) {
  DateTime t;
  int64_t ym = ymd >> 5;
  t.day = static_cast<int>(ymd % 32);
  t.month = static_cast<int>(ym % 13);
  t.year = static_cast<int>(ym / 13);
  t.second = static_cast<int>(hms % 64);
  t.minute = static_cast<int>((hms >> 6) % 64);
  t.hour = static_cast<int>(hms >> 12);
  return t;
}

// Civil date from days since the epoch (H. Hinnant's algorithm).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> epoch_days(const DateTime& t) {
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31) return std::nullopt;
  return days_from_civil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
}

std::optional<int64_t> epoch_micros(const DateTime& t) {
  auto days = epoch_days(t);
  if (!days) return std::nullopt;
  int64_t secs = *days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
  return secs * 1000000 + t.micros;
}

DateTime read_date(ByteReader& r) {
  uint32_t v = r.u24le("date");
  DateTime t;
  t.day = static_cast<int>(v & 31);
  t.month = static_cast<int>((v >> 5) & 15);
  t.year = static_cast<int>(v >> 9);
  return t;
}

DateTime read_datetime2(ByteReader& r, int fsp) {
  check_fsp(r, fsp);
  int64_t packed = static_cast<int64_t>(r.u40be("datetime2")) - 0x8000000000LL;
  uint32_t frac = read_fraction(r, fsp);
  if (packed < 0) r.fail("datetime2", "negative DATETIME");
  DateTime t = from_ymdhms(packed >> 17, packed % (1 << 17));
  t.micros = frac;
  return t;
}

DateTime read_datetime_v1(ByteReader& r) {
  uint64_t v = r.u64le("datetime");
  DateTime t;
  uint64_t date = v / 1000000, time = v % 1000000;
  // DATETIME holds years up to 9999; a larger one is damage, and past year ~292000 its microseconds
  // would overflow an int64 (found by fuzz_binlog_event).
  if (date / 10000 > 9999) r.fail("datetime", "year " + std::to_string(date / 10000) + " is past 9999");
  t.year = static_cast<int>(date / 10000);
  t.month = static_cast<int>(date / 100 % 100);
  t.day = static_cast<int>(date % 100);
  t.hour = static_cast<int>(time / 10000);
  t.minute = static_cast<int>(time / 100 % 100);
  t.second = static_cast<int>(time % 100);
  return t;
}

namespace {
// |packed| without overflow: INT64_MIN (possible in damaged JSON opaque values) negates only as unsigned.
uint64_t magnitude(int64_t packed) {
  return packed < 0 ? uint64_t{0} - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
}
}  // namespace

int64_t read_time2_micros(ByteReader& r, int fsp) {
  check_fsp(r, fsp);
  // Rebuild MySQL's packed form: (hms << 24) + microseconds, signed (my_time_packed_from_binary).
  int64_t packed;
  if (fsp >= 5) {
    packed = static_cast<int64_t>(r.uintbe(6, "time2")) - 0x800000000000LL;
  } else {
    int64_t intpart = static_cast<int64_t>(r.u24be("time2")) - 0x800000;
    int64_t frac = 0;
    if (fsp >= 3) {
      frac = r.u16be("time2 fraction");
      if (intpart < 0 && frac) { ++intpart; frac -= 0x10000; }
      frac *= 100;
    } else if (fsp >= 1) {
      frac = r.u8("time2 fraction");
      if (intpart < 0 && frac) { ++intpart; frac -= 0x100; }
      frac *= 10000;
    }
    packed = intpart * (int64_t{1} << 24) + frac;
  }
  bool neg = packed < 0;
  uint64_t mag = magnitude(packed);
  uint64_t hms = mag >> 24, micros = mag % (1 << 24);
  int64_t hour = static_cast<int64_t>((hms >> 12) % (1 << 10)), minute = static_cast<int64_t>((hms >> 6) % 64),
          second = static_cast<int64_t>(hms % 64);
  int64_t us = ((hour * 60 + minute) * 60 + second) * 1000000 + static_cast<int64_t>(micros);
  return neg ? -us : us;
}

int64_t read_time_v1_micros(ByteReader& r) {
  uint32_t raw = r.u24le("time");
  int32_t v = (raw & 0x800000) ? static_cast<int32_t>(raw | 0xFF000000u) : static_cast<int32_t>(raw);
  int64_t mag = v < 0 ? -int64_t{v} : v;
  int64_t us = ((mag / 10000) * 3600 + (mag / 100 % 100) * 60 + mag % 100) * 1000000;
  return v < 0 ? -us : us;
}

std::pair<uint32_t, uint32_t> read_timestamp2(ByteReader& r, int fsp) {
  check_fsp(r, fsp);
  uint32_t secs = r.u32be("timestamp2");
  return {secs, read_fraction(r, fsp)};
}

void append_iso_utc(std::string& out, int64_t epoch_seconds, uint32_t micros, int fsp) {
  int64_t days = epoch_seconds >= 0 ? epoch_seconds / 86400 : (epoch_seconds - 86399) / 86400;
  int64_t sod = epoch_seconds - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(y), m, d,
                        static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  out.append(buf, static_cast<size_t>(n));
  if (fsp > 0) {
    std::snprintf(buf, sizeof buf, ".%06u", micros % 1000000);
    out.append(buf, static_cast<size_t>(1 + fsp));
  }
  out.push_back('Z');
}

DateTime unpack_datetime_packed(int64_t packed) {
  uint64_t mag = magnitude(packed);
  int64_t ymdhms = static_cast<int64_t>(mag >> 24);
  DateTime t = from_ymdhms(ymdhms >> 17, ymdhms % (1 << 17));
  t.micros = static_cast<uint32_t>(mag % (1 << 24));
  return t;
}

void append_time_packed(std::string& out, int64_t packed) {
  bool neg = packed < 0;
  uint64_t mag = magnitude(packed);
  uint64_t hms = mag >> 24;
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%s%02u:%02u:%02u.%06u", neg ? "-" : "",
                        static_cast<unsigned>((hms >> 12) % (1 << 10)), static_cast<unsigned>((hms >> 6) % 64),
                        static_cast<unsigned>(hms % 64), static_cast<unsigned>(mag % (1 << 24)));
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace cdc::mysql::types
