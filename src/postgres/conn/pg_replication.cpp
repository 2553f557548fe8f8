#include "postgres/conn/pg_replication.h"

#include <poll.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace cdc::pg {
namespace {

using Clock = std::chrono::steady_clock;

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

// "replication slot "x" is active for PID 4242" -> 4242; 0 when the message has another shape.
int pid_from_message(std::string_view msg) {
  auto at = msg.rfind("PID ");
  if (at == std::string_view::npos) return 0;
  int pid = 0;
  auto digits = msg.substr(at + 4);
  return std::from_chars(digits.data(), digits.data() + digits.size(), pid).ec == std::errc{} ? pid : 0;
}

int64_t unix_micros_now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

PgReplicationConnection::PgReplicationConnection(const PgConnParams& params)
    : conn_(params, PgConnection::Kind::replication) {}

SystemIdentity PgReplicationConnection::identify_system() {
  PgResult r = conn_.exec("IDENTIFY_SYSTEM");
  if (r.rows() != 1 || r.cols() < 4) throw Error(ExitCode::internal, "IDENTIFY_SYSTEM returned an unexpected shape");
  SystemIdentity id;
  id.systemid = r.str(0, 0);
  id.timeline = static_cast<uint32_t>(r.int64(0, 1));
  auto pos = parse_lsn(r.get(0, 2));
  if (!pos) throw Error(ExitCode::internal, "IDENTIFY_SYSTEM returned a malformed xlogpos '" + r.str(0, 2) + "'");
  id.xlogpos = *pos;
  id.dbname = r.is_null(0, 3) ? "" : r.str(0, 3);
  return id;
}

CreatedSlot PgReplicationConnection::create_slot(const std::string& name, bool export_snapshot) {
  // The pre-15 spelling: PostgreSQL 15 and 16 still accept it, and 10-14 know no other.
  std::string sql = "CREATE_REPLICATION_SLOT " + conn_.quote_ident(name) + " LOGICAL pgoutput " +
                    (export_snapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT");
  PgResult r = conn_.exec(sql, "creating replication slot \"" + name + "\"");
  CreatedSlot slot;
  slot.name = r.str(0, r.col("slot_name"));
  auto cp = parse_lsn(r.get(0, r.col("consistent_point")));
  if (!cp) throw Error(ExitCode::internal, "CREATE_REPLICATION_SLOT returned a malformed consistent_point");
  slot.consistent_point = *cp;
  int snap = r.col("snapshot_name");
  if (!r.is_null(0, snap)) slot.snapshot_name = r.str(0, snap);
  return slot;
}

void PgReplicationConnection::start_replication(const StartOptions& o) {
  // publication_names is a string literal holding a comma-separated list of (quoted) identifiers.
  std::string sql = "START_REPLICATION SLOT " + conn_.quote_ident(o.slot) + " LOGICAL " + format_lsn(o.start_lsn) +
                    " (proto_version '" + std::to_string(o.proto_version) +
                    "', publication_names " + conn_.quote_literal(conn_.quote_ident(o.publication));
  if (o.messages && server_version() >= 140000) sql += ", messages 'true'";
  if (o.streaming) sql += ", streaming 'on'";
  sql += ")";
  slot_ = o.slot;
  PgResult r = conn_.exec_unchecked(sql);
  if (!r.raw() || PQresultStatus(r.raw()) != PGRES_COPY_BOTH)
    raise_stream_error(r.raw(), "START_REPLICATION of slot \"" + o.slot + "\"");
  streaming_ = true;
}

void PgReplicationConnection::raise_stream_error(PGresult* res, std::string_view what) {
  auto e = conn_.server_error(res);
  std::string where = "PostgreSQL " + conn_.params().describe() + ": " + std::string(what) + ": ";
  std::string text = e.message + (e.detail.empty() ? "" : " (" + e.detail + ")");
  std::string q = conn_.quote_literal(slot_);
  if (e.sqlstate == "55006") {
    int pid = pid_from_message(e.message);
    throw PgSlotBusy(where, slot_, pid);
  }
  if (e.sqlstate == "42704" && contains(e.message, "replication slot"))
    throw PgError(ExitCode::source_unusable,
                  where + text + "; the slot was dropped, so the changes since the agent's last position are gone; "
                                 "fix: restart the agent to create the slot anew (snapshot: initial or when_needed "
                                 "re-reads the tables), or set postgres.slot to the slot that holds the position",
                  e.sqlstate);
  if (contains(e.message, "publication") && contains(e.message, "does not exist"))
    throw PgError(ExitCode::source_unusable,
                  where + text + "; fix: create the publication (cdc-agent check prints the statement) or set "
                                 "postgres.publication to an existing one",
                  e.sqlstate);
  if (contains(text, "invalidated") || contains(text, "has already been removed") ||
      contains(e.message, "cannot read from logical replication slot"))
    throw PgError(ExitCode::source_unusable,
                  where + text + "; the WAL this slot needed is gone, so changes were lost; fix: drop the slot "
                                 "(SELECT pg_drop_replication_slot(" + q + ")) and restart the agent with "
                                 "snapshot: initial or when_needed; raise max_slot_wal_keep_size to prevent it",
                  e.sqlstate);
  conn_.raise(res, what);
}

bool PgReplicationConnection::wait_readable(int timeout_ms) {
  pollfd pfd{PQsocket(conn_.raw()), POLLIN, 0};
  int n = ::poll(&pfd, 1, timeout_ms);
  if (n < 0 && errno != EINTR) conn_.raise(nullptr, "waiting for the replication stream");
  return n != 0;  // EINTR counts as "look again"; the caller re-checks its deadline
}

std::optional<CopyData> PgReplicationConnection::read(int timeout_ms) {
  // The clock is read only when a wait comes: most calls find a message in libpq's buffer.
  std::optional<Clock::time_point> deadline_at;
  auto deadline = [&] {
    if (!deadline_at) deadline_at = Clock::now() + std::chrono::milliseconds(timeout_ms);
    return *deadline_at;
  };
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(conn_.raw(), &buf, /*async=*/1);
    if (n > 0) {
      busy_ = true;
      return CopyData(buf, n);
    }
    if (n == -2) conn_.raise(nullptr, "reading the replication stream");
    if (n == -1) {
      // The server ended COPY: the final result says why (an error, or a clean end at shutdown).
      streaming_ = false;
      PgResult end(PQgetResult(conn_.raw()));
      while (PGresult* more = PQgetResult(conn_.raw())) PQclear(more);
      if (end.raw() && PQresultStatus(end.raw()) == PGRES_FATAL_ERROR)
        raise_stream_error(end.raw(), "replication stream of slot \"" + slot_ + "\"");
      throw PgRetriableError(ExitCode::temporary,
                             "PostgreSQL " + conn_.params().describe() + ": the server ended the replication stream");
    }
    // Nothing complete is buffered. The walsender sends every message as a TCP segment of its own, so
    // waking up whenever the socket turns readable means one wakeup, poll() and recv() for every few rows:
    // in a drain that costs more CPU than all the decoding. While the stream is busy, take what the socket
    // holds without waiting; once it holds nothing, let batch_wait_ pass so the next recv() takes a batch.
    // Only after that comes the blocking poll(), so the first message after a quiet spell wakes us at once.
    if (busy_) {
      consume_input();
      n = PQgetCopyData(conn_.raw(), &buf, /*async=*/1);
      if (n > 0) return CopyData(buf, n);
      if (n < 0) continue;  // -1 / -2: handled above
      busy_ = false;
      if (batch_wait_.count() > 0) {
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline() - Clock::now());
        std::this_thread::sleep_for(std::min(batch_wait_, left));
        consume_input();
        continue;
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline() - Clock::now()).count();
    if (left <= 0 || !wait_readable(static_cast<int>(left))) return std::nullopt;
    consume_input();
  }
}

void PgReplicationConnection::consume_input() {
  ++socket_reads_;
  if (!PQconsumeInput(conn_.raw())) conn_.raise(nullptr, "reading the replication stream");
}

void PgReplicationConnection::send_status(Lsn write_lsn, Lsn flush_lsn, Lsn apply_lsn, bool reply) {
  std::string msg = encode_standby_status({write_lsn, flush_lsn, apply_lsn, unix_to_pg_micros(unix_micros_now()), reply});
  if (PQputCopyData(conn_.raw(), msg.data(), static_cast<int>(msg.size())) != 1 || PQflush(conn_.raw()) != 0)
    conn_.raise(nullptr, "sending standby status");
}

}  // namespace cdc::pg
