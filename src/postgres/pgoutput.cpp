#include "postgres/pgoutput.h"

#include <charconv>
#include <cstdio>

namespace cdc::pg {
namespace {

Lsn read_lsn(ByteReader& r, const char* what) { return r.u64be(what); }
PgTimestamp read_time(ByteReader& r, const char* what) { return static_cast<int64_t>(r.u64be(what)); }
std::string read_string(ByteReader& r, const char* what) { return std::string(r.cstring(what)); }

// Data messages inside a streamed transaction start with the top-level xid (protocol v2).
std::optional<Xid> read_stream_xid(ByteReader& r, const DecodeOptions& o) {
  if (!o.in_stream) return std::nullopt;
  return r.u32be("streamed xid");
}

// TupleData: Int16 column count, then per column Byte1 kind ('n' null, 'u' unchanged TOAST, 't' text,
// 'b' binary) and, for 't'/'b', Int32 length + bytes.
TupleData read_tuple(ByteReader& r) {
  TupleData t;
  uint16_t n = r.u16be("tuple column count");
  t.columns.resize(n);
  for (auto& c : t.columns) {
    uint8_t kind = r.u8("tuple column kind");
    switch (kind) {
      case 'n':
        c.kind = ColumnKind::null;
        break;
      case 'u':
        c.kind = ColumnKind::unchanged_toast;
        break;
      case 't':
      case 'b': {
        c.kind = kind == 't' ? ColumnKind::text : ColumnKind::binary;
        uint32_t len = r.u32be("tuple value length");
        c.data = r.str(len, "tuple value");
        break;
      }
      default:
        r.fail("tuple column kind", "unknown kind byte " + std::to_string(kind));
    }
  }
  return t;
}

// Reads a tuple introduced by the expected marker byte ('N', 'K' or 'O').
TupleData read_marked_tuple(ByteReader& r, char expected) {
  uint8_t marker = r.u8("tuple marker");
  if (marker != static_cast<uint8_t>(expected))
    r.fail("tuple marker", std::string("expected '") + expected + "', got byte " + std::to_string(marker));
  return read_tuple(r);
}

Begin read_begin(ByteReader& r) {
  Begin m;
  m.final_lsn = read_lsn(r, "Begin final LSN");
  m.commit_time = read_time(r, "Begin commit time");
  m.xid = r.u32be("Begin xid");
  return m;
}

Commit read_commit(ByteReader& r) {
  Commit m;
  m.flags = r.u8("Commit flags");
  m.commit_lsn = read_lsn(r, "Commit LSN");
  m.end_lsn = read_lsn(r, "Commit end LSN");
  m.commit_time = read_time(r, "Commit time");
  return m;
}

Origin read_origin(ByteReader& r) {
  Origin m;
  m.commit_lsn = read_lsn(r, "Origin commit LSN");
  m.name = read_string(r, "Origin name");
  return m;
}

Relation read_relation(ByteReader& r, const DecodeOptions& o) {
  Relation m;
  m.xid = read_stream_xid(r, o);
  m.oid = r.u32be("Relation oid");
  m.ns = read_string(r, "Relation namespace");
  m.name = read_string(r, "Relation name");
  uint8_t ident = r.u8("Relation replica identity");
  if (ident != 'd' && ident != 'n' && ident != 'f' && ident != 'i')
    r.fail("Relation replica identity", "unknown setting byte " + std::to_string(ident));
  m.replica_identity = static_cast<ReplicaIdentity>(ident);
  uint16_t n = r.u16be("Relation column count");
  m.columns.resize(n);
  for (auto& c : m.columns) {
    c.key = (r.u8("Relation column flags") & 1) != 0;
    c.name = read_string(r, "Relation column name");
    c.type_oid = r.u32be("Relation column type");
    c.typmod = static_cast<int32_t>(r.u32be("Relation column typmod"));
  }
  return m;
}

Type read_type(ByteReader& r, const DecodeOptions& o) {
  Type m;
  m.xid = read_stream_xid(r, o);
  m.oid = r.u32be("Type oid");
  m.ns = read_string(r, "Type namespace");
  m.name = read_string(r, "Type name");
  return m;
}

Insert read_insert(ByteReader& r, const DecodeOptions& o) {
  Insert m;
  m.xid = read_stream_xid(r, o);
  m.relation = r.u32be("Insert relation");
  m.new_tuple = read_marked_tuple(r, 'N');
  return m;
}

Update read_update(ByteReader& r, const DecodeOptions& o) {
  Update m;
  m.xid = read_stream_xid(r, o);
  m.relation = r.u32be("Update relation");
  uint8_t marker = r.u8("Update tuple marker");
  if (marker == 'K' || marker == 'O') {
    m.old_kind = static_cast<OldKind>(marker);
    m.old_tuple = read_tuple(r);
    marker = r.u8("Update new tuple marker");
  }
  if (marker != 'N') r.fail("Update tuple marker", "expected 'K', 'O' or 'N', got byte " + std::to_string(marker));
  m.new_tuple = read_tuple(r);
  return m;
}

Delete read_delete(ByteReader& r, const DecodeOptions& o) {
  Delete m;
  m.xid = read_stream_xid(r, o);
  m.relation = r.u32be("Delete relation");
  uint8_t marker = r.u8("Delete tuple marker");
  if (marker != 'K' && marker != 'O')
    r.fail("Delete tuple marker", "expected 'K' or 'O', got byte " + std::to_string(marker));
  m.old_kind = static_cast<OldKind>(marker);
  m.old_tuple = read_tuple(r);
  return m;
}

Truncate read_truncate(ByteReader& r, const DecodeOptions& o) {
  Truncate m;
  m.xid = read_stream_xid(r, o);
  uint32_t n = r.u32be("Truncate relation count");
  m.options = r.u8("Truncate options");
  // Each oid takes 4 bytes: reject an absurd count before reserving memory for it.
  if (n > r.remaining() / 4) r.fail("Truncate relations", std::to_string(n) + " relations do not fit");
  m.relations.resize(n);
  for (auto& oid : m.relations) oid = r.u32be("Truncate relation");
  return m;
}

LogicalMessage read_logical_message(ByteReader& r, const DecodeOptions& o) {
  LogicalMessage m;
  m.xid = read_stream_xid(r, o);
  m.transactional = (r.u8("Message flags") & 1) != 0;
  m.lsn = read_lsn(r, "Message LSN");
  m.prefix = read_string(r, "Message prefix");
  uint32_t len = r.u32be("Message content length");
  m.content = r.str(len, "Message content");
  return m;
}

StreamStart read_stream_start(ByteReader& r) {
  StreamStart m;
  m.xid = r.u32be("Stream Start xid");
  m.first_segment = r.u8("Stream Start first-segment flag") == 1;
  return m;
}

StreamCommit read_stream_commit(ByteReader& r) {
  StreamCommit m;
  m.xid = r.u32be("Stream Commit xid");
  m.flags = r.u8("Stream Commit flags");
  m.commit_lsn = read_lsn(r, "Stream Commit LSN");
  m.end_lsn = read_lsn(r, "Stream Commit end LSN");
  m.commit_time = read_time(r, "Stream Commit time");
  return m;
}

StreamAbort read_stream_abort(ByteReader& r, const DecodeOptions& o) {
  StreamAbort m;
  m.xid = r.u32be("Stream Abort xid");
  m.subxact_xid = r.u32be("Stream Abort subtransaction xid");
  // PostgreSQL 16 appends these only for parallel streaming, which needs protocol v4.
  if (o.proto_version >= 4) {
    m.abort_lsn = read_lsn(r, "Stream Abort LSN");
    m.abort_time = read_time(r, "Stream Abort time");
  }
  return m;
}

Message read_body(uint8_t type, ByteReader& r, const DecodeOptions& o) {
  switch (type) {
    case 'B': return read_begin(r);
    case 'C': return read_commit(r);
    case 'O': return read_origin(r);
    case 'R': return read_relation(r, o);
    case 'Y': return read_type(r, o);
    case 'I': return read_insert(r, o);
    case 'U': return read_update(r, o);
    case 'D': return read_delete(r, o);
    case 'T': return read_truncate(r, o);
    case 'M': return read_logical_message(r, o);
    case 'S': return read_stream_start(r);
    case 'E': return StreamStop{};
    case 'c': return read_stream_commit(r);
    case 'A': return read_stream_abort(r, o);
    default:
      r.fail("message type", "unknown pgoutput message type byte " + std::to_string(type));
  }
}

}  // namespace

std::string format_lsn(Lsn lsn) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32), static_cast<unsigned>(lsn & 0xffffffffu));
  return buf;
}

