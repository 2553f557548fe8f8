// Snapshot rows of MySQL/MariaDB come as text (the client protocol's text result set), streamed rows as
// binlog images. This file makes both end up identical: the table's shape from information_schema is
// turned into the TABLE_MAP the binlog would carry, so RowDecoder builds the very same TableSchema, and
// each text value is converted to the Value RowDecoder would decode from the binary image of that row.
// Pure: no I/O.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"
#include "mysql/row_decoder.h"
#include "mysql/table_map.h"

namespace cdc::mysql::snapshot {

// One row of information_schema.COLUMNS (+ the primary key from STATISTICS).
struct InfoColumn {
  std::string name;
  std::string data_type;    // DATA_TYPE, e.g. "int", "varchar", "json"
  std::string column_type;  // COLUMN_TYPE, e.g. "int(10) unsigned", "enum('a','b')"
  std::string charset;      // CHARACTER_SET_NAME; empty for numeric and binary columns
  bool nullable = true;
  int64_t numeric_precision = 0;  // DECIMAL precision, BIT width
  int64_t numeric_scale = 0;
  int64_t datetime_precision = 0;
  int64_t octet_length = 0;  // CHARACTER_OCTET_LENGTH (BINARY(n): n)
};

struct InfoTable {
  std::string db;
  std::string table;
  std::vector<InfoColumn> columns;   // in ORDINAL_POSITION order
  std::vector<uint32_t> primary_key;  // indexes into columns, in key order
};

// `name` quoted with backticks (embedded backticks doubled), for identifiers in generated SQL.
std::string quote_identifier(std::string_view name);

// The TABLE_MAP (binlog_row_metadata=FULL) a row event of this table would carry. Throws cdc::Error
// (source_unusable) naming the column for a type the binlog decoder does not know either.
TableMap table_map_of(const InfoTable& t);

// Converts text result rows of one table into event::Row values.
class TextRowConverter {
 public:
  TextRowConverter(const InfoTable& t, const event::EnvelopeOptions& opts, Flavor flavor);

  // The schema RowDecoder builds for the same table: events of snapshot and stream share it exactly.
  const event::TableSchema& schema() const { return decoder_.schema(); }

  // The SELECT list that reads the table in column order: `c` for most columns; FLOAT columns are read
  // as DOUBLE because the text protocol prints FLOAT with 6 digits and would lose bits.
  std::string select_list() const;

  // values[i] = column i as the server sent it (nullopt = NULL). Throws cdc::Error for a value that
  // cannot be represented (BIGINT UNSIGNED above 2^63-1 in long mode) or that does not parse.
  void convert(const std::vector<std::optional<std::string_view>>& values, event::Row& row) const;

 private:
  void convert_value(size_t i, std::string_view text, event::Row& row) const;
  void convert_temporal(size_t i, std::string_view text, event::Row& row) const;
  void convert_blob_like(size_t i, std::string_view text, event::Row& row) const;
  [[noreturn]] void fail(size_t i, std::string_view text, const std::string& why) const;

  TableMap map_;
  RowDecoder decoder_;
  event::BigintUnsignedHandling bigint_;
};

// MySQL's JSON text (`{"a": 1.5e10}`) rewritten the way the binlog decoder prints the binary document:
// compact, strings escaped as Jackson does, doubles as Java's Double.toString. Throws cdc::Error when
// the text is not JSON.
std::string compact_json(std::string_view text);

}  // namespace cdc::mysql::snapshot
