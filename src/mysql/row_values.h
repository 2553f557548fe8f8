// Value building shared by the binlog decoder (row_values.cpp) and the snapshot's text rows
// (snapshot/text_row.cpp): both paths go through these helpers, so a streamed and a snapshotted row carry
// byte-identical Values.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "event/change_event.h"

namespace cdc::mysql {

// Appends the value straight into the row arena (no temporary string) and points column i at it.
template <class Fill>
void set_built(event::Row& row, size_t i, event::Value::Kind kind, Fill fill) {
  size_t off = row.arena.size();
  fill(row.arena);
  event::Value v;
  v.kind = kind;
  v.off = static_cast<uint32_t>(off);
  v.len = static_cast<uint32_t>(row.arena.size() - off);
  row.values[i] = v;
}

// DATETIME as Debezium carries it: epoch µs for fsp > 3 (`micros`), else epoch ms, floored.
int64_t datetime_value(int64_t epoch_micros, bool micros);

// TIMESTAMP: ISO-8601 UTC text with `fsp` fraction digits; the zero timestamp becomes NULL.
void set_timestamp(event::Row& row, size_t i, int64_t epoch_seconds, uint32_t micros, int fsp);

// GEOMETRY as Debezium's Geometry struct: {"wkb":"<base64>","srid":n}.
void set_geometry(event::Row& row, size_t i, uint32_t srid, std::string_view wkb);

// VECTOR: little-endian float32 elements as a JSON array. `le_floats.size()` must be a multiple of 4.
void set_vector(event::Row& row, size_t i, std::string_view le_floats);

}  // namespace cdc::mysql
