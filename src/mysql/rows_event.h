// WRITE/UPDATE/DELETE_ROWS (v1, v2, MariaDB compressed) and PARTIAL_UPDATE_ROWS: the part before the row
// images. Reference: libs/mysql/binlog/event/rows_event.h (Rows_event), MariaDB sql/log_event.h.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "mysql/binlog_event.h"

namespace cdc::mysql {

enum class RowsKind : uint8_t { write, update, del };

// Rows kind of an event type; nullopt for non-rows events.
std::optional<RowsKind> rows_kind(uint8_t type);

struct RowsEvent {
  RowsKind kind = RowsKind::write;
  bool partial = false;  // PARTIAL_UPDATE_ROWS_EVENT: after images may carry JSON diffs
  uint64_t table_id = 0;
  uint16_t flags = 0;
  uint32_t column_count = 0;
  Bytes present_before;  // "columns present" bitmaps, least-significant bit first
  Bytes present_after;
  bool compressed = false;  // MariaDB *_COMPRESSED_EVENT: images were zlib-inflated into `inflated`
  Bytes raw_rows;
  std::string inflated;

  // The row images, back to back.
  Bytes rows() const {
    return compressed ? Bytes(reinterpret_cast<const uint8_t*>(inflated.data()), inflated.size()) : raw_rows;
  }
};

RowsEvent parse_rows_event(Bytes body, uint8_t type, const FormatDescription& fde);

inline bool lsb_bit(Bytes bits, size_t i) { return (bits[i / 8] >> (i % 8)) & 1; }

}  // namespace cdc::mysql
