// Appending JSON scalars straight into an output buffer, byte for byte as Kafka's JsonConverter (Jackson)
// writes them. No allocation beyond the buffer's own growth; no iostreams.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace cdc::event::json {

void append_int(std::string& out, int64_t v);

// One nanosecond instant written as ts_ms, ts_us and ts_ns (Java Instant floor division): the digits are
// rendered once, because for an instant at or after the epoch the milli- and microsecond values are
// prefixes of the nanosecond digits. Six 19-digit conversions per envelope were a tenth of its cost.
class EpochNanos {
 public:
  explicit EpochNanos(int64_t ns);
  // Appends ns / 10^drop (floored), drop being 0, 3 or 6.
  void append(std::string& out, int drop) const;

 private:
  int64_t ns_;
  char digits_[24];
  size_t len_ = 0;
};

// A quoted JSON string. Escapes as Jackson does: \" \\ \b \t \n \f \r, other controls as \u00XX
// (upper-case hex); everything else, including non-ASCII, is written raw. Invalid UTF-8 is replaced by
// U+FFFD, one per maximal ill-formed subpart (Unicode 15 §3.9, the same rule Java's decoder applies).
void append_string(std::string& out, std::string_view utf8);

// Java Double.toString / Float.toString (what Jackson writes): shortest round-trip digits, plain notation
// for 1e-3 <= |v| < 1e7 with at least one fraction digit ("1.0"), otherwise "1.0E10" / "1.5E-5".
// Non-finite values become the JSON strings "NaN", "Infinity", "-Infinity" (Jackson's
// QUOTE_NON_NUMERIC_NUMBERS default).
void append_double(std::string& out, double v);
void append_float(std::string& out, float v);

// Unquoted encodings of raw bytes. base64: RFC 4648 §4 with padding (java.util.Base64.getEncoder());
// url_safe: §5 alphabet, still padded (getUrlEncoder()); hex: lower case (Debezium's HexConverter).
void append_base64(std::string& out, std::string_view bytes, bool url_safe = false);
void append_hex(std::string& out, std::string_view bytes);

}  // namespace cdc::event::json
