// The walsender side of the PostgreSQL source: a replication=database connection that identifies the
// server, creates the logical slot, streams pgoutput and reports progress. It moves bytes only; the
// CopyData payloads are decoded by postgres/pgoutput.h (decode_server_message, decode_message).
// Protocol: PostgreSQL docs, "Streaming Replication Protocol" (protocol-replication).
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "postgres/conn/pg_connection.h"
#include "postgres/pgoutput.h"

namespace cdc::pg {

// The slot is held by another walsender ("replication slot "x" is active for PID n"). Exit code
// source_unusable is what remains once the bounded retry (pg_slot.h) gives up.
class PgSlotBusy : public PgError {
 public:
  // `where` prefixes the message ("PostgreSQL host:port/db: START_REPLICATION …: ").
  PgSlotBusy(const std::string& where, const std::string& slot, int pid)
      : PgError(ExitCode::source_unusable,
                where + "replication slot \"" + slot + "\" is in use by pid " + std::to_string(pid) +
                    "; fix: stop the other consumer of this slot (SELECT pg_terminate_backend(" + std::to_string(pid) +
                    ")) or give this agent its own postgres.slot",
                "55006"),
        pid_(pid) {}
  // The same error after `waited` of retries.
  PgSlotBusy(const PgSlotBusy& last, const std::string& waited)
      : PgError(ExitCode::source_unusable, std::string(last.what()) + " (still in use after " + waited + ")", "55006"),
        pid_(last.pid_) {}
  int pid() const { return pid_; }

 private:
  int pid_;
};

struct SystemIdentity {
  std::string systemid;
  uint32_t timeline = 0;
  Lsn xlogpos = 0;  // current WAL flush position
  std::string dbname;
};

struct CreatedSlot {
  std::string name;
  Lsn consistent_point = 0;  // streaming from here yields every transaction committed after creation
  std::string snapshot_name;  // set only when exported
};

struct StartOptions {
  std::string slot;
  Lsn start_lsn = 0;  // 0 = the slot's confirmed_flush_lsn
  std::string publication;
  int proto_version = 1;
  bool messages = true;  // pgoutput 'M' messages (PostgreSQL 14+; ignored before)
  // streaming 'on' (protocol v2, PostgreSQL 14+): large in-progress transactions arrive in Stream Start ..
  // Stream Stop blocks before their commit.
  bool streaming = false;
};

// One CopyData payload ('w' XLogData or 'k' keepalive), owned until destroyed.
class CopyData {
 public:
  CopyData(char* buf, int len) : buf_(buf, &PQfreemem), len_(static_cast<size_t>(len)) {}
  std::span<const uint8_t> bytes() const { return {reinterpret_cast<const uint8_t*>(buf_.get()), len_}; }
  char kind() const { return len_ ? buf_.get()[0] : '\0'; }

 private:
  std::unique_ptr<char, decltype(&PQfreemem)> buf_;
  size_t len_;
};

class PgReplicationConnection {
 public:
  // Throws as PgConnection does (auth for a user without REPLICATION).
  explicit PgReplicationConnection(const PgConnParams& params);

  SystemIdentity identify_system();
  int server_version() const { return conn_.server_version(); }
  int backend_pid() const { return conn_.backend_pid(); }

  // CREATE_REPLICATION_SLOT name LOGICAL pgoutput. Without export the snapshot is not kept
  // (NOEXPORT_SNAPSHOT); with export it stays usable by SET TRANSACTION SNAPSHOT elsewhere until this
  // connection runs its next command. Throws PgError with SQLSTATE 42710 when the slot exists.
  CreatedSlot create_slot(const std::string& name, bool export_snapshot = false);

  // START_REPLICATION SLOT … LOGICAL …, entering COPY BOTH mode. Throws PgSlotBusy when another process
  // holds the slot, cdc::Error(source_unusable) when the slot does not exist or was invalidated.
  void start_replication(const StartOptions& opts);
  bool streaming() const { return streaming_; }

  // The next CopyData payload, or nullopt when none arrived within timeout_ms. Throws PgRetriableError
  // when the connection breaks or the server ends the stream, cdc::Error(source_unusable) when the
  // server ends it because the slot or publication became unusable.
  std::optional<CopyData> read(int timeout_ms);

  // Once read() has taken everything a busy stream had sent, it waits this long for more before it reads
  // again, rather than waking for every few messages (source.postgres.read_wait_us); 0 = wake for every arrival.
  void set_batch_wait(std::chrono::microseconds wait) { batch_wait_ = wait; }
  // How often read() went to the socket: a change means the messages since came in a new batch.
  uint64_t socket_reads() const { return socket_reads_; }

  // Standby status update ('r'): flush_lsn is what the slot's confirmed_flush_lsn advances to, so pass
  // only positions whose events are delivered. reply asks the server for an immediate keepalive.
  void send_status(Lsn write_lsn, Lsn flush_lsn, Lsn apply_lsn, bool reply = false);

  PgConnection& connection() { return conn_; }

 private:
  [[noreturn]] void raise_stream_error(PGresult* res, std::string_view what);
  bool wait_readable(int timeout_ms);
  void consume_input();  // PQconsumeInput: takes what the socket holds, never waits

  PgConnection conn_;
  std::string slot_;
  bool streaming_ = false;
  std::chrono::microseconds batch_wait_{0};
  bool busy_ = false;  // read() handed out a message since it last waited for the socket
  uint64_t socket_reads_ = 0;
};

}  // namespace cdc::pg
