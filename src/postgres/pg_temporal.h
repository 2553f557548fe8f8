// Parsing of PostgreSQL's temporal text output (DateStyle ISO, IntervalStyle postgres) into the numbers and
// strings Debezium emits. Hand-written because libstdc++ 12 has no std::chrono::parse and PostgreSQL's
// forms (BC suffix, years beyond 9999, hour 24, offsets with seconds) need exact control anyway.
// Every function returns nullopt for text it does not understand; the caller reports the column.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cdc::pg {

// Debezium's sentinels for PostgreSQL ±infinity (PostgresValueConverter, via pgjdbc's
// PGStatement.DATE_POSITIVE/NEGATIVE_INFINITY): MicroTimestamp gets those millisecond constants read as
// microseconds; Date gets LocalDate "-5877611-06-21" / "-5877611-06-22" as epoch days (yes, +infinity is
// the smaller one); ZonedTimestamp gets the strings "infinity" / "-infinity".
inline constexpr int64_t kTimestampPosInfinityMicros = 9223372036825200000;
inline constexpr int64_t kTimestampNegInfinityMicros = -9223372036832400000;
inline constexpr int32_t kDatePosInfinityDays = -2147472692;
inline constexpr int32_t kDateNegInfinityDays = -2147472691;

// Days since 1970-01-01 in the proleptic Gregorian calendar; year is astronomical (1 BC = 0).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

// "2024-02-29", "0044-03-15 BC", "infinity" -> epoch days.
std::optional<int32_t> parse_date(std::string_view text);
// "04:05:06.789", "24:00:00" -> microseconds of the day.
std::optional<int64_t> parse_time(std::string_view text);
// "04:05:06.789+02", "04:05:06-03:30" -> "02:05:06.789Z" (UTC, fraction trimmed as Java's ISO_OFFSET_TIME).
std::optional<std::string> parse_timetz(std::string_view text);
// "2024-02-29 11:14:15.5", "… BC", "infinity" -> microseconds since the Unix epoch (local time read as UTC).
std::optional<int64_t> parse_timestamp(std::string_view text);
// "2024-02-29 12:14:15.5+01", "infinity" -> "2024-02-29T11:14:15.500000Z" / "infinity" (Debezium's form:
// UTC, exactly 6 fraction digits, years outside 0..9999 as "+21016" / "-4713").
std::optional<std::string> parse_timestamptz(std::string_view text);
// "1 year 2 mons 3 days 04:05:06.7", "-00:00:01", "3 days" -> MicroDuration microseconds, computed as
// Debezium's MicroDuration.durationMicros does (double arithmetic, month = 365.25/12 days, truncation).
std::optional<int64_t> parse_interval_micros(std::string_view text);

}  // namespace cdc::pg
