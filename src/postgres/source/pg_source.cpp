#include "postgres/source/pg_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <thread>
#include <variant>

#include "postgres/conn/pg_publication.h"
#include "util/backoff.h"
#include "util/error.h"
#include "util/state_file.h"

namespace cdc::pg {
namespace {

using Clock = std::chrono::steady_clock;

// How long reconnect attempts go on before the agent gives up with ExitCode::temporary.
// Status updates go out at least this often: far inside wal_sender_timeout (60 s by default), and often
// enough that the slot follows the acknowledged position closely.
constexpr auto kStatusInterval = std::chrono::seconds(1);

}  // namespace

// ---- SqlCatalog ----

TableCatalogInfo SqlCatalog::table(Oid relid, const std::string& ns, const std::string& name) {
  TableCatalogInfo info;
  info.primary_key = primary_key_columns(sql_, relid);
  info.not_null = not_null_columns(sql_, relid);
  spdlog::debug("relation {}.{} (oid {}): primary key [{}]", ns, name, relid, fmt::join(info.primary_key, ", "));
  return tables_[relid] = std::move(info);
}

std::optional<PgTypeInfo> SqlCatalog::type(Oid oid) { return pg_type_info(sql_, oid); }

const TableCatalogInfo* SqlCatalog::cached(Oid relid) const {
  auto it = tables_.find(relid);
  return it == tables_.end() ? nullptr : &it->second;
}

// ---- PgSource ----

PgSource::PgSource(const Config& cfg) : cfg_(cfg), params_(params_from_config(cfg.source)) {}

PgSource::~PgSource() {
  try {
    maybe_send_status(true);
  } catch (const Error& e) {
    spdlog::debug("final status update failed: {}", e.what());
  }
}

void PgSource::check_server() {
  PgResult r = sql_->exec("SHOW wal_level", "reading wal_level");
  std::string level = r.rows() ? r.str(0, 0) : "";
  if (level != "logical")
    throw Error(ExitCode::source_unusable,
                "PostgreSQL " + params_.describe() + ": wal_level is '" + level +
                    "', logical replication needs 'logical'; fix: ALTER SYSTEM SET wal_level = logical, then "
                    "restart PostgreSQL");
}

// The slot marker (state.dir/postgres_slot) records which slot this agent created and whether its
// initial snapshot completed. It tells "first start" from "our slot vanished" (changes lost: exit 69), and
// an interrupted snapshot (redo it on our own slot) from a foreign slot (never dropped by us).
namespace {
constexpr const char* kMarkerFile = "postgres_slot";

std::string marker_text(const std::string& slot, bool done) {
  return "slot=" + slot + "\nsnapshot=" + (done ? "done" : "pending") + "\n";
}
}  // namespace

PgSource::Marker PgSource::read_marker() const {
  auto text = read_state_file(std::filesystem::path(cfg_.state.dir) / kMarkerFile);
  if (!text) return Marker::none;
  if (*text == marker_text(cfg_.source.postgres.slot, true)) return Marker::done;
  if (*text == marker_text(cfg_.source.postgres.slot, false)) return Marker::pending;
  return Marker::other;
}

void PgSource::write_marker(bool done) {
  ensure_state_dir(cfg_.state.dir);
  write_state_file(cfg_.state.dir, kMarkerFile, marker_text(cfg_.source.postgres.slot, done));
}

void PgSource::ensure_slot_for_start() {
  const std::string& slot = cfg_.source.postgres.slot;
  const SnapshotMode mode = cfg_.source.snapshot;
  auto existing = query_slot(*sql_, slot);
  if (!existing && streamed_before_)
    throw Error(ExitCode::source_unusable,
                "PostgreSQL " + params_.describe() + ": replication slot \"" + slot +
                    "\" disappeared while the agent was streaming from it (dropped, or the server was restored), "
                    "so changes after " + format_lsn(acked_) +
                    " may be lost; the agent does not recreate it; fix: find out who dropped it, then delete " +
                    cfg_.state.dir + "/" + kMarkerFile + " and restart the agent");
  Marker marker = read_marker();
  if (!existing && marker == Marker::done && mode != SnapshotMode::when_needed)
    throw Error(ExitCode::source_unusable,
                "PostgreSQL " + params_.describe() + ": replication slot \"" + slot +
                    "\" was dropped while the agent was stopped: changes since its last acknowledged position are "
                    "lost to it; fix: delete " + cfg_.state.dir + "/" + kMarkerFile +
                    " and restart with snapshot: initial (or when_needed) to read the tables again");
  if (existing && marker == Marker::pending) {
    // Our own slot, whose snapshot never completed: its position is useless without the snapshot.
    spdlog::warn("the initial snapshot on slot {} did not complete; dropping the slot and starting over", slot);
    sql_->exec("SELECT pg_drop_replication_slot(" + sql_->quote_literal(slot) + ")", "drop unfinished slot");
    existing.reset();
  }
  if (existing && marker != Marker::done && mode != SnapshotMode::never)
    throw Error(ExitCode::source_unusable,
                "PostgreSQL " + params_.describe() + ": replication slot \"" + slot +
                    "\" already exists, but no completed snapshot from it is recorded in " + cfg_.state.dir +
                    "; fix: drop it (SELECT pg_drop_replication_slot('" + slot +
                    "')) to take a new snapshot, or set snapshot: never to stream from the slot's position");
  const bool snapshot = !existing && mode != SnapshotMode::never;
  if (snapshot) write_marker(false);  // before the slot exists, so a crash in between is recognised
  SlotReady ready = ensure_slot(*sql_, *repl_, slot, BusyRetry{}, snapshot);
  for (const auto& w : ready.warnings) spdlog::warn("{}", w);
  if (snapshot) {
    snapshot_name_ = ready.snapshot_name;
    snapshot_lsn_ = ready.start_lsn;
    snapshot_pending_ = true;
    spdlog::info("created slot {} at {} with exported snapshot {}; reading the tables first", slot,
                 format_lsn(ready.start_lsn), snapshot_name_);
  } else if (marker != Marker::done) {
    write_marker(true);
    if (ready.created)
      spdlog::info("snapshot: never; the new slot {} is the durable start position ({})", slot,
                   format_lsn(ready.start_lsn));
  }
  if (mode == SnapshotMode::initial_only && !snapshot) {
    spdlog::info("snapshot: initial_only and the snapshot was already taken; nothing to do");
    finished_ = true;
  }
  // The slot's position is where streaming resumes; our own acks never run ahead of what it holds,
  // except when a status update was lost with the connection, and then ours is the newer truth.
  acked_ = std::max(acked_, ready.start_lsn);
}

void PgSource::run_snapshot(event::EventSink& out) {
  PgSnapshotOptions o;
  o.conn = params_;
  o.database = cfg_.source.database;
  o.envelope = cfg_.envelope;
  o.include = [this](const std::string& t) { return cfg_.table_included(t); };
  o.stop_requested = [this] { return stop_requested(); };
  snapshot_ = std::make_unique<PgSnapshot>(std::move(o));
  set_phase(Phase::snapshot);
  auto r = snapshot_->run(snapshot_name_, snapshot_lsn_, out);
  snapshot_pending_ = false;
  if (!r.completed) {
    spdlog::warn("snapshot interrupted before it completed: nothing acknowledged, it runs again at the next start");
    finished_ = true;
    return;
  }
  spdlog::info("snapshot done: {} rows from {} tables; streaming continues at {}", r.rows, r.tables,
               format_lsn(snapshot_lsn_));
  if (cfg_.source.snapshot == SnapshotMode::initial_only) {
    finished_ = true;
    return;
  }
  begin_streaming();
}

void PgSource::connect() {
  set_phase(Phase::connecting);
  sql_ = std::make_unique<PgConnection>(params_);
  check_server();
  TableFilter filter(cfg_.source.include_tables, cfg_.source.exclude_tables);
  // The publication first: START_REPLICATION fails for a publication that does not exist.
  PublicationStatus pub = ensure_publication(*sql_, cfg_.source.postgres.publication, filter);  // logs creation
  for (const auto& w : pub.warnings) spdlog::warn("{}", w);

  PgConnParams repl_params = params_;
  repl_params.options = kReplicationSessionOptions;
  // Explicit options hide libpq's PGOPTIONS: the operator's settings for the walsender (for example
  // -c logical_decoding_work_mem=…, which decides when transactions stream) go after ours.
  if (const char* extra = std::getenv("PGOPTIONS"); extra && *extra) repl_params.options += std::string(" ") + extra;
  repl_ = std::make_unique<PgReplicationConnection>(repl_params);
  repl_->set_batch_wait(std::chrono::microseconds(cfg_.source.postgres.read_wait_us));
  ensure_slot_for_start();
  if (!snapshot_pending_ && !finished_) begin_streaming();
}

void PgSource::begin_streaming() {
  // Protocol v2 with streaming (PostgreSQL 14+): a transaction larger than the walsender's
  // logical_decoding_work_mem arrives while in progress, and waits in spill files until its commit instead
  // of in the server's pg_replslot. Older servers decode a transaction only once it committed (v1).
  const int proto = repl_->server_version() >= 140000 ? 2 : 1;
  catalog_ = std::make_unique<SqlCatalog>(*sql_);
  decoder_.reset();
  // A new spool deletes the previous session's files: the server streams those transactions again.
  // A replay can outlast wal_sender_timeout, so it keeps the status updates going.
  spool_ = std::make_unique<FileStreamSpool>(std::filesystem::path(cfg_.state.dir) / kStreamSpillDir,
                                             [this] { maybe_send_status(false); });
  DecoderOptions d;
  d.database = cfg_.source.database;
  d.envelope = cfg_.envelope;
  d.capture = [this](const std::string& ns, const std::string& table) { return cfg_.table_included(ns + "." + table); };
  d.on_unknown_type = [](const std::string& table, const std::string& column, Oid type) {
    spdlog::warn("column {}.{} has type OID {}, which the agent does not know: its values are sent as strings",
                 table, column, type);
  };
  d.on_warning = [](const std::string& w) { spdlog::warn("{}", w); };
  d.proto_version = proto;
  d.spool = spool_.get();
  // A fresh decoder per session: the server resends every Relation message, and a transaction cut off
  // by the disconnect starts over from its Begin.
  decoder_ = std::make_unique<PgDecoder>(std::move(d), *catalog_);

  StartOptions so;
  so.slot = cfg_.source.postgres.slot;
  // On the first connect 0 = the slot's confirmed_flush_lsn; later, what we acknowledged (the server
  // takes the larger of the two).
  so.start_lsn = streamed_before_ ? acked_ : 0;
  so.publication = cfg_.source.postgres.publication;
  so.proto_version = proto;
  so.streaming = proto >= 2;
  start_streaming(*repl_, so);
  streamed_before_ = true;
  set_phase(Phase::streaming);
  maybe_send_status(true);
  spdlog::info("streaming slot {} (publication {}) of PostgreSQL {} {} from {} (pgoutput protocol {}{})", so.slot,
               so.publication, params_.describe(), format_server_version(repl_->server_version()), format_lsn(acked_),
               proto, so.streaming ? ", large transactions streamed" : "");
}

void PgSource::start() {
  try {
    connect();
  } catch (const PgRetriableError& e) {
    reconnect_with_backoff(e.what());
  }
}

void PgSource::reconnect_with_backoff(const std::string& why) {
  set_phase(Phase::connecting);
  spdlog::warn("PostgreSQL connection lost ({}); reconnecting, resuming from {}", why, format_lsn(acked_));
  repl_.reset();
  decoder_.reset();
  spool_.reset();
  catalog_.reset();
  sql_.reset();
  cdc::reconnect_with_backoff<PgRetriableError>("PostgreSQL", [this] { connect(); });
}

void PgSource::handle(const CopyData& cd, event::EventSink& out) {
  ServerMessage m = decode_server_message(cd.bytes());
  if (auto* x = std::get_if<XLogData>(&m)) {
    decoder_->feed(x->wal_start, x->data, out);
    return;
  }
  // A keepalive asking for a reply means the walsender is about to give up on us (wal_sender_timeout).
  if (std::get<PrimaryKeepalive>(m).reply_requested) maybe_send_status(true);
}

void PgSource::poll(event::EventSink& out, int timeout_ms) {
  if (finished_) return;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  try {
    if (!repl_) connect();
    if (snapshot_pending_) {
      run_snapshot(out);
      return;
    }
    // The clock is looked at once per batch read from the socket, and every 256 messages (libpq's buffer
    // grows to the largest message, so one batch can hold many), not per message. While Kafka's
    // backpressure holds a row up, the sink's wait sends the status updates (keepalive()); the replay of a
    // streamed transaction sends its own.
    uint64_t batch = repl_->socket_reads() - 1;
    int64_t left = 0;
    for (uint32_t n = 0;; ++n) {
      if (repl_->socket_reads() != batch || n % 256 == 0) {
        batch = repl_->socket_reads();
        maybe_send_status(false);
        left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) break;
      }
      std::optional<CopyData> cd = repl_->read(static_cast<int>(left));
      if (!cd) break;
      handle(*cd, out);
    }
  } catch (const PgRetriableError& e) {
    // Events of the unfinished transaction were already handed on: after the reconnect they come again
    // (at-least-once), and the slot never moved past the last acknowledged commit.
    reconnect_with_backoff(e.what());
  }
}

