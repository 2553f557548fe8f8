// Text protocol values -> the Values RowDecoder produces from binlog images (src/mysql/row_decoder.cpp,
// row_values.cpp): the same integer widths, decimal text, days/ms/µs, ISO UTC timestamps, little-endian
// BIT bytes, padded BINARY, member names, compact JSON, geometry structs.
#include "mysql/snapshot/text_row.h"

#include <simdjson.h>

#include <limits>

#include "event/json_append.h"
#include "mysql/charset.h"
#include "util/parse_number.h"
#include "mysql/row_values.h"
#include "mysql/types.h"
#include "util/error.h"

namespace cdc::mysql::snapshot {
namespace {

// information_schema DATA_TYPE -> the column type a TABLE_MAP carries (its "real" type).
std::optional<uint8_t> binlog_type(std::string_view data_type) {
  static constexpr std::pair<std::string_view, uint8_t> kTypes[] = {
      {"tinyint", T_TINY}, {"smallint", T_SHORT}, {"mediumint", T_INT24}, {"int", T_LONG}, {"integer", T_LONG},
      {"bigint", T_LONGLONG}, {"float", T_FLOAT}, {"double", T_DOUBLE}, {"real", T_DOUBLE},
      {"double precision", T_DOUBLE}, {"decimal", T_NEWDECIMAL}, {"numeric", T_NEWDECIMAL},
      {"bit", T_BIT}, {"year", T_YEAR}, {"date", T_DATE}, {"time", T_TIME2}, {"datetime", T_DATETIME2},
      {"timestamp", T_TIMESTAMP2}, {"char", T_STRING}, {"binary", T_STRING}, {"varchar", T_VARCHAR},
      {"varbinary", T_VARCHAR}, {"tinytext", T_BLOB}, {"text", T_BLOB}, {"mediumtext", T_BLOB},
      {"longtext", T_BLOB}, {"tinyblob", T_BLOB}, {"blob", T_BLOB}, {"mediumblob", T_BLOB},
      {"longblob", T_BLOB}, {"enum", T_ENUM}, {"set", T_SET}, {"json", T_JSON}, {"geometry", T_GEOMETRY},
      {"point", T_GEOMETRY}, {"linestring", T_GEOMETRY}, {"polygon", T_GEOMETRY},
      {"multipoint", T_GEOMETRY}, {"multilinestring", T_GEOMETRY}, {"multipolygon", T_GEOMETRY},
      {"geometrycollection", T_GEOMETRY}, {"geomcollection", T_GEOMETRY}, {"vector", T_VECTOR},
  };
  for (const auto& [name, type] : kTypes)
    if (name == data_type) return type;
  return std::nullopt;
}

// "ffffff" (1..6 digits) -> microseconds.
bool parse_fraction(std::string_view s, uint32_t& micros) {
  if (s.empty() || s.size() > 6 || !parse_number(s, micros)) return false;
  for (size_t n = s.size(); n < 6; ++n) micros *= 10;
  return true;
}

// "YYYY-MM-DD" and "YYYY-MM-DD hh:mm:ss[.ffffff]", as the server prints DATE, DATETIME and TIMESTAMP.
bool parse_datetime(std::string_view s, types::DateTime& t) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  if (!parse_number(s.substr(0, 4), t.year) || !parse_number(s.substr(5, 2), t.month) ||
      !parse_number(s.substr(8, 2), t.day))
    return false;
  if (s.size() == 10) return true;
  if (s.size() < 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':') return false;
  if (!parse_number(s.substr(11, 2), t.hour) || !parse_number(s.substr(14, 2), t.minute) ||
      !parse_number(s.substr(17, 2), t.second))
    return false;
  if (s.size() == 19) return true;
  return s[19] == '.' && parse_fraction(s.substr(20), t.micros);
}

// "[-]h…h:mm:ss[.ffffff]" -> signed microseconds (TIME ranges over ±838:59:59.999999).
bool parse_time(std::string_view s, int64_t& micros) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  size_t c1 = s.find(':');
  if (c1 == std::string_view::npos || s.size() < c1 + 6 || s[c1 + 3] != ':') return false;
  int64_t h = 0, m = 0, sec = 0;
  uint32_t frac = 0;
  if (!parse_number(s.substr(0, c1), h) || !parse_number(s.substr(c1 + 1, 2), m) ||
      !parse_number(s.substr(c1 + 4, 2), sec))
    return false;
  std::string_view rest = s.substr(c1 + 6);
  if (!rest.empty() && (rest[0] != '.' || !parse_fraction(rest.substr(1), frac))) return false;
  if (h > 838 || m > 59 || sec > 59) return false;  // TIME is -838:59:59 .. 838:59:59 (and no overflow below)
  micros = ((h * 60 + m) * 60 + sec) * 1'000'000 + frac;
  if (neg) micros = -micros;
  return true;
}

