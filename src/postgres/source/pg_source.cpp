#include "postgres/source/pg_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <variant>

#include "postgres/conn/pg_publication.h"
#include "util/error.h"

namespace cdc::pg {
namespace {

using Clock = std::chrono::steady_clock;

// How long reconnect attempts go on before the agent gives up with ExitCode::temporary.
constexpr auto kReconnectBudget = std::chrono::minutes(5);
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

std::optional<PgTypeInfo> SqlCatalog::type(Oid oid) {
  std::optional<TypeInfo> t = type_info(sql_, oid);
  if (!t) return std::nullopt;
  PgTypeInfo p;
  p.oid = t->oid;
  p.name = t->name;
  p.category = t->category;
  p.base_oid = t->type_type == 'd' ? t->base_type : 0;
  p.base_typmod = t->base_typmod;
  p.element_oid = t->category == 'A' ? t->element_type : 0;
  p.enum_labels = std::move(t->enum_labels);
  return p;
}

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

void PgSource::ensure_slot_for_start() {
  const std::string& slot = cfg_.source.postgres.slot;
  auto existing = query_slot(*sql_, slot);
  if (!existing && streamed_before_)
    throw Error(ExitCode::source_unusable,
                "PostgreSQL " + params_.describe() + ": replication slot \"" + slot +
                    "\" disappeared while the agent was streaming from it (dropped, or the server was restored), "
                    "so changes after " + format_lsn(acked_) +
                    " may be lost; the agent does not recreate it; fix: find out who dropped it, then restart "
                    "the agent (it creates the slot anew at the current position)");
  if (!existing && cfg_.source.snapshot != SnapshotMode::never)
    throw Error(ExitCode::config,
                "source.snapshot: only 'never' is supported by this build (no snapshot of existing rows yet); "
                "set snapshot: never to stream changes from the moment the replication slot is created");
  SlotReady ready = ensure_slot(*sql_, *repl_, slot);
  for (const auto& w : ready.warnings) spdlog::warn("{}", w);
  if (ready.created)
    spdlog::info("snapshot: never; the new slot {} is the durable start position ({})", slot,
                 format_lsn(ready.start_lsn));
  // The slot's position is where streaming resumes; our own acks never run ahead of what it holds,
  // except when a status update was lost with the connection, and then ours is the newer truth.
  acked_ = std::max(acked_, ready.start_lsn);
}

void PgSource::connect() {
  sql_ = std::make_unique<PgConnection>(params_);
  check_server();
  TableFilter filter(cfg_.source.include_tables, cfg_.source.exclude_tables);
  // The publication first: START_REPLICATION fails for a publication that does not exist.
  PublicationStatus pub = ensure_publication(*sql_, cfg_.source.postgres.publication, filter);  // logs creation
  for (const auto& w : pub.warnings) spdlog::warn("{}", w);

  PgConnParams repl_params = params_;
  repl_params.options = kReplicationSessionOptions;
  repl_ = std::make_unique<PgReplicationConnection>(repl_params);
  ensure_slot_for_start();

  catalog_ = std::make_unique<SqlCatalog>(*sql_);
  DecoderOptions d;
  d.database = cfg_.source.database;
  d.envelope = cfg_.envelope;
  d.capture = [this](const std::string& ns, const std::string& table) { return cfg_.table_included(ns + "." + table); };
  d.on_unknown_type = [](const std::string& table, const std::string& column, Oid type) {
    spdlog::warn("column {}.{} has type OID {}, which the agent does not know: its values are sent as strings",
                 table, column, type);
  };
  d.proto_version = 1;
  // A fresh decoder per session: the server resends every Relation message, and a transaction cut off
  // by the disconnect starts over from its Begin.
  decoder_ = std::make_unique<PgDecoder>(std::move(d), *catalog_);

  StartOptions so;
  so.slot = cfg_.source.postgres.slot;
  // On the first connect 0 = the slot's confirmed_flush_lsn; later, what we acknowledged (the server
  // takes the larger of the two).
  so.start_lsn = streamed_before_ ? acked_ : 0;
  so.publication = cfg_.source.postgres.publication;
  so.proto_version = 1;
  start_streaming(*repl_, so);
  streamed_before_ = true;
  maybe_send_status(true);
  spdlog::info("streaming slot {} (publication {}) of PostgreSQL {} {} from {}", so.slot, so.publication,
               params_.describe(), format_server_version(repl_->server_version()), format_lsn(acked_));
}

void PgSource::start() {
  try {
    connect();
  } catch (const PgRetriableError& e) {
    reconnect_with_backoff(e.what());
  }
}

void PgSource::reconnect_with_backoff(const std::string& why) {
  spdlog::warn("PostgreSQL connection lost ({}); reconnecting, resuming from {}", why, format_lsn(acked_));
  repl_.reset();
  decoder_.reset();
  catalog_.reset();
  sql_.reset();
  auto deadline = Clock::now() + kReconnectBudget;
  auto delay = std::chrono::milliseconds(200);
  for (;;) {
    std::this_thread::sleep_for(delay);
    try {
      connect();
      return;
    } catch (const PgRetriableError& e) {
      if (Clock::now() > deadline)
        throw Error(ExitCode::temporary, "could not reconnect to PostgreSQL for " +
                                             std::to_string(kReconnectBudget.count()) + " minutes: " + e.what());
      spdlog::warn("reconnect failed: {}", e.what());
      delay = std::min(delay * 2, std::chrono::milliseconds(10000));
    }
  }
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
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  try {
    if (!repl_) connect();
    for (;;) {
      maybe_send_status(false);
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      std::optional<CopyData> cd = repl_->read(static_cast<int>(left));
      if (!cd) break;
      // Protocol v1 sends one row per XLogData, so a status update can go out between any two rows,
      // however slowly a Kafka queue under backpressure lets them through.
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

void PgSource::ack(const event::SourcePosition& pos) {
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