void PgSource::maybe_send_status(bool force) {
  if (!repl_ || !repl_->streaming()) return;
  auto now = Clock::now();
  if (!force && now - last_status_ < kStatusInterval) return;
  // write = flush = apply: the server may only recycle what Kafka confirmed.
  repl_->send_status(acked_, acked_, acked_);
  last_status_ = now;
}

void PgSource::keepalive() {
  try {
    maybe_send_status(false);
  } catch (const PgRetriableError& e) {
    // The next read notices the broken connection and reconnects; nothing to do from inside a send.
    spdlog::debug("status update while blocked on Kafka failed: {}", e.what());
  }
}

void PgSource::ack(const event::SourcePosition& pos) {
  // The snapshot's single commit is at the slot's consistent point: once it is delivered, record it.
  if (snapshot_lsn_ && pos.lsn >= snapshot_lsn_ && read_marker() == Marker::pending) {
    write_marker(true);
    snapshot_lsn_ = 0;
  }
  // After a reconnect the replayed commits can hand an older position again; the slot never goes back.
  if (pos.lsn <= acked_) return;
  acked_ = pos.lsn;
  try {
    maybe_send_status(true);
  } catch (const PgRetriableError& e) {
    // The next poll() reconnects; the position is sent again then.
    spdlog::warn("could not report {} to PostgreSQL: {}", format_lsn(acked_), e.what());
    repl_.reset();
  }
}

void PgSource::heartbeat() {
  if (!sql_) return;
  try {
    Lsn at = emit_heartbeat_message(*sql_, kHeartbeatPrefix);
    spdlog::debug("heartbeat message written at {}", format_lsn(at));
  } catch (const PgRetriableError& e) {
    spdlog::warn("could not write the heartbeat message: {}", e.what());
  }
}

void PgSource::stop() {
  // Reading stops (the loop calls poll() no more), but the replication connection stays open: the loop
  // acknowledges the drained position after stop(), and that must still reach the slot.
  spdlog::info("PostgreSQL source stopping at {}", format_lsn(acked_));
}

}  // namespace cdc::pg
