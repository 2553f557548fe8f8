// Common header, FORMAT_DESCRIPTION, checksums and the simple control events.
// Layouts: MySQL libs/mysql/binlog/event/{binlog_event.h,control_events.h,statement_events.h}.
#include "mysql/binlog_event.h"

#include "mysql/crc32.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cctype>
#include <cstdio>

namespace cdc::mysql {
namespace {

struct TypeName {
  uint8_t code;
  const char* name;
};
constexpr TypeName kTypeNames[] = {
    {1, "START_EVENT_V3"}, {2, "QUERY_EVENT"}, {3, "STOP_EVENT"}, {4, "ROTATE_EVENT"}, {5, "INTVAR_EVENT"},
    {6, "LOAD_EVENT"}, {7, "SLAVE_EVENT"}, {8, "CREATE_FILE_EVENT"}, {9, "APPEND_BLOCK_EVENT"},
    {10, "EXEC_LOAD_EVENT"}, {11, "DELETE_FILE_EVENT"}, {12, "NEW_LOAD_EVENT"}, {13, "RAND_EVENT"},
    {14, "USER_VAR_EVENT"}, {15, "FORMAT_DESCRIPTION_EVENT"}, {16, "XID_EVENT"},
    {17, "BEGIN_LOAD_QUERY_EVENT"}, {18, "EXECUTE_LOAD_QUERY_EVENT"}, {19, "TABLE_MAP_EVENT"},
    {20, "PRE_GA_WRITE_ROWS_EVENT"}, {21, "PRE_GA_UPDATE_ROWS_EVENT"}, {22, "PRE_GA_DELETE_ROWS_EVENT"},
    {23, "WRITE_ROWS_EVENT_V1"}, {24, "UPDATE_ROWS_EVENT_V1"}, {25, "DELETE_ROWS_EVENT_V1"},
    {26, "INCIDENT_EVENT"}, {27, "HEARTBEAT_LOG_EVENT"}, {28, "IGNORABLE_LOG_EVENT"},
    {29, "ROWS_QUERY_LOG_EVENT"}, {30, "WRITE_ROWS_EVENT"}, {31, "UPDATE_ROWS_EVENT"},
    {32, "DELETE_ROWS_EVENT"}, {33, "GTID_LOG_EVENT"}, {34, "ANONYMOUS_GTID_LOG_EVENT"},
    {35, "PREVIOUS_GTIDS_LOG_EVENT"}, {36, "TRANSACTION_CONTEXT_EVENT"}, {37, "VIEW_CHANGE_EVENT"},
    {38, "XA_PREPARE_LOG_EVENT"}, {39, "PARTIAL_UPDATE_ROWS_EVENT"}, {40, "TRANSACTION_PAYLOAD_EVENT"},
    {41, "HEARTBEAT_LOG_EVENT_V2"}, {42, "GTID_TAGGED_LOG_EVENT"},
    {160, "MARIA_ANNOTATE_ROWS_EVENT"}, {161, "MARIA_BINLOG_CHECKPOINT_EVENT"}, {162, "MARIA_GTID_EVENT"},
    {163, "MARIA_GTID_LIST_EVENT"}, {164, "MARIA_START_ENCRYPTION_EVENT"},
    {165, "MARIA_QUERY_COMPRESSED_EVENT"}, {166, "MARIA_WRITE_ROWS_COMPRESSED_EVENT"},
    {167, "MARIA_UPDATE_ROWS_COMPRESSED_EVENT"}, {168, "MARIA_DELETE_ROWS_COMPRESSED_EVENT"},
    {169, "MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1"}, {170, "MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1"},
    {171, "MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1"},
};

const char* find_type_name(uint8_t type) {
  for (const auto& t : kTypeNames)
    if (t.code == type) return t.name;
  return nullptr;
}

// "8.0.31-log" -> {8,0,31}; missing parts are 0.
std::array<int, 3> version_triple(std::string_view v) {
  std::array<int, 3> out{0, 0, 0};
  const char* p = v.data();
  const char* end = v.data() + v.size();
  for (int i = 0; i < 3 && p < end; ++i) {
    auto [next, ec] = std::from_chars(p, end, out[i]);
    if (ec != std::errc()) break;
    p = next;
    if (p < end && *p == '.') ++p;
    else break;
  }
  return out;
}

}  // namespace

std::string event_type_name(uint8_t type) {
  if (const char* n = find_type_name(type)) return std::string(n) + "(" + std::to_string(type) + ")";
  return "type " + std::to_string(type);
}

bool is_known_event_type(uint8_t type) { return find_type_name(type) != nullptr; }

EventHeader parse_header(ByteReader& r) {
  EventHeader h;
  h.timestamp = r.u32le("event timestamp");
  h.type = r.u8("event type");
  h.server_id = r.u32le("server_id");
  h.event_size = r.u32le("event_size");
  h.log_pos = r.u32le("log_pos");
  h.flags = r.u16le("event flags");
  return h;
}

uint8_t FormatDescription::post_header(uint8_t type) const {
  if (type == 0 || type > post_header_len.size()) return 0;
  return post_header_len[type - 1];
}

Flavor flavor_of(std::string_view server_version) {
  return server_version.find("MariaDB") != std::string_view::npos ? Flavor::mariadb : Flavor::mysql;
}

bool version_has_checksum_byte(std::string_view server_version, Flavor flavor) {
  auto v = version_triple(server_version);
  if (flavor == Flavor::mariadb) return v >= std::array<int, 3>{5, 3, 0};
  return v >= std::array<int, 3>{5, 6, 1};
}

uint32_t crc32_of(Bytes data) { return crc32_update(0, data.data(), data.size()); }

namespace {
void verify_crc(Bytes event, bool clear_in_use_flag) {
  ByteReader r(event);
  r.skip(event.size() - 4, "event body");
  uint32_t stored = r.u32le("CRC32 trailer");
  uint32_t actual;
  if (clear_in_use_flag) {
    // The server checksums the FDE before it sets the "file in use" flag, so checksum the pristine form.
    std::string copy(reinterpret_cast<const char*>(event.data()), event.size() - 4);
    copy[17] = static_cast<char>(copy[17] & ~LOG_EVENT_BINLOG_IN_USE_F);
    actual = crc32_of(Bytes(reinterpret_cast<const uint8_t*>(copy.data()), copy.size()));
  } else {
    actual = crc32_of(event.first(event.size() - 4));
  }
  if (stored != actual) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "CRC32 mismatch: stored %08x, computed %08x", stored, actual);
    throw DecodeError(buf);
  }
}
}  // namespace

