// MySQL binary JSON (the JSON column format in row images) -> compact JSON text, as Debezium writes it.
// Reference: MySQL sql-common/json_binary.h (format description at the top of the file).
#pragma once
#include <string>

#include "mysql/binlog_event.h"

namespace cdc::mysql {

// Appends the JSON text of one binary JSON document (type byte first). An empty document is the SQL
// JSON null and renders as "null". Throws DecodeError for malformed input (bad offsets, truncation,
// nesting deeper than MySQL allows).
void append_json_text(std::string& out, Bytes doc);

}  // namespace cdc::mysql
