// MySQL/MariaDB binlog events (format v4): the common header, FORMAT_DESCRIPTION, checksums and one
// struct + parse function per control event. Pure: bytes in, typed value or DecodeError out.
// Reference: MySQL libs/mysql/binlog/event/{binlog_event.h,control_events.h,statement_events.h} and
// MariaDB sql/log_event.h (events 160-165).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/byte_reader.h"

namespace cdc::mysql {

using Bytes = std::span<const uint8_t>;

// Event type codes (Log_event_type). MariaDB numbers its own events from 160.
enum EventType : uint8_t {
  UNKNOWN_EVENT = 0, START_EVENT_V3 = 1, QUERY_EVENT = 2, STOP_EVENT = 3, ROTATE_EVENT = 4, INTVAR_EVENT = 5,
  LOAD_EVENT = 6, SLAVE_EVENT = 7, CREATE_FILE_EVENT = 8, APPEND_BLOCK_EVENT = 9, EXEC_LOAD_EVENT = 10,
  DELETE_FILE_EVENT = 11, NEW_LOAD_EVENT = 12, RAND_EVENT = 13, USER_VAR_EVENT = 14,
  FORMAT_DESCRIPTION_EVENT = 15, XID_EVENT = 16, BEGIN_LOAD_QUERY_EVENT = 17, EXECUTE_LOAD_QUERY_EVENT = 18,
  TABLE_MAP_EVENT = 19, PRE_GA_WRITE_ROWS_EVENT = 20, PRE_GA_UPDATE_ROWS_EVENT = 21,
  PRE_GA_DELETE_ROWS_EVENT = 22, WRITE_ROWS_EVENT_V1 = 23, UPDATE_ROWS_EVENT_V1 = 24,
  DELETE_ROWS_EVENT_V1 = 25, INCIDENT_EVENT = 26, HEARTBEAT_LOG_EVENT = 27, IGNORABLE_LOG_EVENT = 28,
  ROWS_QUERY_LOG_EVENT = 29, WRITE_ROWS_EVENT = 30, UPDATE_ROWS_EVENT = 31, DELETE_ROWS_EVENT = 32,
  GTID_LOG_EVENT = 33, ANONYMOUS_GTID_LOG_EVENT = 34, PREVIOUS_GTIDS_LOG_EVENT = 35,
  TRANSACTION_CONTEXT_EVENT = 36, VIEW_CHANGE_EVENT = 37, XA_PREPARE_LOG_EVENT = 38,
  PARTIAL_UPDATE_ROWS_EVENT = 39, TRANSACTION_PAYLOAD_EVENT = 40, HEARTBEAT_LOG_EVENT_V2 = 41,
  GTID_TAGGED_LOG_EVENT = 42,
  MARIA_ANNOTATE_ROWS_EVENT = 160, MARIA_BINLOG_CHECKPOINT_EVENT = 161, MARIA_GTID_EVENT = 162,
  MARIA_GTID_LIST_EVENT = 163, MARIA_START_ENCRYPTION_EVENT = 164, MARIA_QUERY_COMPRESSED_EVENT = 165,
  MARIA_WRITE_ROWS_COMPRESSED_EVENT = 166, MARIA_UPDATE_ROWS_COMPRESSED_EVENT = 167,
  MARIA_DELETE_ROWS_COMPRESSED_EVENT = 168, MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1 = 169,
  MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1 = 170, MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1 = 171,
};
// "QUERY_EVENT(2)", or "type 77" for codes neither flavour defines.
std::string event_type_name(uint8_t type);
bool is_known_event_type(uint8_t type);

constexpr size_t kHeaderLen = 19;
constexpr uint16_t LOG_EVENT_BINLOG_IN_USE_F = 0x0001;
constexpr uint16_t LOG_EVENT_ARTIFICIAL_F = 0x0020;
constexpr uint8_t kBinlogMagic[4] = {0xfe, 0x62, 0x69, 0x6e};

struct EventHeader {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  uint32_t log_pos = 0;  // position of the NEXT event; 0 in artificial/relay-stream events
  uint16_t flags = 0;
};
EventHeader parse_header(ByteReader& r);

enum class Flavor : uint8_t { mysql, mariadb };
enum class ChecksumAlg : uint8_t { off = 0, crc32 = 1, undef = 255 };

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;
  uint32_t create_timestamp = 0;
  uint8_t common_header_len = kHeaderLen;
  std::vector<uint8_t> post_header_len;  // index = event type - 1
  ChecksumAlg checksum = ChecksumAlg::off;
  Flavor flavor = Flavor::mysql;

