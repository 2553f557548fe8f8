// Replication commands a replica sends, as bytes (no I/O), and the mapping from a server error to the
// agent's error kinds. Kept apart from the socket code so both are testable without a server.
// Reference: MySQL "Replication Protocol" (COM_REGISTER_SLAVE, COM_BINLOG_DUMP, COM_BINLOG_DUMP_GTID)
// and sql/rpl_gtid_set.cc Gtid_set::encode() for the SID block layout.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace cdc::mysql {

// COM_BINLOG_DUMP flags.
constexpr uint16_t kDumpNonBlock = 0x01;        // send EOF at the end of the binlog instead of waiting
constexpr uint16_t kDumpThroughGtid = 0x04;     // MySQL COM_BINLOG_DUMP_GTID: the packet carries a GTID set

// Command payloads, without the command byte (libmariadb's db_command prepends it).
std::string encode_register_replica(uint32_t server_id, std::string_view report_host, uint16_t report_port);
std::string encode_binlog_dump(uint32_t server_id, std::string_view file, uint32_t pos, uint16_t flags);
// `gtid_set` is MySQL's text form ("uuid:1-5:7,uuid2:1-3", whitespace ignored). Throws cdc::Error
// (config) naming the offending part when it does not parse; tagged GTIDs (8.3+) are rejected.
std::string encode_binlog_dump_gtid(uint32_t server_id, std::string_view gtid_set, uint16_t flags);

// An error the agent can act on: a connection loss that is worth retrying with backoff.
// Everything else a connection throws is a plain cdc::Error whose exit code says what to do.
class TransientError : public Error {
 public:
  explicit TransientError(const std::string& what) : Error(ExitCode::temporary, what) {}
};

// Builds the exception for MySQL error `code` with server/client `message`. `during` says what the
// agent was doing ("connecting to 127.0.0.1:3306", "reading the binlog from mysql-bin.000003:4"),
// and is put first so the log line reads as a sentence. Throws; never returns.
[[noreturn]] void throw_mysql_error(unsigned code, std::string_view message, std::string_view during);

}  // namespace cdc::mysql
