// GTID-related events of both flavours.
// MySQL: Gtid_event / Previous_gtids_event in libs/mysql/binlog/event/control_events.{h,cpp}; the tagged
// forms (8.4+) use the MySQL serialization library (libs/mysql/serialization): varlen integers whose
// first byte's trailing one-bits count the extra bytes.
// MariaDB: Gtid_log_event / Gtid_list_log_event in sql/log_event.h.
#include <cstdio>

#include "mysql/binlog_event.h"

namespace cdc::mysql {
namespace {

constexpr uint8_t kLogicalTimestampTypecode = 2;

// MySQL serialization library unsigned varlen: count = trailing ones of byte 0 + 1 (0xff: 9 bytes).
uint64_t varlen_u(ByteReader& r, const char* what) {
  auto rest = r.rest();
  if (rest.empty()) r.fail(what, "need a varlen integer, no bytes left");
  uint8_t first = rest[0];
  size_t ones = 0;
  while (ones < 8 && (first >> ones) & 1) ++ones;
  if (ones == 8) {
    r.skip(1, what);
    return r.u64le(what);
  }
  size_t n = ones + 1;
  uint64_t v = r.uintle(n, what);
  return v >> n;
}

int64_t varlen_s(ByteReader& r, const char* what) {
  uint64_t u = varlen_u(r, what);  // zig-zag: LSB is the sign
  return (u & 1) ? -static_cast<int64_t>(u >> 1) - 1 : static_cast<int64_t>(u >> 1);
}

void read_tagged_gtid(ByteReader& outer, GtidEvent& g) {
  uint8_t version = outer.u8("tagged GTID serialization version");
  (void)version;  // version 2 and later share the envelope; unknown fields are told apart by id below
  size_t start = outer.offset() - 1;
  uint64_t payload_size = varlen_u(outer, "tagged GTID payload size");
  uint64_t last_non_ignorable = varlen_u(outer, "tagged GTID last non-ignorable field");
  size_t consumed = outer.offset() - start;
  if (payload_size < consumed || payload_size - consumed > outer.remaining())
    outer.fail("tagged GTID payload", "payload size " + std::to_string(payload_size) + " does not fit the event");
  ByteReader r = outer.sub(static_cast<size_t>(payload_size - consumed), "tagged GTID fields");
  while (!r.empty()) {
    uint64_t id = varlen_u(r, "tagged GTID field id");
    switch (id) {
      case 0: g.flags = static_cast<uint8_t>(varlen_u(r, "gtid_flags")); break;
      case 1:
        for (auto& b : g.sid) b = static_cast<uint8_t>(varlen_u(r, "gtid uuid byte"));
        break;
      case 2: g.gno = varlen_s(r, "gno"); break;
      case 3: {
        uint64_t n = varlen_u(r, "gtid tag length");
        if (n > r.remaining()) r.fail("gtid tag", "length exceeds the event");
        g.tag.assign(r.str(static_cast<size_t>(n), "gtid tag"));
        break;
      }
      case 4: g.last_committed = varlen_s(r, "last_committed"); break;
      case 5: g.sequence_number = varlen_s(r, "sequence_number"); break;
      case 6: g.immediate_commit_ts_us = varlen_u(r, "immediate_commit_timestamp"); break;
      case 7: g.original_commit_ts_us = varlen_u(r, "original_commit_timestamp"); break;
      case 8: g.transaction_length = varlen_u(r, "transaction_length"); break;
      case 9: case 10: case 11: varlen_u(r, "server version / commit ticket"); break;
      default:
        // Fields after the last non-ignorable one may be skipped by old readers; we cannot size them, so stop.
        if (id <= last_non_ignorable)
          r.fail("tagged GTID field", "unknown non-ignorable field id " + std::to_string(id));
        return;
    }
  }
}

void render_intervals(std::string& out, ByteReader& r) {
  uint64_t n = r.u64le("gtid interval count");
  if (n > r.remaining() / 16) r.fail("gtid intervals", "count " + std::to_string(n) + " exceeds the event");
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t start = r.u64le("interval start");
    uint64_t end = r.u64le("interval end");  // exclusive
    if (end <= start) r.fail("gtid interval", "empty or inverted interval");
    out += ':' + std::to_string(start);
    if (end - 1 != start) out += '-' + std::to_string(end - 1);
  }
}

}  // namespace