  uint8_t post_header(uint8_t type) const;  // 0 when the FDE does not list the type
};
// `event` is the whole event (header + body + any checksum). Verifies the FDE's own CRC when it declares
// CRC32, applying the rule that LOG_EVENT_BINLOG_IN_USE_F is cleared before checksumming.
FormatDescription parse_format_description(Bytes event);
// Server versions before MySQL 5.6.1 / MariaDB 5.3 write no checksum-algorithm byte in the FDE.
bool version_has_checksum_byte(std::string_view server_version, Flavor flavor);
Flavor flavor_of(std::string_view server_version);

// One event split into header and body, with the CRC32 trailer checked and removed.
struct RawEvent {
  EventHeader header;
  Bytes body;   // after the common header, without checksum
  Bytes whole;  // the event as received
};
// Throws DecodeError on a short buffer, a size field that disagrees with the buffer, or a CRC mismatch.
RawEvent split_event(Bytes event, ChecksumAlg alg);
uint32_t crc32_of(Bytes data);

// ---- control events --------------------------------------------------------------------------------

struct RotateEvent {
  uint64_t position = 0;
  std::string next_file;
};
RotateEvent parse_rotate(Bytes body, const FormatDescription& fde);

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string db;
  std::string query;
};
QueryEvent parse_query(Bytes body, const FormatDescription& fde);
// MariaDB QUERY_COMPRESSED_EVENT: same post-header, the query text is zlib-compressed.
QueryEvent parse_query_compressed(Bytes body, const FormatDescription& fde);

enum class QueryKind : uint8_t { begin, commit, rollback, savepoint, xa, ddl, other_dml };
QueryKind classify_query(std::string_view sql);

struct XidEvent {
  uint64_t xid = 0;
};
XidEvent parse_xid(Bytes body);

// GTID / ANONYMOUS_GTID (MySQL 5.6+) and GTID_TAGGED_LOG (8.4+, MySQL serialization format).
struct GtidEvent {
  bool anonymous = false;
  uint8_t flags = 0;
  uint8_t sid[16] = {};
  std::string tag;  // empty = untagged
  int64_t gno = 0;
  int64_t last_committed = 0;
  int64_t sequence_number = 0;
  uint64_t immediate_commit_ts_us = 0;  // 0 = not recorded (before 8.0.1)
  uint64_t original_commit_ts_us = 0;
  uint64_t transaction_length = 0;
  std::string text() const;  // "uuid:gno" or "uuid:tag:gno"
};
GtidEvent parse_gtid(Bytes body, uint8_t type);
std::string uuid_text(const uint8_t sid[16]);

// PREVIOUS_GTIDS, rendered as a GTID set text ("uuid:1-5:7,uuid2:tag:1-3").
std::string parse_previous_gtids(Bytes body);

struct TransactionPayload {
  uint64_t compression = 0;  // 0 = zstd, 255 = none
  uint64_t uncompressed_size = 0;
  Bytes payload;
};
TransactionPayload parse_transaction_payload(Bytes body);
// The inner events, back to back (each with a full header and no checksum).
std::string decompress_payload(const TransactionPayload& p);

std::string parse_rows_query(Bytes body);

struct MariaGtidEvent {
  uint64_t seq_no = 0;
  uint32_t domain_id = 0;
  uint8_t flags = 0;
  bool standalone() const { return flags & 0x01; }  // FL_STANDALONE: no BEGIN/COMMIT follows (DDL)
  std::string text(uint32_t server_id) const;       // "domain-server-seq"
};
MariaGtidEvent parse_maria_gtid(Bytes body);

struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
};
std::vector<MariaGtid> parse_maria_gtid_list(Bytes body);
std::string parse_binlog_checkpoint(Bytes body);
std::string parse_annotate_rows(Bytes body);
std::string parse_heartbeat(Bytes body, uint8_t type);  // the log file name the heartbeat refers to

struct IncidentEvent {
  uint16_t incident = 0;
  std::string message;
};
IncidentEvent parse_incident(Bytes body);

// MariaDB zlib framing: 1 byte (0x80 | n), n-byte big-endian uncompressed length, zlib stream.
std::string maria_uncompress(ByteReader& r, const char* what);

}  // namespace cdc::mysql
