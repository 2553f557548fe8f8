// pgoutput TEXT values -> Row values (the convert_text / set_unchanged_toast half of pg_types.h).
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "postgres/pg_array.h"
#include "event/decimal.h"
#include "event/json_append.h"
#include "postgres/pg_temporal.h"
#include "postgres/pg_types.h"
#include "util/error.h"
#include "util/hex.h"
#include "util/parse_number.h"

namespace cdc::pg {
namespace {

using event::Row;
using event::Value;

constexpr std::string_view kKindNames[] = {
    "bool", "int2", "int4", "int8", "float4", "float8", "numeric", "numeric", "money", "text", "bytea", "date",
    "time", "time", "timetz", "timestamp", "timestamp", "timestamptz", "interval", "array"};

[[noreturn]] void bad(PgValueKind k, std::string_view text) {
  // The value itself stays out of the message: errors are logged, row values must not be.
  throw DecodeError("invalid " + std::string(kKindNames[static_cast<size_t>(k)]) + " text (" +
                    std::to_string(text.size()) + " bytes)");
}

// PostgreSQL writes float specials as NaN / Infinity / -Infinity.
template <typename T>
bool parse_float(std::string_view s, T& out) {
  if (s == "NaN") out = std::numeric_limits<T>::quiet_NaN();
  else if (s == "Infinity") out = std::numeric_limits<T>::infinity();
  else if (s == "-Infinity") out = -std::numeric_limits<T>::infinity();
  else return parse_number(s, out);
  return true;
}

// Plain decimal text ("-12.50") or one of numeric's specials.
bool is_numeric_text(std::string_view s) {
  if (s == "NaN" || s == "Infinity" || s == "-Infinity") return true;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  bool digit = false, dot = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') digit = true;
    else if (c == '.' && !dot) dot = true;
    else return false;
  }
  return digit;
}

// Debezium's PostgresMoney.parse: a leading '-' or '(' means negative; parentheses and one leading
// currency symbol are dropped, thousands separators removed. Needs lc_monetary=C output ("-$1,234.56").
std::optional<std::string> parse_money(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = s.front() == '-' || s.front() == '(';
  if (s.front() == '-' || s.front() == '(') s.remove_prefix(1);
  if (!s.empty() && s.back() == ')') s.remove_suffix(1);
  if (!s.empty() && !(s.front() >= '0' && s.front() <= '9') && s.front() != '.') s.remove_prefix(1);
  std::string out = negative ? "-" : "";
  for (char c : s)
    if (c != ',') out += c;
  if (!is_numeric_text(out) || out.find_first_of("NI") != std::string::npos) return std::nullopt;
  return out;
}

// bytea_output 'hex' ("\x0aff") or the older 'escape' ("a\\b\001").
std::optional<std::string> parse_bytea(std::string_view s) {
  std::string out;
  if (s.starts_with("\\x")) {
    s.remove_prefix(2);
    if (s.size() % 2) return std::nullopt;
    // Wide rows carry kilobytes of bytea, and this loop was a third of a PostgreSQL drain's CPU when it
    // branched per digit and appended per byte: written in place, an invalid digit noted on the way.
    out.resize(s.size() / 2);
    char* dst = out.data();
    const auto* src = reinterpret_cast<const unsigned char*>(s.data());
    unsigned bad = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      const unsigned hi = kHexDigitValue[src[2 * i]], lo = kHexDigitValue[src[2 * i + 1]];
      bad |= hi | lo;
      dst[i] = static_cast<char>(hi << 4 | (lo & 0x0F));
    }
    if (bad & 0xF0) return std::nullopt;
    return out;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
    } else if (i + 1 < s.size() && s[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else if (i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
               s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Array elements are rendered here, not by the writer (arrays travel as raw JSON), with the writer's own
// formatting helpers so an element looks exactly like the same value in a scalar column.
void append_decimal_json(const PgColumnType& t, std::string_view digits, std::string& out) {
  namespace dec = event::decimal;
  dec::Parts p;
  if (!dec::parse(digits, p)) throw DecodeError("invalid numeric array element");
  bool variable = t.kind == PgValueKind::numeric_var;
  switch (t.decimal) {
    case event::DecimalHandling::string: return dec::append_plain(out, p, variable ? 0 : t.scale);
    case event::DecimalHandling::double_: return event::json::append_double(out, dec::to_double(digits, p));
    case event::DecimalHandling::precise: break;
  }
  // NaN and ±Infinity have no Connect Decimal form; inside an array they become null.
  bool ok = variable ? dec::append_variable_scale(out, p) : dec::append_connect_decimal(out, p, t.scale);
  if (!ok) out += "null";
}

void append_bytes_json(const PgColumnType& t, std::string_view bytes, std::string& out) {
  out += '"';
  if (t.binary == event::BinaryHandling::hex) event::json::append_hex(out, bytes);
  else event::json::append_base64(out, bytes, t.binary == event::BinaryHandling::base64_url_safe);
  out += '"';
}

// One array element, converted as a scalar of the element type and written as JSON.
void append_element_json(const PgColumnType& t, std::string_view text, std::string& out) {
  Row scratch;
  scratch.reset(1);
  convert_text(t, text, scratch, 0);
  const Value& v = scratch.values[0];
  switch (v.kind) {
    case Value::Kind::null: out += "null"; break;
    case Value::Kind::boolean: out += v.b ? "true" : "false"; break;
    case Value::Kind::int64: event::json::append_int(out, v.i); break;
    case Value::Kind::float32: event::json::append_float(out, static_cast<float>(v.d)); break;
    case Value::Kind::float64: event::json::append_double(out, v.d); break;
    case Value::Kind::text: event::json::append_string(out, scratch.view(v)); break;
    case Value::Kind::bytes: append_bytes_json(t, scratch.view(v), out); break;
    case Value::Kind::decimal: append_decimal_json(t, scratch.view(v), out); break;
    case Value::Kind::raw_json: out += scratch.view(v); break;
  }
}

void convert_array(const PgColumnType& t, std::string_view text, Row& row, size_t i) {
  if (!t.element) throw DecodeError("array column without element type");
  const PgColumnType& elem = *t.element;
  std::string json;
  render_array_json(
      text,
      [&elem](std::optional<std::string_view> e, std::string& out) {
        if (!e) out += "null";
        else append_element_json(elem, *e, out);
      },
      json);
  row.set_raw_json(i, json);
}

}  // namespace

void convert_text(const PgColumnType& t, std::string_view s, Row& row, size_t i) {
  using K = PgValueKind;
  switch (t.kind) {
    case K::boolean:
      if (s == "t" || s == "true") row.set_bool(i, true);
      else if (s == "f" || s == "false") row.set_bool(i, false);
      else bad(t.kind, s);
      return;
    case K::int16: {
      int16_t v = 0;
      if (!parse_number(s, v)) bad(t.kind, s);
      return row.set_int(i, v);
    }
    case K::int32: {
      int32_t v = 0;
      if (!parse_number(s, v)) bad(t.kind, s);
      return row.set_int(i, v);
    }
    case K::int64: {
      int64_t v = 0;
      if (!parse_number(s, v)) bad(t.kind, s);
      return row.set_int(i, v);
    }
    case K::float32: {
      float v = 0;
      if (!parse_float(s, v)) bad(t.kind, s);
      return row.set_float32(i, v);
    }
    case K::float64: {
      double v = 0;
      if (!parse_float(s, v)) bad(t.kind, s);
      return row.set_float64(i, v);
    }
    case K::numeric:
      if (!is_numeric_text(s)) bad(t.kind, s);
      return row.set_decimal(i, s);
    case K::numeric_var:
      if (!is_numeric_text(s)) bad(t.kind, s);
      return row.set_decimal(i, s);  // the writer strips trailing zeros for VariableScaleDecimal
    case K::money: {
      auto v = parse_money(s);
      if (!v) bad(t.kind, s);
      return row.set_decimal(i, *v);
    }
    case K::text: return row.set_text(i, s);
    case K::bytea: {
      auto v = parse_bytea(s);
      if (!v) bad(t.kind, s);
      return row.set_bytes(i, *v);
    }
    case K::date: {
      auto v = parse_date(s);
      if (!v) bad(t.kind, s);
      return row.set_int(i, *v);
    }
    case K::time_ms:
    case K::time_us: {
      auto v = parse_time(s);
      if (!v) bad(t.kind, s);
      return row.set_int(i, t.kind == K::time_ms ? *v / 1000 : *v);
    }
    case K::timetz: {
      auto v = parse_timetz(s);
      if (!v) bad(t.kind, s);
      return row.set_text(i, *v);
    }
    case K::timestamp_ms:
    case K::timestamp_us: {
      auto v = parse_timestamp(s);
      if (!v) bad(t.kind, s);
      return row.set_int(i, t.kind == K::timestamp_ms ? floor_div(*v, 1000) : *v);
    }
    case K::timestamptz: {
      auto v = parse_timestamptz(s);
      if (!v) bad(t.kind, s);
      return row.set_text(i, *v);
    }
    case K::interval: {
      auto v = parse_interval_micros(s);
      if (!v) bad(t.kind, s);
      return row.set_int(i, *v);
    }
    case K::array: return convert_array(t, s, row, i);
  }
}

void set_unchanged_toast(const PgColumnType& t, Row& row, size_t i) {
  // UUID.nameUUIDFromBytes("__debezium_unavailable_value"), i.e. a version-3 (MD5) UUID of the placeholder.
  static constexpr std::string_view kPlaceholderUuid = "b68a35a7-17ad-35b3-af2a-ae46edb4545a";
  std::string json;
  switch (t.toast) {
    case ToastPlaceholder::text: return row.set_text(i, kUnavailableValue);
    case ToastPlaceholder::bytes:
      // Under binary_handling=hex Debezium writes the placeholder string itself, not its hex.
      if (t.binary == event::BinaryHandling::hex) return row.set_text(i, kUnavailableValue);
      return row.set_bytes(i, kUnavailableValue);
    case ToastPlaceholder::text_array:
      json = "[";
      event::json::append_string(json, kUnavailableValue);
      json += ']';
      break;
    case ToastPlaceholder::bytes_array:
      json = "[";
      append_bytes_json(t.element ? *t.element : t, kUnavailableValue, json);
      json += ']';
      break;
    case ToastPlaceholder::int_array:
      json = "[";
      for (char c : kUnavailableValue) json += std::to_string(static_cast<int>(c)) + ',';
      json.back() = ']';
      break;
    case ToastPlaceholder::uuid_array:
      json = "[";
      event::json::append_string(json, kPlaceholderUuid);
      json += ']';
      break;
  }
  row.set_raw_json(i, json);
}

}  // namespace cdc::pg
