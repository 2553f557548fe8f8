// TABLE_MAP_EVENT: table identity, column types, per-type metadata and the optional metadata block
// (binlog_row_metadata=MINIMAL|FULL). Reference: libs/mysql/binlog/event/rows_event.h (Table_map_event,
// enum Optional_metadata_field_type).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mysql/binlog_event.h"

namespace cdc::mysql {

// enum_field_types as written in TABLE_MAP and rows events.
enum ColumnType : uint8_t {
  T_DECIMAL = 0, T_TINY = 1, T_SHORT = 2, T_LONG = 3, T_FLOAT = 4, T_DOUBLE = 5, T_NULL = 6, T_TIMESTAMP = 7,
  T_LONGLONG = 8, T_INT24 = 9, T_DATE = 10, T_TIME = 11, T_DATETIME = 12, T_YEAR = 13, T_NEWDATE = 14,
  T_VARCHAR = 15, T_BIT = 16, T_TIMESTAMP2 = 17, T_DATETIME2 = 18, T_TIME2 = 19, T_TYPED_ARRAY = 244,
  T_VECTOR = 242, T_JSON = 245, T_NEWDECIMAL = 246, T_ENUM = 247, T_SET = 248, T_TINY_BLOB = 249,
  T_MEDIUM_BLOB = 250, T_LONG_BLOB = 251, T_BLOB = 252, T_VAR_STRING = 253, T_STRING = 254, T_GEOMETRY = 255,
};
const char* column_type_name(uint8_t type);

// One column with its TABLE_MAP metadata resolved into named fields.
struct ColumnDef {
  uint8_t type = 0;         // real type: T_STRING with ENUM/SET metadata becomes T_ENUM / T_SET
  uint8_t binlog_type = 0;  // as written in the TABLE_MAP
  uint16_t meta = 0;        // raw per-type metadata
  bool nullable = true;
  bool is_unsigned = false;  // SIGNEDNESS; false when the server sent none
  bool visible = true;
  uint32_t charset = 0;  // collation id (character, ENUM and SET columns); 0 = not sent
  std::string name;      // empty when binlog_row_metadata=MINIMAL
  std::vector<std::string> members;  // ENUM / SET member names (FULL metadata only)
  uint32_t geometry_type = 0;
  uint32_t vector_dimensions = 0;
  // derived from meta
  uint32_t max_length = 0;  // CHAR/VARCHAR/BINARY byte length; ENUM/SET/BLOB storage length
  uint8_t precision = 0, scale = 0;  // NEWDECIMAL
  uint8_t fsp = 0;                   // TIME2/DATETIME2/TIMESTAMP2
  uint32_t bits = 0;                 // BIT(n)
};

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string db;
  std::string table;
  std::vector<ColumnDef> columns;
  std::vector<uint32_t> primary_key;  // column indexes, from SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX
  bool has_column_names = false;
  bool has_primary_key_metadata = false;
  size_t json_column_count() const;
};

TableMap parse_table_map(Bytes body, const FormatDescription& fde);

bool is_numeric_type(uint8_t real_type);    // carries a SIGNEDNESS bit
bool is_character_type(uint8_t real_type);  // carries a COLUMN_CHARSET entry

}  // namespace cdc::mysql
