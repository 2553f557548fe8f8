// TABLE_MAP_EVENT parsing. The optional metadata block is a sequence of (type u8, length lenenc, value)
// fields; each field lists values only for the columns of the kind it concerns (numeric, character,
// ENUM, SET, geometry, vector), in column order.
#include "mysql/table_map.h"

#include <algorithm>

#include "mysql/charset.h"

namespace cdc::mysql {
namespace {

enum OptionalField : uint8_t {
  SIGNEDNESS = 1, DEFAULT_CHARSET, COLUMN_CHARSET, COLUMN_NAME, SET_STR_VALUE, ENUM_STR_VALUE, GEOMETRY_TYPE,
  SIMPLE_PRIMARY_KEY, PRIMARY_KEY_WITH_PREFIX, ENUM_AND_SET_DEFAULT_CHARSET, ENUM_AND_SET_COLUMN_CHARSET,
  COLUMN_VISIBILITY, VECTOR_DIMENSIONALITY,
};

// Per-type metadata width in the TABLE_MAP metadata block.
size_t meta_width(uint8_t type) {
  switch (type) {
    case T_FLOAT: case T_DOUBLE: case T_BLOB: case T_TINY_BLOB: case T_MEDIUM_BLOB: case T_LONG_BLOB:
    case T_GEOMETRY: case T_JSON: case T_VECTOR: case T_TIME2: case T_DATETIME2: case T_TIMESTAMP2:
      return 1;
    case T_VARCHAR: case T_VAR_STRING: case T_NEWDECIMAL: case T_STRING: case T_ENUM: case T_SET: case T_BIT:
      return 2;
    default:
      return 0;
  }
}

void read_meta(ByteReader& r, ColumnDef& c) {
  switch (c.binlog_type) {
    case T_VARCHAR: case T_VAR_STRING:
      c.meta = r.u16le("varchar max length");
      c.max_length = c.meta;
      break;
    case T_NEWDECIMAL:
      c.precision = r.u8("decimal precision");
      c.scale = r.u8("decimal scale");
      c.meta = static_cast<uint16_t>(c.precision << 8 | c.scale);
      break;
    case T_BIT: {
      uint8_t rem = r.u8("bit length mod 8");
      uint8_t bytes = r.u8("bit length / 8");
      c.bits = bytes * 8u + rem;
      c.meta = static_cast<uint16_t>(bytes << 8 | rem);
      break;
    }
    case T_STRING: case T_ENUM: case T_SET: {
      uint8_t b0 = r.u8("string real type");
      uint8_t b1 = r.u8("string length");
      c.meta = static_cast<uint16_t>(b0 << 8 | b1);
      // CHAR(n) longer than 255 bytes borrows two bits of the type byte for the length (bug #37426).
      if ((b0 & 0x30) != 0x30) {
        c.max_length = static_cast<uint32_t>(((b0 & 0x30) ^ 0x30) << 4 | b1);
        c.type = static_cast<uint8_t>(b0 | 0x30);
      } else {
        c.max_length = b1;
        c.type = b0;
      }
      if (c.type != T_ENUM && c.type != T_SET) c.type = T_STRING;
      break;
    }
    default:
      if (meta_width(c.binlog_type) == 1) {
        c.meta = r.u8("column metadata");
        c.fsp = static_cast<uint8_t>(c.meta);
        c.max_length = c.meta;  // BLOB family: bytes of the length prefix; FLOAT/DOUBLE: pack length
      }
  }
}

template <class Pred>
std::vector<ColumnDef*> columns_where(TableMap& t, Pred pred) {
  std::vector<ColumnDef*> out;
  for (auto& c : t.columns)
    if (pred(c)) out.push_back(&c);
  return out;
}

// Bit i of a most-significant-bit-first bitmap (SIGNEDNESS, COLUMN_VISIBILITY).
bool msb_bit(Bytes bits, size_t i) { return i / 8 < bits.size() && (bits[i / 8] >> (7 - i % 8)) & 1; }

void read_charsets(ByteReader& v, std::vector<ColumnDef*> cols, bool with_default) {
  if (with_default) {
    uint64_t def = v.lenenc("default charset");
    for (auto* c : cols) c->charset = static_cast<uint32_t>(def);
    while (!v.empty()) {  // (index among these columns, collation) overrides
      uint64_t idx = v.lenenc("charset column index");
      uint64_t cs = v.lenenc("charset collation");
      if (idx >= cols.size()) v.fail("charset override", "column index out of range");
      cols[idx]->charset = static_cast<uint32_t>(cs);
    }
    return;
  }
  for (auto* c : cols) c->charset = static_cast<uint32_t>(v.lenenc("column charset"));
  if (!v.empty()) v.fail("column charsets", "more entries than character columns");
}

void read_members(ByteReader& v, std::vector<ColumnDef*> cols) {
  for (auto* c : cols) {
    if (v.empty()) break;
    uint64_t n = v.lenenc("member count");
    if (n > v.remaining()) v.fail("member count", "exceeds the field");
    c->members.clear();
    for (uint64_t i = 0; i < n; ++i) {
      // Converted to UTF-8 at the end: the ENUM/SET charset fields come after the member lists.
      c->members.emplace_back(v.lenenc_str("member name"));
    }
  }
}

void read_optional_field(TableMap& t, uint8_t field, ByteReader& v, Flavor flavor) {
  // MariaDB derives YEAR from TINYINT and GEOMETRY from BLOB, and its binlog metadata follows the field
  // classes: YEAR takes a SIGNEDNESS bit and GEOMETRY a charset entry. MySQL gives them neither.
  const bool maria = flavor == Flavor::mariadb;
  auto numeric = [maria](const ColumnDef& c) { return is_numeric_type(c.type) || (maria && c.type == T_YEAR); };
  auto character = [maria](const ColumnDef& c) {
    return is_character_type(c.type) || (maria && c.type == T_GEOMETRY);
  };
  auto enum_or_set = [](const ColumnDef& c) { return c.type == T_ENUM || c.type == T_SET; };
  switch (field) {
    case SIGNEDNESS: {
      auto cols = columns_where(t, numeric);
      auto bits = v.bytes(v.remaining(), "signedness bitmap");
      for (size_t i = 0; i < cols.size(); ++i) cols[i]->is_unsigned = msb_bit(bits, i);
      break;
    }
    case DEFAULT_CHARSET: read_charsets(v, columns_where(t, character), true); break;
    case COLUMN_CHARSET: read_charsets(v, columns_where(t, character), false); break;
    case ENUM_AND_SET_DEFAULT_CHARSET: read_charsets(v, columns_where(t, enum_or_set), true); break;
    case ENUM_AND_SET_COLUMN_CHARSET: read_charsets(v, columns_where(t, enum_or_set), false); break;
    case COLUMN_NAME:
      for (auto& c : t.columns) c.name.assign(v.lenenc_str("column name"));
      t.has_column_names = true;
      break;
    case SET_STR_VALUE: read_members(v, columns_where(t, [](const ColumnDef& c) { return c.type == T_SET; })); break;
    case ENUM_STR_VALUE: read_members(v, columns_where(t, [](const ColumnDef& c) { return c.type == T_ENUM; })); break;
    case GEOMETRY_TYPE:
      for (auto* c : columns_where(t, [](const ColumnDef& c) { return c.type == T_GEOMETRY; }))
        c->geometry_type = static_cast<uint32_t>(v.lenenc("geometry type"));
      break;
    case SIMPLE_PRIMARY_KEY: case PRIMARY_KEY_WITH_PREFIX:
      t.has_primary_key_metadata = true;
      while (!v.empty()) {
        uint64_t idx = v.lenenc("primary key column");
        if (idx >= t.columns.size()) v.fail("primary key column", "index out of range");
        t.primary_key.push_back(static_cast<uint32_t>(idx));
        if (field == PRIMARY_KEY_WITH_PREFIX) v.lenenc("primary key prefix length");
      }
      break;
    case COLUMN_VISIBILITY: {
      auto bits = v.bytes(v.remaining(), "visibility bitmap");
      for (size_t i = 0; i < t.columns.size(); ++i) t.columns[i].visible = msb_bit(bits, i);
      break;
    }
    case VECTOR_DIMENSIONALITY:
      for (auto* c : columns_where(t, [](const ColumnDef& c) { return c.type == T_VECTOR; }))
        c->vector_dimensions = static_cast<uint32_t>(v.lenenc("vector dimensionality"));
      break;
    default:
      break;  // newer servers may add fields; they are self-delimiting, so skipping is safe
  }
}

}  // namespace

bool is_numeric_type(uint8_t t) {
  switch (t) {
    case T_TINY: case T_SHORT: case T_INT24: case T_LONG: case T_LONGLONG: case T_NEWDECIMAL: case T_FLOAT:
    case T_DOUBLE: case T_DECIMAL:
      return true;
    default:
      return false;
  }
}

bool is_character_type(uint8_t t) {
  switch (t) {
    case T_STRING: case T_VAR_STRING: case T_VARCHAR: case T_BLOB: case T_TINY_BLOB: case T_MEDIUM_BLOB:
    case T_LONG_BLOB: case T_VECTOR:  // VECTOR (9.0) carries the binary charset like a BLOB
      return true;
    default:
      return false;
  }
}

size_t TableMap::json_column_count() const {
  return static_cast<size_t>(std::count_if(columns.begin(), columns.end(), [](const ColumnDef& c) { return c.type == T_JSON; }));
}

TableMap parse_table_map(Bytes body, const FormatDescription& fde) {
  ByteReader r(body);
  TableMap t;
  t.table_id = fde.post_header(TABLE_MAP_EVENT) == 6 ? r.u32le("table_id") : r.u48le("table_id");
  t.flags = r.u16le("table map flags");
  t.db.assign(r.str(r.u8("db name length"), "db name"));
  r.skip(1, "db name NUL");
  t.table.assign(r.str(r.u8("table name length"), "table name"));
  r.skip(1, "table name NUL");
  uint64_t n = r.lenenc("column count");
  if (n == 0 || n > r.remaining()) r.fail("column count", std::to_string(n) + " columns do not fit the event");
  t.columns.resize(static_cast<size_t>(n));
  auto types = r.bytes(t.columns.size(), "column types");
  for (size_t i = 0; i < t.columns.size(); ++i) t.columns[i].type = t.columns[i].binlog_type = types[i];
  uint64_t meta_len = r.lenenc("metadata length");
  if (meta_len > r.remaining()) r.fail("column metadata", "length exceeds the event");
  ByteReader meta = r.sub(static_cast<size_t>(meta_len), "column metadata");
  for (auto& c : t.columns) read_meta(meta, c);
  auto nulls = r.bytes((t.columns.size() + 7) / 8, "null bitmap");
  for (size_t i = 0; i < t.columns.size(); ++i) t.columns[i].nullable = (nulls[i / 8] >> (i % 8)) & 1;
  while (!r.empty()) {
    uint8_t field = r.u8("optional metadata type");
    uint64_t len = r.lenenc("optional metadata length");
    if (len > r.remaining()) r.fail("optional metadata", "field length exceeds the event");
    ByteReader v = r.sub(static_cast<size_t>(len), "optional metadata field");
    read_optional_field(t, field, v, fde.flavor);
  }
  for (auto& c : t.columns)
    if (c.charset && !c.members.empty())
      for (auto& m : c.members) m = to_utf8(m, c.charset, "ENUM/SET member");
  return t;
}

const char* column_type_name(uint8_t type) {
  switch (type) {
    case T_DECIMAL: return "DECIMAL"; case T_TINY: return "TINY"; case T_SHORT: return "SHORT";
    case T_LONG: return "LONG"; case T_FLOAT: return "FLOAT"; case T_DOUBLE: return "DOUBLE";
    case T_NULL: return "NULL"; case T_TIMESTAMP: return "TIMESTAMP"; case T_LONGLONG: return "LONGLONG";
    case T_INT24: return "INT24"; case T_DATE: return "DATE"; case T_TIME: return "TIME";
    case T_DATETIME: return "DATETIME"; case T_YEAR: return "YEAR"; case T_NEWDATE: return "NEWDATE";
    case T_VARCHAR: return "VARCHAR"; case T_BIT: return "BIT"; case T_TIMESTAMP2: return "TIMESTAMP2";
    case T_DATETIME2: return "DATETIME2"; case T_TIME2: return "TIME2"; case T_TYPED_ARRAY: return "TYPED_ARRAY";
    case T_VECTOR: return "VECTOR"; case T_JSON: return "JSON"; case T_NEWDECIMAL: return "NEWDECIMAL";
    case T_ENUM: return "ENUM"; case T_SET: return "SET"; case T_TINY_BLOB: return "TINY_BLOB";
    case T_MEDIUM_BLOB: return "MEDIUM_BLOB"; case T_LONG_BLOB: return "LONG_BLOB"; case T_BLOB: return "BLOB";
    case T_VAR_STRING: return "VAR_STRING"; case T_STRING: return "STRING"; case T_GEOMETRY: return "GEOMETRY";
    default: return "UNKNOWN";
  }
}

}  // namespace cdc::mysql
