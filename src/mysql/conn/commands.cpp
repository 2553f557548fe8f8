#include "mysql/conn/commands.h"

#include <mysqld_error.h>
#include <errmsg.h>

#include <vector>

#include "util/hex.h"
#include "util/parse_number.h"

namespace cdc::mysql {
namespace {

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

[[noreturn]] void bad_gtid(std::string_view set, std::string_view part, std::string_view why) {
  throw Error(ExitCode::config, "invalid MySQL GTID set \"" + std::string(set) + "\" at \"" + std::string(part) +
                                    "\": " + std::string(why));
}

// "3E11FA47-71CA-11E1-9E33-C80AA9429562" -> 16 bytes.
std::string parse_uuid(std::string_view set, std::string_view text) {
  std::string out;
  int hi = -1;
  for (char c : text) {
    if (c == '-') continue;
    const int v = static_cast<int>(hex_digit_value(c));
    if (v > 15) bad_gtid(set, text, "not a server UUID");
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi << 4 | v));
      hi = -1;
    }
  }
  if (out.size() != 16 || hi >= 0) bad_gtid(set, text, "a server UUID has 32 hex digits");
  return out;
}

uint64_t parse_number(std::string_view set, std::string_view text) {
  uint64_t v = 0;
  if (!cdc::parse_number(text, v)) {
    bad_gtid(set, text, text.find_first_of("abcdefghijklmnopqrstuvwxyz_") != std::string_view::npos
                            ? "tagged GTIDs (MySQL 8.3+) are not supported"
                            : "expected a transaction number or range N-M");
  }
  return v;
}

// Gtid_set::encode(): n_sids, then per SID: uuid, n_intervals, [start, end) pairs; all little-endian.
std::string encode_gtid_set(std::string_view set) {
  std::string sids;
  uint64_t n_sids = 0;
  std::string compact;
  for (char c : set)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact.push_back(c);
  if (!compact.empty()) {
    for (std::string_view sid_text : split(compact, ',')) {
      auto parts = split(sid_text, ':');
      if (parts.size() < 2) bad_gtid(set, sid_text, "expected uuid:interval[:interval...]");
      sids += parse_uuid(set, parts[0]);
      put_le(sids, parts.size() - 1, 8);
      for (size_t i = 1; i < parts.size(); ++i) {
        size_t dash = parts[i].find('-');
        uint64_t first = parse_number(set, parts[i].substr(0, dash));
        uint64_t last = dash == std::string_view::npos ? first : parse_number(set, parts[i].substr(dash + 1));
        if (first == 0 || last < first) bad_gtid(set, parts[i], "an interval is N-M with 1 <= N <= M");
        put_le(sids, first, 8);
        put_le(sids, last + 1, 8);  // the encoding stores the end exclusive
      }
      ++n_sids;
    }
  }
  std::string out;
  put_le(out, n_sids, 8);
  return out + sids;
}

// Retrying would only drop the other stream in turn: the two would take turns forever.
constexpr const char* kSameServerIdFix =
    ". Another replica connected with the same server_id, so the server dropped this one: give every replica and "
    "every cdc-agent its own source.mysql.server_id (another replica uses this one).";

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

}  // namespace

std::string encode_register_replica(uint32_t server_id, std::string_view report_host, uint16_t report_port) {
  std::string out;
  put_le(out, server_id, 4);
  report_host = report_host.substr(0, 255);
  out.push_back(static_cast<char>(report_host.size()));
  out += report_host;
  out.push_back(0);  // user: not reported
  out.push_back(0);  // password: never reported
  put_le(out, report_port, 2);
  put_le(out, 0, 4);  // replication rank, unused
  put_le(out, 0, 4);  // master id, filled in by the server
  return out;
}

std::string encode_binlog_dump(uint32_t server_id, std::string_view file, uint32_t pos, uint16_t flags) {
  std::string out;
  put_le(out, pos, 4);
  put_le(out, flags, 2);
  put_le(out, server_id, 4);
  out += file;  // runs to the end of the packet, no terminator
  return out;
}

std::string encode_binlog_dump_gtid(uint32_t server_id, std::string_view gtid_set, uint16_t flags) {
  std::string data = encode_gtid_set(gtid_set);
  std::string out;
  put_le(out, flags | kDumpThroughGtid, 2);
  put_le(out, server_id, 4);
  put_le(out, 0, 4);  // file name length: empty, the server finds the file from the GTID set
  put_le(out, 4, 8);  // position: the first event after the magic bytes
  put_le(out, data.size(), 4);
  return out + data;
}

void throw_mysql_error(unsigned code, std::string_view message, std::string_view during) {
  std::string head = std::string(during) + ": " + std::string(message) + " (MySQL error " + std::to_string(code) + ")";
  switch (code) {
    case ER_SLAVE_SAME_ID:  // MariaDB 10.7+: the older of two dumps with one server_id is ended
      throw Error(ExitCode::source_unusable, head + kSameServerIdFix);
    case ER_MASTER_FATAL_ERROR_READING_BINLOG:
      if (contains(message, "same server_uuid") || contains(message, "same server_id")) {
        throw Error(ExitCode::source_unusable, head + kSameServerIdFix);
      }
      throw Error(ExitCode::source_unusable,
                  head + ". The position is no longer on the server (binlog purged, or not a valid position): "
                         "restore the missing binlog file on the server, or delete the offset file in state.dir "
                         "to take a new snapshot.");
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
    case ER_NOT_SUPPORTED_AUTH_MODE:
    case CR_AUTH_PLUGIN_CANNOT_LOAD:
      throw Error(ExitCode::auth, head + ". Check source.user and source.password, and that the user has "
                                         "REPLICATION SLAVE, REPLICATION CLIENT and SELECT.");
    case CR_SSL_CONNECTION_ERROR:
      throw Error(ExitCode::config, head + ". Check source.tls (mode, ca, cert, key) against the server's TLS setup.");
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CON_COUNT_ERROR:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
      throw TransientError(head);
    default:
      throw Error(ExitCode::internal, head);
  }
}

}  // namespace cdc::mysql
