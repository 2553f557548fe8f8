// pgoutput and walsender message decoding: one struct per message, one decode per struct, no I/O.
// Formats: PostgreSQL 15/16 docs, "Logical Replication Message Formats" (protocol-logicalrep-message-formats)
// and "Streaming Replication Protocol" (protocol-replication: XLogData, keepalive, standby status update).
// All integers on the wire are big-endian. Decoded tuples hold views into the caller's buffer: keep the
// buffer alive while the message is used. Malformed input throws cdc::DecodeError (the caller adds the LSN).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/byte_reader.h"

namespace cdc::pg {

using Lsn = uint64_t;
using Xid = uint32_t;
using Oid = uint32_t;

// Microseconds since the PostgreSQL epoch (2000-01-01 00:00:00 UTC), as TimestampTz travels on the wire.
using PgTimestamp = int64_t;
inline constexpr int64_t kPgEpochUnixMicros = 946'684'800'000'000;
inline int64_t pg_to_unix_micros(PgTimestamp t) { return t + kPgEpochUnixMicros; }
inline PgTimestamp unix_to_pg_micros(int64_t t) { return t - kPgEpochUnixMicros; }

// "16/B374D848": PostgreSQL's textual LSN form, for logs and errors.
std::string format_lsn(Lsn lsn);
// Parses "X/Y" (hex halves); nullopt when malformed.
std::optional<Lsn> parse_lsn(std::string_view text);

// ---- pgoutput messages (the payload of an XLogData) ----

// 'B'. Starts a non-streamed transaction; its changes follow until Commit.
struct Begin {
  Lsn final_lsn = 0;  // LSN of the commit record
  PgTimestamp commit_time = 0;
  Xid xid = 0;
};

// 'C'.
struct Commit {
  uint8_t flags = 0;  // unused, 0
  Lsn commit_lsn = 0;
  Lsn end_lsn = 0;  // end of the commit record: the position to report as flushed
  PgTimestamp commit_time = 0;
};

// 'O'. The transaction was replicated from another origin (sent after Begin).
struct Origin {
  Lsn commit_lsn = 0;  // on the origin server
  std::string name;
};

struct RelationColumn {
  bool key = false;  // flag 1: part of the replica identity (every column under REPLICA IDENTITY FULL)
  std::string name;
  Oid type_oid = 0;
  int32_t typmod = -1;
};

enum class ReplicaIdentity : char { default_ = 'd', nothing = 'n', full = 'f', index = 'i' };

// 'R'. Sent before the first change of a relation in a session and after its definition changes.
struct Relation {
  std::optional<Xid> xid;  // only inside a streamed transaction (protocol v2)
  Oid oid = 0;
  std::string ns;  // namespace; empty for pg_catalog
  std::string name;
  ReplicaIdentity replica_identity = ReplicaIdentity::default_;
  std::vector<RelationColumn> columns;
};

// 'Y'. Name of a non-built-in type used by a following Relation.
struct Type {
  std::optional<Xid> xid;
  Oid oid = 0;
  std::string ns;
  std::string name;
};

enum class ColumnKind : char { null = 'n', unchanged_toast = 'u', text = 't', binary = 'b' };

struct TupleColumn {
  ColumnKind kind = ColumnKind::null;
  std::string_view data;  // text or binary value; empty for null / unchanged TOAST
};

struct TupleData {
  std::vector<TupleColumn> columns;
};

// 'I'.
struct Insert {
  std::optional<Xid> xid;
  Oid relation = 0;
  TupleData new_tuple;
};

// Which old image an Update/Delete carries.
enum class OldKind : char { none = 0, key = 'K', full = 'O' };

// 'U'. old_tuple is present with 'K' (the replica-identity key changed; other columns null) or 'O'
// (REPLICA IDENTITY FULL: the whole old row).
struct Update {
  std::optional<Xid> xid;
  Oid relation = 0;
  OldKind old_kind = OldKind::none;
  std::optional<TupleData> old_tuple;
  TupleData new_tuple;
};

// 'D'. old_kind is 'K' or 'O'.
struct Delete {
  std::optional<Xid> xid;
  Oid relation = 0;
  OldKind old_kind = OldKind::key;
  TupleData old_tuple;
};

// 'T'.
struct Truncate {
  static constexpr uint8_t kCascade = 1;
  static constexpr uint8_t kRestartIdentity = 2;
  std::optional<Xid> xid;
  uint8_t options = 0;
  std::vector<Oid> relations;
  bool cascade() const { return options & kCascade; }
  bool restart_identity() const { return options & kRestartIdentity; }
};

// 'M'. From pg_logical_emit_message().
struct LogicalMessage {
  std::optional<Xid> xid;
  bool transactional = false;
  Lsn lsn = 0;
  std::string prefix;
  std::string_view content;
};

// Protocol v2 streaming of large in-progress transactions.
struct StreamStart {  // 'S'
  Xid xid = 0;
  bool first_segment = false;
};
struct StreamStop {};  // 'E'
struct StreamCommit {  // 'c'
  Xid xid = 0;
  uint8_t flags = 0;
  Lsn commit_lsn = 0;
  Lsn end_lsn = 0;
  PgTimestamp commit_time = 0;
};
struct StreamAbort {  // 'A'
  Xid xid = 0;
  Xid subxact_xid = 0;  // == xid when the whole transaction aborted
  // Protocol v4 (PostgreSQL 16, streaming = parallel) only.
  std::optional<Lsn> abort_lsn;
  std::optional<PgTimestamp> abort_time;
};

using Message = std::variant<Begin, Commit, Origin, Relation, Type, Insert, Update, Delete, Truncate, LogicalMessage,
                             StreamStart, StreamStop, StreamCommit, StreamAbort>;

struct DecodeOptions {
  // Inside Stream Start .. Stream Stop the data messages carry the top-level xid first (protocol v2).
  bool in_stream = false;
  // Negotiated proto_version; 4 adds abort LSN/time to Stream Abort.
  int proto_version = 1;
};

// Decodes one pgoutput message. Throws DecodeError for an unknown message type, a bad tuple column
// kind, a short buffer or trailing bytes.
Message decode_message(std::span<const uint8_t> payload, const DecodeOptions& opts = {});

// The message type byte as a readable name ("Begin", …), for errors and logs.
std::string_view message_name(const Message& m);

// ---- walsender CopyData framing (Streaming Replication Protocol) ----

// 'w'. One pgoutput message.
struct XLogData {
  Lsn wal_start = 0;  // LSN of the message's WAL position
  Lsn wal_end = 0;    // current end of WAL on the server
  PgTimestamp send_time = 0;
  std::span<const uint8_t> data;
};

// 'k'.
struct PrimaryKeepalive {
  Lsn wal_end = 0;
  PgTimestamp send_time = 0;
  bool reply_requested = false;
};

using ServerMessage = std::variant<XLogData, PrimaryKeepalive>;

// Decodes one CopyData payload received in COPY BOTH mode.
ServerMessage decode_server_message(std::span<const uint8_t> copy_data);

// 'r'. What the client tells the walsender; flush is what the slot's confirmed_flush_lsn advances to.
struct StandbyStatusUpdate {
  Lsn write = 0;
  Lsn flush = 0;
  Lsn apply = 0;
  PgTimestamp client_time = 0;
  bool reply_requested = false;
};

// The 34-byte CopyData payload for a standby status update.
std::string encode_standby_status(const StandbyStatusUpdate& s);

}  // namespace cdc::pg