RawEvent split_event(Bytes event, ChecksumAlg alg) {
  ByteReader r(event);
  RawEvent out;
  out.header = parse_header(r);
  out.whole = event;
  if (out.header.event_size != event.size())
    throw DecodeError("event_size " + std::to_string(out.header.event_size) + " disagrees with the " +
                      std::to_string(event.size()) + " bytes received");
  size_t body_len = event.size() - kHeaderLen;
  if (alg == ChecksumAlg::crc32) {
    if (body_len < 4) throw DecodeError("event too short for its CRC32 trailer");
    verify_crc(event, false);
    body_len -= 4;
  }
  out.body = event.subspan(kHeaderLen, body_len);
  return out;
}

FormatDescription parse_format_description(Bytes event) {
  ByteReader r(event);
  EventHeader h = parse_header(r);
  if (h.type != FORMAT_DESCRIPTION_EVENT) throw DecodeError("expected FORMAT_DESCRIPTION_EVENT, got " + event_type_name(h.type));
  if (h.event_size != event.size())
    throw DecodeError("FORMAT_DESCRIPTION event_size " + std::to_string(h.event_size) + " disagrees with " +
                      std::to_string(event.size()) + " bytes");
  FormatDescription f;
  f.binlog_version = r.u16le("binlog_version");
  if (f.binlog_version != 4) throw DecodeError("unsupported binlog format version " + std::to_string(f.binlog_version));
  auto ver = r.str(50, "server_version");
  f.server_version.assign(ver.substr(0, ver.find('\0')));
  f.flavor = flavor_of(f.server_version);
  f.create_timestamp = r.u32le("create_timestamp");
  f.common_header_len = r.u8("common_header_len");
  if (f.common_header_len != kHeaderLen)
    throw DecodeError("unsupported common header length " + std::to_string(f.common_header_len));
  size_t tail = 0;
  if (version_has_checksum_byte(f.server_version, f.flavor)) {
    if (r.remaining() < 5) r.fail("FDE checksum algorithm", "event too short");
    tail = 5;  // algorithm byte + CRC32 (present even when the algorithm is OFF)
  }
  auto lens = r.bytes(r.remaining() - tail, "post_header_len");
  f.post_header_len.assign(lens.begin(), lens.end());
  if (tail) {
    uint8_t alg = r.u8("checksum_alg");
    if (alg != 0 && alg != 1 && alg != 255) throw DecodeError("unknown checksum algorithm " + std::to_string(alg));
    f.checksum = static_cast<ChecksumAlg>(alg);
    if (f.checksum == ChecksumAlg::crc32) verify_crc(event, h.flags & LOG_EVENT_BINLOG_IN_USE_F);
  }
  return f;
}