std::optional<Lsn> parse_lsn(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  uint32_t hi = 0, lo = 0;
  auto h = std::from_chars(text.data(), text.data() + slash, hi, 16);
  auto l = std::from_chars(text.data() + slash + 1, text.data() + text.size(), lo, 16);
  if (h.ec != std::errc{} || h.ptr != text.data() + slash || l.ec != std::errc{} || l.ptr != text.data() + text.size())
    return std::nullopt;
  return (Lsn{hi} << 32) | lo;
}

Message decode_message(std::span<const uint8_t> payload, const DecodeOptions& opts) {
  ByteReader r(payload);
  uint8_t type = r.u8("message type");
  Message m = read_body(type, r, opts);
  if (!r.empty()) r.fail("message end", std::to_string(r.remaining()) + " unexpected trailing bytes");
  return m;
}

std::string_view message_name(const Message& m) {
  static constexpr std::string_view kNames[] = {"Begin",   "Commit", "Origin",  "Relation",    "Type",
                                                "Insert",  "Update", "Delete",  "Truncate",    "Message",
                                                "Stream Start", "Stream Stop", "Stream Commit", "Stream Abort"};
  static_assert(std::size(kNames) == std::variant_size_v<Message>);
  return kNames[m.index()];
}

ServerMessage decode_server_message(std::span<const uint8_t> copy_data) {
  ByteReader r(copy_data);
  uint8_t type = r.u8("CopyData type");
  if (type == 'w') {
    XLogData x;
    x.wal_start = read_lsn(r, "XLogData start");
    x.wal_end = read_lsn(r, "XLogData end");
    x.send_time = read_time(r, "XLogData send time");
    x.data = r.rest();
    return x;
  }
  if (type == 'k') {
    PrimaryKeepalive k;
    k.wal_end = read_lsn(r, "keepalive WAL end");
    k.send_time = read_time(r, "keepalive send time");
    k.reply_requested = r.u8("keepalive reply flag") == 1;
    if (!r.empty()) r.fail("keepalive end", std::to_string(r.remaining()) + " unexpected trailing bytes");
    return k;
  }
  r.fail("CopyData type", "unknown replication message type byte " + std::to_string(type));
}

std::string encode_standby_status(const StandbyStatusUpdate& s) {
  std::string out;
  out.reserve(34);
  auto put64 = [&out](uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
  };
  out.push_back('r');
  put64(s.write);
  put64(s.flush);
  put64(s.apply);
  put64(static_cast<uint64_t>(s.client_time));
  out.push_back(s.reply_requested ? 1 : 0);
  return out;
}

}  // namespace cdc::pg