std::string uuid_text(const uint8_t sid[16]) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", sid[0],
                sid[1], sid[2], sid[3], sid[4], sid[5], sid[6], sid[7], sid[8], sid[9], sid[10], sid[11], sid[12],
                sid[13], sid[14], sid[15]);
  return buf;
}

std::string GtidEvent::text() const {
  if (anonymous) return {};
  std::string s = uuid_text(sid);
  if (!tag.empty()) s += ':' + tag;
  return s + ':' + std::to_string(gno);
}

GtidEvent parse_gtid(Bytes body, uint8_t type) {
  ByteReader r(body);
  GtidEvent g;
  g.anonymous = type == ANONYMOUS_GTID_LOG_EVENT;
  if (type == GTID_TAGGED_LOG_EVENT) {
    read_tagged_gtid(r, g);
    return g;
  }
  g.flags = r.u8("gtid flags");
  auto sid = r.bytes(16, "gtid uuid");
  std::copy(sid.begin(), sid.end(), g.sid);
  g.gno = static_cast<int64_t>(r.u64le("gno"));
  if (r.empty()) return g;  // MySQL 5.6
  if (r.u8("logical timestamp typecode") != kLogicalTimestampTypecode) return g;
  g.last_committed = static_cast<int64_t>(r.u64le("last_committed"));
  g.sequence_number = static_cast<int64_t>(r.u64le("sequence_number"));
  if (r.remaining() < 7) return g;  // before 8.0.1
  g.immediate_commit_ts_us = r.uintle(7, "immediate_commit_timestamp");
  // The top bit of the 56-bit field says an original timestamp (from another server) follows.
  if (g.immediate_commit_ts_us & (uint64_t{1} << 55)) {
    g.immediate_commit_ts_us &= ~(uint64_t{1} << 55);
    g.original_commit_ts_us = r.uintle(7, "original_commit_timestamp");
  } else {
    g.original_commit_ts_us = g.immediate_commit_ts_us;
  }
  if (!r.empty()) g.transaction_length = r.lenenc("transaction_length");
  return g;  // server versions and the commit ticket that may follow are not needed
}

std::string parse_previous_gtids(Bytes body) {
  ByteReader r(body);
  uint64_t head = r.u64le("previous gtids header");
  bool tagged = (head >> 56) != 0;
  uint64_t n = tagged ? (head >> 8) & ((uint64_t{1} << 48) - 1) : head;
  if (n > r.remaining() / 16) r.fail("previous gtids", "sid count " + std::to_string(n) + " exceeds the event");
  std::string out, last_uuid;
  for (uint64_t i = 0; i < n; ++i) {
    uint8_t sid[16];
    auto b = r.bytes(16, "previous gtids uuid");
    std::copy(b.begin(), b.end(), sid);
    std::string uuid = uuid_text(sid);
    std::string tag;
    if (tagged) {
      uint64_t len = varlen_u(r, "gtid tag length");
      if (len > r.remaining()) r.fail("gtid tag", "length exceeds the event");
      tag.assign(r.str(static_cast<size_t>(len), "gtid tag"));
    }
    if (uuid != last_uuid) {  // MySQL groups the tags of one uuid: "uuid:1-5:tag:1-2"
      if (!out.empty()) out += ',';
      out += uuid;
      last_uuid = uuid;
    }
    if (!tag.empty()) out += ':' + tag;
    render_intervals(out, r);
  }
  return out;
}

std::string MariaGtidEvent::text(uint32_t server_id) const {
  return std::to_string(domain_id) + '-' + std::to_string(server_id) + '-' + std::to_string(seq_no);
}

MariaGtidEvent parse_maria_gtid(Bytes body) {
  ByteReader r(body);
  MariaGtidEvent g;
  g.seq_no = r.u64le("mariadb gtid seq_no");
  g.domain_id = r.u32le("mariadb gtid domain_id");
  g.flags = r.u8("mariadb gtid flags2");
  return g;  // commit_id / XA xid that may follow are not needed
}

std::vector<MariaGtid> parse_maria_gtid_list(Bytes body) {
  ByteReader r(body);
  uint32_t n = r.u32le("gtid list count") & 0x0fffffff;  // top 4 bits are flags
  if (n > r.remaining() / 16) r.fail("gtid list", "count " + std::to_string(n) + " exceeds the event");
  std::vector<MariaGtid> out(n);
  for (auto& g : out) {
    g.domain_id = r.u32le("gtid list domain");
    g.server_id = r.u32le("gtid list server");
    g.seq_no = r.u64le("gtid list seq_no");
  }
  return out;
}

}  // namespace cdc::mysql
