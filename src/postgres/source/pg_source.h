// The live PostgreSQL source: the walsender stream (PgReplicationConnection) -> PgDecoder (pure) -> the
// agent loop. There is no offset file: the slot's confirmed_flush_lsn is the durable position, and the
// flush LSN we report is exactly the last position the loop acknowledged (never more), so a crash
// replays from the last delivered transaction (at-least-once).
#pragma once
#include "postgres/snapshot/pg_snapshot.h"
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/config.h"
#include "event/source.h"
#include "postgres/conn/pg_catalog.h"
#include "postgres/conn/pg_connection.h"
#include "postgres/conn/pg_replication.h"
#include "postgres/conn/pg_slot.h"
#include "postgres/pg_decoder.h"
#include "postgres/source/pg_spill_file.h"

namespace cdc::pg {

// Session settings the value conversions of postgres/pg_types.h rely on (money as "$1,234.56", ISO
// dates, postgres-style intervals, round-trip floats), whatever the server's or database's defaults.
inline constexpr const char* kReplicationSessionOptions =
    "-c lc_monetary=C -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3";

// The prefix of the heartbeat logical messages (pg_logical_emit_message); the decoder publishes none.
inline constexpr const char* kHeartbeatPrefix = "cdc-agent-heartbeat";

// Under state.dir: the spill files of streamed in-progress transactions (protocol v2).
inline constexpr const char* kStreamSpillDir = "pg-stream";

// PgDecoder's catalog over a normal SQL connection. Table facts are read again each time the decoder
// asks, which it does when a Relation message (re)defines the relation: after DDL, and once per session.
class SqlCatalog final : public Catalog {
 public:
  explicit SqlCatalog(PgConnection& sql) : sql_(sql) {}
  TableCatalogInfo table(Oid relid, const std::string& ns, const std::string& name) override;
  std::optional<PgTypeInfo> type(Oid oid) override;
  // The facts last read for a relation, or nullptr.
  const TableCatalogInfo* cached(Oid relid) const;

 private:
  PgConnection& sql_;
  std::unordered_map<Oid, TableCatalogInfo> tables_;
};

class PgSource final : public event::Source {
 public:
  explicit PgSource(const Config& cfg);
  ~PgSource() override;

  // Checks wal_level, creates the publication then the slot when missing (only with snapshot: never),
  // and starts streaming at the slot's confirmed position. Throws cdc::Error with the exit code.
  void start() override;
  // Reads for about timeout_ms; answers keepalives and sends a status update at least every second.
  // Reconnects with backoff after PgRetriableError (replaying from the last acknowledged LSN).
  void poll(event::EventSink& out, int timeout_ms) override;
  // Reports pos.lsn as written/flushed/applied: the slot's confirmed_flush_lsn advances to it.
  void ack(const event::SourcePosition& pos) override;
  // Writes a non-transactional logical message, which comes back as a commit, so the slot advances
  // when no captured table changes.
  void heartbeat() override;
  // Status update at the acknowledged LSN, when due, while the loop is blocked on Kafka.
  void keepalive() override;
  void stop() override;
  bool finished() const override { return finished_; }

  // The flush LSN reported to the server: the slot's position at start, then the newest ack.
  Lsn acked_lsn() const { return acked_; }

 private:
  void connect();
  void check_server();
  void ensure_slot_for_start();
  void begin_streaming();
  void run_snapshot(event::EventSink& out);
  enum class Marker { none, pending, done, other };
  Marker read_marker() const;
  void write_marker(bool done);
  void reconnect_with_backoff(const std::string& why);
  void handle(const CopyData& cd, event::EventSink& out);
  // Sends a standby status update when `force` or when the last one is older than the status interval.
  void maybe_send_status(bool force);

  const Config& cfg_;
  PgConnParams params_;
  std::unique_ptr<PgConnection> sql_;
  std::unique_ptr<PgReplicationConnection> repl_;
  std::unique_ptr<SqlCatalog> catalog_;
  std::unique_ptr<FileStreamSpool> spool_;  // outlives decoder_, which writes to it
  std::unique_ptr<PgDecoder> decoder_;
  bool streamed_before_ = false;  // a later connect must find the slot: a vanished slot means lost changes
  Lsn acked_ = 0;
  bool snapshot_pending_ = false;  // slot created with an exported snapshot; poll() reads the tables first
  bool finished_ = false;          // initial_only done, or a snapshot interrupted by a stop request
  std::string snapshot_name_;
  Lsn snapshot_lsn_ = 0;  // the new slot's consistent point, until the snapshot's commit is acknowledged
  std::unique_ptr<PgSnapshot> snapshot_;  // owns the schemas its events point at
  std::chrono::steady_clock::time_point last_status_{};
};

}  // namespace cdc::pg
