// Row images -> cdc::event::Row values, per the MySQL column mapping in ENVELOPE.md. A RowDecoder is built
// once per TABLE_MAP (it also builds the table's Connect schema) and then decodes every image of that
// table. Reference: libs/mysql/binlog/event/rows_event.h (row image layout), sql/log_event.cc
// (log_event_print_value: per-type storage).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"
#include "mysql/table_map.h"

namespace cdc::mysql {

// Column facts from outside the binlog (information_schema.COLUMNS), for servers that do not send
// binlog_row_metadata=FULL. Indexes match TABLE_MAP column order.
struct ExternalColumnInfo {
  std::string name;
  std::string column_type;  // COLUMN_TYPE, e.g. "enum('a','b')", "bigint unsigned", "binary(4)"
  std::string charset;      // CHARACTER_SET_NAME; empty = none (numeric, binary)
  bool primary_key = false;
  bool json = false;  // MariaDB JSON: LONGTEXT with a json_valid() check
};
struct ExternalTableInfo {
  std::vector<ExternalColumnInfo> columns;
};
// "enum('a,b','c''d')" / "set('x','y')" -> members, with SQL quote doubling undone.
std::vector<std::string> parse_enum_members(std::string_view column_type);

// Whether information_schema's COLUMN_TYPE ("int(10) unsigned", "mediumtext", "enum('a')") is the type the
// TABLE_MAP column `d` was written with: same type family and, for the BLOB/TEXT family, the same size class.
bool external_type_matches(const ColumnDef& d, std::string_view column_type);

// Names for columns when neither metadata nor external info has them.
enum class ColumnNaming : uint8_t { require, positional };

class RowDecoder {
 public:
  // Throws DecodeError when the table has no column names and `naming` is require.
  RowDecoder(const TableMap& map, const event::EnvelopeOptions& opts, Flavor flavor, const ExternalTableInfo* ext,
             ColumnNaming naming);

  const event::TableSchema& schema() const { return schema_; }
  const TableMap& table_map() const { return map_; }
  void set_schema_version(uint64_t v) { schema_.version = v; }

  // Decodes one image: `r` is at the image's NULL bitmap, `present` is the image's column bitmap.
  // Columns absent from the image (binlog_row_image=MINIMAL/NOBLOB) are null. `partial_after` marks the
  // after image of a PARTIAL_UPDATE_ROWS_EVENT, which starts with the shared value options.
  void decode(ByteReader& r, Bytes present, event::Row& row, bool partial_after = false) const;

 private:
  // How one column's stored value becomes a Value; chosen once per TABLE_MAP.
  enum class Codec : uint8_t {
  int8s, int8u, int16s, int16u, int24s, int24u, int32s, int32u, int64s, uint64_long, uint64_precise,
  float32, float64, decimal, bit_bool, bits, year, date, time2, time_v1, datetime2, datetime_v1,
  timestamp2, timestamp_v1, text, bytes, binary_padded, enumeration, set, json_binary, json_text,
  geometry, vector,
};
  struct Plan {
    Codec codec;
    uint32_t charset;  // collation of text columns (TABLE_MAP metadata, else external info)
    std::vector<std::string> members;  // ENUM / SET names
    bool utf8 = false;  // text whose bytes are already UTF-8: copied without a charset conversion
  };

  void plan_column(size_t i, const ExternalColumnInfo* ext, const event::EnvelopeOptions& opts);
  void decode_value(ByteReader& r, size_t i, event::Row& row) const;
  void decode_string(ByteReader& r, size_t i, event::Row& row, size_t len_bytes) const;
  void decode_temporal(ByteReader& r, size_t i, event::Row& row) const;
  void decode_members(ByteReader& r, size_t i, event::Row& row) const;
  void decode_blob_like(ByteReader& r, size_t i, event::Row& row) const;
  std::string where(size_t i) const;

  TableMap map_;
  event::TableSchema schema_;
  std::vector<Plan> plans_;
  event::BigintUnsignedHandling bigint_;
};

}  // namespace cdc::mysql