RotateEvent parse_rotate(Bytes body, const FormatDescription& fde) {
  ByteReader r(body);
  RotateEvent e;
  uint8_t ph = fde.post_header(ROTATE_EVENT);
  e.position = r.u64le("rotate position");
  if (ph > 8) r.skip(ph - 8, "rotate post-header");
  e.next_file.assign(r.str(r.remaining(), "rotate file name"));
  if (e.next_file.empty()) throw DecodeError("ROTATE_EVENT without a file name");
  return e;
}

namespace {
// Everything of a QUERY_EVENT but the statement text, which the plain and the compressed event store differently.
QueryEvent parse_query_head(ByteReader& r, const FormatDescription& fde) {
  QueryEvent q;
  q.thread_id = r.u32le("query thread_id");
  q.exec_time = r.u32le("query exec_time");
  size_t db_len = r.u8("query db_len");
  q.error_code = r.u16le("query error_code");
  uint16_t status_len = r.u16le("query status_vars_len");
  uint8_t ph = fde.post_header(QUERY_EVENT);
  if (ph > 13) r.skip(ph - 13, "query post-header");
  r.skip(status_len, "query status vars");
  q.db.assign(r.str(db_len, "query db"));
  r.skip(1, "query db NUL");
  return q;
}
}  // namespace

QueryEvent parse_query(Bytes body, const FormatDescription& fde) {
  ByteReader r(body);
  QueryEvent q = parse_query_head(r, fde);
  q.query.assign(r.str(r.remaining(), "query text"));
  return q;
}

QueryEvent parse_query_compressed(Bytes body, const FormatDescription& fde) {
  ByteReader r(body);
  QueryEvent q = parse_query_head(r, fde);
  q.query = maria_uncompress(r, "compressed query");
  return q;
}

QueryKind classify_query(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(')) ++i;
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) && word.size() < 16)
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++]))));
  if (word == "BEGIN") return QueryKind::begin;
  if (word == "COMMIT") return QueryKind::commit;
  if (word == "ROLLBACK") return sql.find("SAVEPOINT") != std::string_view::npos ? QueryKind::savepoint : QueryKind::rollback;
  if (word == "SAVEPOINT" || word == "RELEASE") return QueryKind::savepoint;
  if (word == "XA") return QueryKind::xa;
  if (word == "INSERT" || word == "UPDATE" || word == "DELETE" || word == "REPLACE" || word == "SET" ||
      word == "SELECT" || word == "LOAD" || word == "DO" || word == "CALL")
    return QueryKind::other_dml;
  return QueryKind::ddl;
}

XidEvent parse_xid(Bytes body) {
  ByteReader r(body);
  return XidEvent{r.u64le("xid")};
}

std::string parse_rows_query(Bytes body) {
  ByteReader r(body);
  r.skip(1, "rows_query length byte");  // a truncated length; the text runs to the end of the event
  return std::string(r.str(r.remaining(), "rows_query text"));
}

std::string parse_annotate_rows(Bytes body) { return std::string(ByteReader(body).str(body.size(), "annotate text")); }

std::string parse_binlog_checkpoint(Bytes body) {
  ByteReader r(body);
  uint32_t n = r.u32le("checkpoint name length");
  return std::string(r.str(n, "checkpoint file name"));
}

std::string parse_heartbeat(Bytes body, uint8_t type) {
  ByteReader r(body);
  if (type == HEARTBEAT_LOG_EVENT) return std::string(r.str(r.remaining(), "heartbeat file name"));
  // v2: TLV fields (type, length, value) as length-encoded integers; 1 = file name, 2 = position.
  std::string name;
  while (!r.empty()) {
    uint64_t field = r.lenenc("heartbeat field type");
    uint64_t len = r.lenenc("heartbeat field length");
    if (len > r.remaining()) r.fail("heartbeat field", "length exceeds the event");
    auto v = r.str(static_cast<size_t>(len), "heartbeat field value");
    if (field == 1) name.assign(v);
  }
  return name;
}

IncidentEvent parse_incident(Bytes body) {
  ByteReader r(body);
  IncidentEvent e;
  e.incident = r.u16le("incident type");
  if (!r.empty()) {
    uint8_t n = r.u8("incident message length");
    e.message.assign(r.str(n, "incident message"));
  }
  return e;
}

}  // namespace cdc::mysql
