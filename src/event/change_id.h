// Change ids: the Kafka header `cdc.change_id`, a fixed-width text that orders the changes of one source
// the same way lexicographically and numerically, so a consumer can drop re-delivered duplicates with a
// plain string comparison. Format and guarantees: docs/change-id.md.
//   MySQL/MariaDB  m:<binlog file index, 10 dec>:<transaction start pos, 20 dec>:<event index in tx, 10 dec>
//   PostgreSQL     p:<commit LSN, 16 hex>:<event LSN, 16 hex>:<event index in tx, 10 dec>
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cdc::event::change_id {

inline constexpr size_t kMysqlLength = 44;     // 2 + 10 + 1 + 20 + 1 + 10
inline constexpr size_t kPostgresLength = 46;  // 2 + 16 + 1 + 16 + 1 + 10
inline constexpr uint64_t kMaxIndex = 9'999'999'999;  // the widest 10-digit index

// Throw cdc::Error (internal) when a field does not fit its width, rather than break the ordering.
void append_mysql(std::string& out, uint64_t file_index, uint64_t tx_start_pos, uint64_t event_index);
void append_postgres(std::string& out, uint64_t commit_lsn, uint64_t event_lsn, uint64_t event_index);

// Snapshot rows, which have no position of their own. MySQL: the snapshot's binlog position P minus one,
// so the rows sort after every change before P and before the first streamed transaction, which starts
// at P (no event can start at P-1: a binlog event is at least 19 bytes). PostgreSQL: the slot's
// consistent point as commit LSN and event LSN 0; a transaction committing at that very LSN still sorts
// after, because its events have non-zero LSNs.
void append_mysql_snapshot(std::string& out, uint64_t file_index, uint64_t snapshot_pos, uint64_t row_index);
void append_postgres_snapshot(std::string& out, uint64_t consistent_point_lsn, uint64_t row_index);

// "mysql-bin.000042" -> 42: the numeric extension MySQL and MariaDB increment for each new binlog file.
std::optional<uint64_t> binlog_file_index(std::string_view file_name);

struct Parsed {
  char source = 0;  // 'm' or 'p'
  uint64_t major = 0;  // file index | commit LSN
  uint64_t minor = 0;  // tx start pos | event LSN
  uint64_t index = 0;  // event index
};
// Inverse of the appenders; nullopt for anything that is not exactly one of the two formats.
std::optional<Parsed> parse(std::string_view id);

}  // namespace cdc::event::change_id
