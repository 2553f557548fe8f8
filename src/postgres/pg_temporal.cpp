#include "postgres/pg_temporal.h"

#include <cstdio>
#include <limits>

namespace cdc::pg {
namespace {

__extension__ typedef __int128 i128;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// A cursor over the text being parsed; every take_* returns false when the text does not match.
struct Cursor {
  std::string_view s;
  size_t pos = 0;

  bool done() const { return pos >= s.size(); }
  bool peek(char c) const { return pos < s.size() && s[pos] == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++pos;
    return true;
  }
  bool take(std::string_view lit) {
    if (s.substr(pos, lit.size()) != lit) return false;
    pos += lit.size();
    return true;
  }
  // Unsigned decimal of min..max digits.
  bool digits(int64_t& out, size_t min, size_t max) {
    size_t start = pos;
    int64_t v = 0;
    while (pos < s.size() && pos - start < max && s[pos] >= '0' && s[pos] <= '9') v = v * 10 + (s[pos++] - '0');
    out = v;
    return pos - start >= min;
  }
  // ".123" -> microseconds (digits beyond 6 are not produced by PostgreSQL and are rejected).
  bool fraction_micros(int64_t& micros) {
    micros = 0;
    if (!take('.')) return true;
    size_t start = pos;
    int64_t v = 0;
    if (!digits(v, 1, 6)) return false;
    for (size_t n = pos - start; n < 6; ++n) v *= 10;
    micros = v;
    return true;
  }
};

bool valid_date(int64_t m, int64_t d) { return m >= 1 && m <= 12 && d >= 1 && d <= 31; }

// "YYYY-MM-DD" with 4 or more year digits; returns epoch days before any BC adjustment.
bool take_date(Cursor& c, int64_t& year, int64_t& month, int64_t& day) {
  return c.digits(year, 4, 9) && c.take('-') && c.digits(month, 2, 2) && c.take('-') && c.digits(day, 2, 2) &&
         valid_date(month, day);
}

// "HH:MM:SS[.ffffff]" -> microseconds of the day; hour 24 only as 24:00:00.
bool take_time(Cursor& c, int64_t& micros) {
  int64_t h = 0, m = 0, s = 0, f = 0;
  if (!(c.digits(h, 2, 2) && c.take(':') && c.digits(m, 2, 2) && c.take(':') && c.digits(s, 2, 2) &&
        c.fraction_micros(f)))
    return false;
  if (h > 24 || m > 59 || s > 60) return false;
  micros = ((h * 60 + m) * 60 + s) * kMicrosPerSecond + f;
  return micros <= kMicrosPerDay;
}

// "+HH[:MM[:SS]]" -> seconds east of UTC.
bool take_offset(Cursor& c, int64_t& seconds) {
  int sign = c.take('+') ? 1 : (c.take('-') ? -1 : 0);
  if (sign == 0) return false;
  int64_t h = 0, m = 0, s = 0;
  if (!c.digits(h, 2, 2)) return false;
  if (c.take(':') && !c.digits(m, 2, 2)) return false;
  if (c.take(':') && !c.digits(s, 2, 2)) return false;
  seconds = sign * (h * 3600 + m * 60 + s);
  return true;
}

// PostgreSQL writes BC dates with a " BC" suffix; year N BC is astronomical year 1 - N.
int64_t astronomical_year(Cursor& c, int64_t year) { return c.take(" BC") ? 1 - year : year; }

int64_t floor_div(i128 a, int64_t b, int64_t& rem) {
  i128 q = a / b, r = a % b;
  if (r < 0) {
    r += b;
    --q;
  }
  rem = static_cast<int64_t>(r);
  return static_cast<int64_t>(q);
}

// Howard Hinnant's civil_from_days.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

// Java's ISO_LOCAL_DATE year: 4 digits zero-padded, '+' above 9999, '-' below 0.
void append_year(std::string& out, int64_t y) {
  char buf[32];
  if (y > 9999)
    std::snprintf(buf, sizeof buf, "+%lld", static_cast<long long>(y));
  else if (y < 0)
    std::snprintf(buf, sizeof buf, "-%04lld", static_cast<long long>(-y));
  else
    std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(y));
  out += buf;
}

// "HH:MM:SS" plus the fraction trimmed of trailing zeros (dropped when zero), as ISO_LOCAL_TIME prints it.
void append_time_trimmed(std::string& out, int64_t tod_micros) {
  char buf[32];
  int64_t secs = tod_micros / kMicrosPerSecond, frac = tod_micros % kMicrosPerSecond;
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  out += buf;
  if (frac == 0) return;
  std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
  std::string_view f(buf);
  while (f.back() == '0') f.remove_suffix(1);
  out += f;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<int32_t> parse_date(std::string_view text) {
  if (text == "infinity") return kDatePosInfinityDays;
  if (text == "-infinity") return kDateNegInfinityDays;
  Cursor c{text};
  int64_t y = 0, m = 0, d = 0;
  if (!take_date(c, y, m, d)) return std::nullopt;
  y = astronomical_year(c, y);
  if (!c.done()) return std::nullopt;
  return static_cast<int32_t>(days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

std::optional<int64_t> parse_time(std::string_view text) {
  Cursor c{text};
  int64_t micros = 0;
  if (!take_time(c, micros) || !c.done()) return std::nullopt;
  return micros;
}

std::optional<std::string> parse_timetz(std::string_view text) {
  Cursor c{text};
  int64_t micros = 0, offset = 0;
  if (!take_time(c, micros) || !take_offset(c, offset) || !c.done()) return std::nullopt;
  // Shifting to UTC wraps around midnight, as OffsetTime.withOffsetSameInstant does.
  int64_t utc = (micros - offset * kMicrosPerSecond) % kMicrosPerDay;
  if (utc < 0) utc += kMicrosPerDay;
  std::string out;
  append_time_trimmed(out, utc);
  out += 'Z';
  return out;
}

namespace {
// Shared by timestamp and timestamptz: the instant as epoch microseconds (128-bit, no overflow).
std::optional<i128> parse_instant(std::string_view text, bool with_offset) {
  Cursor c{text};
  int64_t y = 0, m = 0, d = 0, tod = 0, offset = 0;
  if (!take_date(c, y, m, d) || !c.take(' ') || !take_time(c, tod)) return std::nullopt;
  if (with_offset && !take_offset(c, offset)) return std::nullopt;
  y = astronomical_year(c, y);
  if (!c.done()) return std::nullopt;
  i128 days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return days * kMicrosPerDay + tod - i128{offset} * kMicrosPerSecond;
}
}  // namespace

std::optional<int64_t> parse_timestamp(std::string_view text) {
  if (text == "infinity") return kTimestampPosInfinityMicros;
  if (text == "-infinity") return kTimestampNegInfinityMicros;
  auto t = parse_instant(text, false);
  if (!t || *t > INT64_MAX || *t < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(*t);
}

std::optional<std::string> parse_timestamptz(std::string_view text) {
  if (text == "infinity" || text == "-infinity") return std::string(text);
  auto t = parse_instant(text, true);
  if (!t) return std::nullopt;
  int64_t tod = 0;
  int64_t days = floor_div(*t, kMicrosPerDay, tod);
  int64_t y = 0;
  unsigned mo = 0, d = 0;
  civil_from_days(days, y, mo, d);
  std::string out;
  append_year(out, y);
  char buf[48];
  int64_t secs = tod / kMicrosPerSecond;
  std::snprintf(buf, sizeof buf, "-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", mo, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                static_cast<long long>(tod % kMicrosPerSecond));
  out += buf;
  return out;
}

std::optional<int64_t> parse_interval_micros(std::string_view text) {
  // pgjdbc's PGInterval fields, which Debezium feeds to MicroDuration.durationMicros.
  int64_t years = 0, months = 0, days = 0, hours = 0, minutes = 0;
  double seconds = 0;
  Cursor c{text};
  bool any = false;
  while (!c.done()) {
    if (any && !c.take(' ')) return std::nullopt;
    any = true;
    int sign = c.take('-') ? -1 : (c.take('+'), 1);
    size_t start = c.pos;
    int64_t n = 0;
    if (!c.digits(n, 1, 18)) return std::nullopt;
    if (c.peek(':')) {  // the time part: [-]HH:MM:SS[.ffffff], hours may exceed 24
      c.pos = start;
      int64_t h = 0, m = 0, s = 0, f = 0;
      if (!(c.digits(h, 1, 18) && c.take(':') && c.digits(m, 2, 2) && c.take(':') && c.digits(s, 2, 2) &&
            c.fraction_micros(f)))
        return std::nullopt;
      hours = sign * h;
      minutes = sign * m;
      seconds = sign * (static_cast<double>(s) + static_cast<double>(f) / 1e6);
      continue;
    }
    if (!c.take(' ')) return std::nullopt;
    int64_t v = sign * n;
    if (c.take("years") || c.take("year"))
      years = v;
    else if (c.take("mons") || c.take("mon"))
      months = v;
    else if (c.take("days") || c.take("day"))
      days = v;
    else
      return std::nullopt;
  }
  if (!any) return std::nullopt;
  // Same operation order as MicroDuration.durationMicros (int fields, double accumulation). years * 12 +
  // months is done in doubles: exact for every interval PostgreSQL has (int32 months), and no overflow for
  // the 18-digit fields this parser takes.
  const double days_per_month = 365.25 / 12.0;
  double number_of_days =
      (static_cast<double>(years) * 12 + static_cast<double>(months)) * days_per_month + static_cast<double>(days);
  double number_of_seconds =
      ((number_of_days * 24 + static_cast<double>(hours)) * 60 + static_cast<double>(minutes)) * 60 + seconds;
  // Java's (long) cast saturates, so Debezium gives Long.MAX_VALUE / MIN_VALUE for the intervals past
  // ~292,000 years that PostgreSQL allows (up to 178,000,000 years); a C++ cast would be undefined. (An
  // hours field past 2^31, which PostgreSQL also allows, pgjdbc cannot parse at all; it saturates here.)
  const double micros = number_of_seconds * 1e6;
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (micros >= kTwoTo63) return std::numeric_limits<int64_t>::max();
  if (micros < -kTwoTo63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(micros);
}

}  // namespace cdc::pg