void append_compact(std::string& out, simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::OBJECT: {
      out.push_back('{');
      bool first = true;
      for (auto field : simdjson::dom::object(e)) {
        if (!first) out.push_back(',');
        first = false;
        event::json::append_string(out, field.key);
        out.push_back(':');
        append_compact(out, field.value);
      }
      out.push_back('}');
      return;
    }
    case T::ARRAY: {
      out.push_back('[');
      bool first = true;
      for (auto item : simdjson::dom::array(e)) {
        if (!first) out.push_back(',');
        first = false;
        append_compact(out, item);
      }
      out.push_back(']');
      return;
    }
    case T::STRING: return event::json::append_string(out, std::string_view(e));
    case T::INT64: return event::json::append_int(out, int64_t(e));
    case T::UINT64: out += std::to_string(uint64_t(e)); return;
    case T::DOUBLE: return event::json::append_double(out, double(e));
    case T::BOOL: out += bool(e) ? "true" : "false"; return;
    case T::NULL_VALUE: out += "null"; return;
  }
}

}  // namespace

std::string compact_json(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc))
    throw Error(ExitCode::source_unusable, std::string("JSON value does not parse: ") + simdjson::error_message(err));
  std::string out;
  append_compact(out, doc);
  return out;
}

TableMap table_map_of(const InfoTable& t) {
  TableMap m;
  m.db = t.db;
  m.table = t.table;
  m.has_column_names = true;
  m.has_primary_key_metadata = true;
  m.primary_key = t.primary_key;
  for (const InfoColumn& c : t.columns) {
    auto type = binlog_type(ascii_lower(c.data_type));
    if (!type)
      throw Error(ExitCode::source_unusable, "snapshot of " + t.db + "." + t.table + ": column " + c.name +
                                                 " has type " + c.column_type +
                                                 ", which cdc-agent cannot snapshot; exclude the table or column");
    ColumnDef d;
    d.type = d.binlog_type = *type;
    d.name = c.name;
    d.nullable = c.nullable;
    std::string ct = ascii_lower(c.column_type);
    d.is_unsigned = is_numeric_type(d.type) && ct.find("unsigned") != std::string::npos;
    if (is_character_type(d.type) || d.type == T_ENUM || d.type == T_SET) {
      // Only "binary or not" matters here: the text protocol already delivers character data as UTF-8.
      uint32_t coll = c.charset.empty() ? kBinaryCollation : collation_of_charset(ascii_lower(c.charset));
      d.charset = coll ? coll : collation_of_charset("utf8mb4");
    }
    if (d.type == T_ENUM || d.type == T_SET) d.members = parse_enum_members(c.column_type);
    d.precision = static_cast<uint8_t>(c.numeric_precision);
    d.scale = static_cast<uint8_t>(c.numeric_scale);
    d.fsp = static_cast<uint8_t>(c.datetime_precision);
    if (d.type == T_BIT) d.bits = static_cast<uint32_t>(c.numeric_precision);
    if (d.type == T_STRING) d.max_length = static_cast<uint32_t>(c.octet_length);
    m.columns.push_back(std::move(d));
  }
  return m;
}

TextRowConverter::TextRowConverter(const InfoTable& t, const event::EnvelopeOptions& opts, Flavor flavor)
    : map_(table_map_of(t)), decoder_(map_, opts, flavor, nullptr, ColumnNaming::require), bigint_(opts.bigint_unsigned) {}

std::string quote_identifier(std::string_view name) {
  std::string q = "`";
  for (char c : name) {
    if (c == '`') q.push_back('`');
    q.push_back(c);
  }
  q.push_back('`');
  return q;
}

std::string TextRowConverter::select_list() const {
  std::string out;
  for (const ColumnDef& d : map_.columns) {
    std::string q = quote_identifier(d.name);
    if (!out.empty()) out += ", ";
    out += d.type == T_FLOAT ? "CAST(" + q + " AS DOUBLE)" : q;
  }
  return out;
}

void TextRowConverter::fail(size_t i, std::string_view text, const std::string& why) const {
  // The value itself stays out of the message: errors are logged, and row values must not be.
  throw Error(ExitCode::source_unusable, "snapshot of " + map_.db + "." + map_.table + ": column " +
                                             map_.columns[i].name + " (" + column_type_name(map_.columns[i].type) +
                                             "): a value of " + std::to_string(text.size()) + " bytes " + why);
}

void TextRowConverter::convert(const std::vector<std::optional<std::string_view>>& values, event::Row& row) const {
  row.reset(map_.columns.size());
  for (size_t i = 0; i < map_.columns.size() && i < values.size(); ++i)
    if (values[i]) convert_value(i, *values[i], row);
}

