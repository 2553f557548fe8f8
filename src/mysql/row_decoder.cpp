// Row image layout: a NULL bitmap with one bit per column present in the image (LSB first), then the
// non-NULL values back to back, each in its column type's binary storage format.
#include "mysql/row_decoder.h"

#include <algorithm>
#include <bit>
#include <initializer_list>
#include <limits>

#include "event/columns.h"
#include "mysql/charset.h"
#include "mysql/rows_event.h"
#include "mysql/types.h"
#include "util/error.h"

namespace cdc::mysql {


namespace {

std::string join_csv(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out;
}

}  // namespace

std::vector<std::string> parse_enum_members(std::string_view t) {
  std::vector<std::string> out;
  size_t open = t.find('(');
  if (open == std::string_view::npos) return out;
  for (size_t i = open + 1; i < t.size(); ++i) {
    if (t[i] != '\'') continue;
    std::string m;
    for (++i; i < t.size(); ++i) {
      if (t[i] == '\'' && i + 1 < t.size() && t[i + 1] == '\'') {
        m.push_back('\'');
        ++i;
      } else if (t[i] == '\'') {
        break;
      } else if (t[i] == '\\' && i + 1 < t.size()) {
        m.push_back(t[++i]);
      } else {
        m.push_back(t[i]);
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

bool external_type_matches(const ColumnDef& d, std::string_view column_type) {
  std::string t = ascii_lower(column_type.substr(0, column_type.find_first_of("( ")));
  auto any = [&](std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), t) != names.end();
  };
  switch (d.type) {
    case T_TINY: return any({"tinyint", "bool", "boolean"});
    case T_SHORT: return t == "smallint";
    case T_INT24: return t == "mediumint";
    case T_LONG: return any({"int", "integer"});
    case T_LONGLONG: return any({"bigint", "serial"});
    case T_FLOAT: return t == "float";
    case T_DOUBLE: return any({"double", "real"});
    case T_DECIMAL: case T_NEWDECIMAL: return any({"decimal", "numeric", "dec", "fixed"});
    case T_BIT: return t == "bit";
    case T_YEAR: return t == "year";
    case T_DATE: case T_NEWDATE: return t == "date";
    case T_TIME: case T_TIME2: return t == "time";
    case T_DATETIME: case T_DATETIME2: return t == "datetime";
    case T_TIMESTAMP: case T_TIMESTAMP2: return t == "timestamp";
    case T_VARCHAR: case T_VAR_STRING: return any({"varchar", "varbinary", "char", "binary"});
    // MariaDB's INET4/INET6/UUID are fixed-length binary strings in the binlog.
    case T_STRING: return any({"char", "binary", "inet4", "inet6", "uuid", "enum", "set"});
    case T_ENUM: return t == "enum";
    case T_SET: return t == "set";
    case T_JSON: return t == "json";
    case T_VECTOR: return t == "vector";
    case T_GEOMETRY:
      return any({"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                  "geometrycollection", "geomcollection"});
    case T_BLOB: case T_TINY_BLOB: case T_MEDIUM_BLOB: case T_LONG_BLOB: {
      // The metadata is the length prefix's size: 1 TINY, 2 plain, 3 MEDIUM, 4 LONG (MariaDB's JSON is LONGTEXT).
      uint32_t size = t == "tinyblob" || t == "tinytext"                  ? 1
                      : t == "blob" || t == "text"                        ? 2
                      : t == "mediumblob" || t == "mediumtext"            ? 3
                      : t == "longblob" || t == "longtext" || t == "json" ? 4
                                                                          : 0;
      return size != 0 && size == d.max_length;
    }
    default: return true;  // a type this check does not know: decoding decides
  }
}

RowDecoder::RowDecoder(const TableMap& map, const event::EnvelopeOptions& opts, Flavor flavor,
                       const ExternalTableInfo* ext, ColumnNaming naming)
    : map_(map), bigint_(opts.bigint_unsigned) {
  (void)flavor;  // both flavours share the row format; MariaDB JSON is told apart by external info
  if (ext && ext->columns.size() != map_.columns.size()) ext = nullptr;  // stale: the table changed since
  if (!map_.has_column_names && !ext && naming == ColumnNaming::require)
    throw DecodeError("table " + map_.db + "." + map_.table +
                      " has no column names: the server must use binlog_row_metadata=FULL (or names must come "
                      "from information_schema)");
  schema_.db = map_.db;
  schema_.table = map_.table;
  for (size_t i = 0; i < map_.columns.size(); ++i) plan_column(i, ext ? &ext->columns[i] : nullptr, opts);
  if (map_.has_primary_key_metadata) {
    schema_.key = map_.primary_key;
  } else if (ext) {
    for (uint32_t i = 0; i < ext->columns.size(); ++i)
      if (ext->columns[i].primary_key) schema_.key.push_back(i);
  }
}

std::string RowDecoder::where(size_t i) const {
  return "column " + map_.db + "." + map_.table + "." + schema_.columns[i].name;
}

void RowDecoder::plan_column(size_t i, const ExternalColumnInfo* ext, const event::EnvelopeOptions& opts) {
  namespace col = event::col;
  ColumnDef& d = map_.columns[i];
  std::string name = !d.name.empty() ? d.name : ext ? ext->name : "_" + std::to_string(i);
  std::string ext_type = ext ? ascii_lower(ext->column_type) : std::string();
  if (ext && ext_type.find("unsigned") != std::string::npos) d.is_unsigned = true;
  uint32_t charset = d.charset;
  if (!charset && ext && !ext->charset.empty()) charset = collation_of_charset(ascii_lower(ext->charset));
  if (!charset && ext && ext->charset.empty() && is_character_type(d.type)) charset = kBinaryCollation;
  std::vector<std::string> members = d.members;
  if (members.empty() && ext) members = parse_enum_members(ext->column_type);
  bool opt = d.nullable;
  bool u = d.is_unsigned;
  Codec codec;
  event::Column c;
  switch (d.type) {
    case T_TINY: codec = u ? Codec::int8u : Codec::int8s; c = col::int16(name, opt); break;
    case T_SHORT: codec = u ? Codec::int16u : Codec::int16s; c = u ? col::int32(name, opt) : col::int16(name, opt); break;
    case T_INT24: codec = u ? Codec::int24u : Codec::int24s; c = col::int32(name, opt); break;
    case T_LONG: codec = u ? Codec::int32u : Codec::int32s; c = u ? col::int64(name, opt) : col::int32(name, opt); break;
    case T_LONGLONG:
      if (!u) {
        codec = Codec::int64s;
        c = col::int64(name, opt);
      } else {
        codec = opts.bigint_unsigned == event::BigintUnsignedHandling::precise ? Codec::uint64_precise : Codec::uint64_long;
        c = col::bigint_unsigned(name, opts, opt);
      }
      break;
    case T_FLOAT: codec = Codec::float32; c = col::float32(name, opt); break;
    case T_DOUBLE: codec = Codec::float64; c = col::float64(name, opt); break;
    case T_NEWDECIMAL: codec = Codec::decimal; c = col::decimal(name, d.precision, d.scale, opts, opt); break;
    case T_BIT:
      codec = d.bits == 1 ? Codec::bit_bool : Codec::bits;
      c = d.bits == 1 ? col::boolean(name, opt) : col::bits(name, static_cast<int>(d.bits), opts, opt);
      break;
    case T_YEAR: codec = Codec::year; c = col::year(name, opt); break;
    case T_DATE: case T_NEWDATE: codec = Codec::date; c = col::date(name, opt); break;
    case T_TIME2: codec = Codec::time2; c = col::micro_time(name, opt); break;
    case T_TIME: codec = Codec::time_v1; c = col::micro_time(name, opt); break;
    case T_DATETIME2:
      codec = Codec::datetime2;
      c = d.fsp <= 3 ? col::timestamp_ms(name, opt) : col::micro_timestamp(name, opt);
      break;
    case T_DATETIME: codec = Codec::datetime_v1; c = col::timestamp_ms(name, opt); break;
    case T_TIMESTAMP2: codec = Codec::timestamp2; c = col::zoned_timestamp(name, opt); break;
    case T_TIMESTAMP: codec = Codec::timestamp_v1; c = col::zoned_timestamp(name, opt); break;
    case T_VARCHAR: case T_VAR_STRING: case T_STRING: case T_BLOB: case T_TINY_BLOB: case T_MEDIUM_BLOB:
    case T_LONG_BLOB: {
      bool blob = d.type != T_VARCHAR && d.type != T_VAR_STRING && d.type != T_STRING;
      // Without charset information a BLOB-family column cannot be told from TEXT: keep its bytes.
      bool binary = charset == kBinaryCollation || (charset == 0 && blob);
      if (ext && ext->json) {
        codec = Codec::json_text;
        c = col::json(name, opt);
      } else if (binary) {
        codec = d.type == T_STRING ? Codec::binary_padded : Codec::bytes;
        c = col::bytes(name, opts, opt);
      } else {
        codec = Codec::text;
        c = col::string(name, opt);
      }
      break;
    }
    case T_ENUM: codec = Codec::enumeration; c = col::enumeration(name, join_csv(members), opt); break;
    case T_SET: codec = Codec::set; c = col::enum_set(name, join_csv(members), opt); break;
    case T_JSON: codec = Codec::json_binary; c = col::json(name, opt); break;
    case T_GEOMETRY: codec = Codec::geometry; c = col::geometry(name, opts, opt); break;
    case T_VECTOR: codec = Codec::vector; c = col::array(name, col::float32("", false), opt); break;
    default:
      throw DecodeError("table " + map_.db + "." + map_.table + " column " + name + ": column type " +
                        column_type_name(d.type) + " (" + std::to_string(d.type) + ") is not supported");
  }
  schema_.columns.push_back(std::move(c));
  plans_.push_back(Plan{codec, charset, std::move(members), codec == Codec::text && is_utf8_passthrough(charset)});
}

void RowDecoder::decode(ByteReader& r, Bytes present, event::Row& row, bool partial_after) const {
  size_t n = map_.columns.size();
  if (present.size() * 8 < n) r.fail("row image", "columns bitmap shorter than the table");
  row.reset(n);
  if (partial_after) {
    uint64_t options = r.lenenc("partial update value options");
    if (options & 1) {  // PARTIAL_JSON_UPDATES: one bit per JSON column says "this is a diff"
      size_t json_cols = map_.json_column_count();
      Bytes partial = r.bytes((json_cols + 7) / 8, "partial JSON columns bitmap");
      size_t j = 0;
      for (size_t i = 0; i < n; ++i) {
        if (map_.columns[i].type != T_JSON) continue;
        if (lsb_bit(partial, j++) && lsb_bit(present, i))
          throw DecodeError(where(i) + ": PARTIAL_UPDATE_ROWS_EVENT carries a JSON diff, not the full value; "
                            "cdc-agent needs full JSON images: set binlog_row_value_options='' on the server");
      }
    }
  }
  size_t in_image = 0;
  for (size_t i = 0; i < n; ++i) in_image += lsb_bit(present, i);
  Bytes nulls = r.bytes((in_image + 7) / 8, "row NULL bitmap");
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!lsb_bit(present, i)) continue;
    if (!lsb_bit(nulls, k++)) decode_value(r, i, row);
  }
}

void RowDecoder::decode_value(ByteReader& r, size_t i, event::Row& row) const {
  const Plan& p = plans_[i];
  switch (p.codec) {
    case Codec::int8s: return row.set_int(i, static_cast<int8_t>(r.u8("tinyint")));
    case Codec::int8u: return row.set_int(i, r.u8("tinyint"));
    case Codec::int16s: return row.set_int(i, static_cast<int16_t>(r.u16le("smallint")));
    case Codec::int16u: return row.set_int(i, r.u16le("smallint"));
    case Codec::int24s: {
      uint32_t v = r.u24le("mediumint");
      return row.set_int(i, (v & 0x800000) ? static_cast<int32_t>(v | 0xFF000000u) : static_cast<int32_t>(v));
    }
    case Codec::int24u: return row.set_int(i, r.u24le("mediumint"));
    case Codec::int32s: return row.set_int(i, static_cast<int32_t>(r.u32le("int")));
    case Codec::int32u: return row.set_int(i, r.u32le("int"));
    case Codec::int64s: return row.set_int(i, static_cast<int64_t>(r.u64le("bigint")));
    case Codec::uint64_long: {
      uint64_t v = r.u64le("bigint unsigned");
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw Error(ExitCode::config, where(i) + ": BIGINT UNSIGNED value " + std::to_string(v) +
                                          " does not fit int64; set envelope.bigint_unsigned_handling: precise");
      return row.set_int(i, static_cast<int64_t>(v));
    }
    case Codec::uint64_precise: return row.set_decimal(i, std::to_string(r.u64le("bigint unsigned")));
    case Codec::float32: return row.set_float32(i, std::bit_cast<float>(r.u32le("float")));
    case Codec::float64: return row.set_float64(i, std::bit_cast<double>(r.u64le("double")));
    case Codec::decimal: {
      std::string s;
      const ColumnDef& d = map_.columns[i];
      types::append_decimal(s, r, d.precision, d.scale);
      return row.set_decimal(i, s);
    }
    case Codec::bit_bool: case Codec::bits: {
      auto b = r.bytes((map_.columns[i].bits + 7) / 8, "bit");
      if (p.codec == Codec::bit_bool) return row.set_bool(i, !b.empty() && (b.back() & 1));
      std::string le(b.rbegin(), b.rend());  // stored big-endian; Debezium's Bits are little-endian
      return row.set_bytes(i, le);
    }
    case Codec::year: {
      uint8_t y = r.u8("year");
      return row.set_int(i, y == 0 ? 0 : 1900 + y);
    }
    case Codec::enumeration: case Codec::set: return decode_members(r, i, row);
    case Codec::text: case Codec::bytes: case Codec::binary_padded: {
      const ColumnDef& d = map_.columns[i];
      bool blob = d.type != T_VARCHAR && d.type != T_VAR_STRING && d.type != T_STRING;
      return blob ? decode_blob_like(r, i, row) : decode_string(r, i, row, d.max_length > 255 ? 2 : 1);
    }
    case Codec::json_binary: case Codec::json_text: case Codec::geometry: case Codec::vector:
      return decode_blob_like(r, i, row);
    default: return decode_temporal(r, i, row);
  }
}

}  // namespace cdc::mysql