void TextRowConverter::convert_value(size_t i, std::string_view text, event::Row& row) const {
  const ColumnDef& d = map_.columns[i];
  switch (d.type) {
    case T_TINY: case T_SHORT: case T_INT24: case T_LONG: case T_LONGLONG: {
      if (d.type == T_LONGLONG && d.is_unsigned) {
        uint64_t u = 0;
        if (!parse_number(text, u)) fail(i, text, "is not an unsigned integer");
        if (bigint_ == event::BigintUnsignedHandling::precise) return row.set_decimal(i, text);
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          throw Error(ExitCode::config, "column " + map_.db + "." + map_.table + "." + d.name +
                                            ": BIGINT UNSIGNED value " + std::to_string(u) +
                                            " does not fit int64; set envelope.bigint_unsigned_handling: precise");
        return row.set_int(i, static_cast<int64_t>(u));
      }
      int64_t v = 0;
      if (!parse_number(text, v)) fail(i, text, "is not an integer");
      return row.set_int(i, v);
    }
    case T_FLOAT: case T_DOUBLE: {
      double v = 0;
      if (!parse_number(text, v)) fail(i, text, "is not a number");
      return d.type == T_FLOAT ? row.set_float32(i, static_cast<float>(v)) : row.set_float64(i, v);
    }
    case T_NEWDECIMAL: return row.set_decimal(i, text);
    case T_BIT: {
      // The server sends BIT(n) as ceil(n/8) big-endian bytes; Debezium's Bits are little-endian.
      size_t width = (d.bits + 7) / 8;
      if (text.size() > width) fail(i, text, "is wider than the column");
      std::string be(width - text.size(), '\0');
      be.append(text);
      if (d.bits == 1) return row.set_bool(i, !be.empty() && (be.back() & 1));
      return row.set_bytes(i, std::string(be.rbegin(), be.rend()));
    }
    case T_YEAR: {
      int64_t y = 0;
      if (!parse_number(text, y)) fail(i, text, "is not a year");
      return row.set_int(i, y);
    }
    case T_DATE: case T_TIME2: case T_DATETIME2: case T_TIMESTAMP2: return convert_temporal(i, text, row);
    case T_ENUM: case T_SET: return row.set_text(i, text);
    default: return convert_blob_like(i, text, row);
  }
}

void TextRowConverter::convert_temporal(size_t i, std::string_view text, event::Row& row) const {
  const ColumnDef& d = map_.columns[i];
  if (d.type == T_TIME2) {
    int64_t us = 0;
    if (!parse_time(text, us)) fail(i, text, "is not a TIME");
    return row.set_int(i, us);
  }
  types::DateTime t;
  if (!parse_datetime(text, t)) fail(i, text, "is not a date/time");
  if (d.type == T_DATE) {
    auto days = types::epoch_days(t);
    return days ? row.set_int(i, *days) : row.set_null(i);  // zero dates have no calendar meaning
  }
  auto us = types::epoch_micros(t);
  if (!us) return row.set_null(i);
  if (d.type == T_DATETIME2) return row.set_int(i, datetime_value(*us, d.fsp > 3));
  // TIMESTAMP: the session runs with time_zone '+00:00', so the text is already UTC.
  int64_t secs = *us >= 0 ? *us / 1'000'000 : (*us - 999'999) / 1'000'000;
  auto micros = static_cast<uint32_t>(*us - secs * 1'000'000);
  set_timestamp(row, i, secs, micros, d.fsp);
}

void TextRowConverter::convert_blob_like(size_t i, std::string_view text, event::Row& row) const {
  const ColumnDef& d = map_.columns[i];
  switch (d.type) {
    case T_JSON: {
      std::string json;
      try {
        json = compact_json(text);
      } catch (const Error& e) {
        fail(i, text, e.what());
      }
      return row.set_text(i, json);
    }
    case T_GEOMETRY: {
      // The server's internal geometry format, as in the binlog: 4-byte little-endian SRID, then WKB.
      if (text.size() < 4) fail(i, text, "is too short for a geometry");
      uint32_t srid = 0;
      for (int b = 3; b >= 0; --b) srid = srid << 8 | static_cast<uint8_t>(text[static_cast<size_t>(b)]);
      return set_geometry(row, i, srid, text.substr(4));
    }
    case T_VECTOR: {
      if (text.size() % 4) fail(i, text, "is not a whole number of floats");
      return set_vector(row, i, text);
    }
    default: break;
  }
  if (d.charset != kBinaryCollation) return row.set_text(i, text);
  if (d.type != T_STRING || text.size() >= d.max_length) return row.set_bytes(i, text);
  // BINARY(n): the decoder restores the trailing zero bytes the binlog drops; keep the same width here.
  set_built(row, i, event::Value::Kind::bytes, [&](std::string& a) {
    a.append(text);
    a.append(d.max_length - text.size(), '\0');
  });
}

}  // namespace cdc::mysql::snapshot
