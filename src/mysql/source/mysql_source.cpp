#include "mysql/source/mysql_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "event/change_id.h"
#include "util/error.h"

namespace cdc::mysql {
namespace {

using Clock = std::chrono::steady_clock;

// How long reconnect attempts go on before the agent gives up with ExitCode::temporary.
constexpr auto kReconnectBudget = std::chrono::minutes(5);
// How long a poll may overrun its timeout to reach the commit of the transaction it is in.
constexpr auto kTransactionGrace = std::chrono::seconds(10);

std::string tls_mode_text(TlsMode m) {
  switch (m) {
    case TlsMode::disable: return "disable";
    case TlsMode::require: return "require";
    case TlsMode::verify_ca: return "verify-ca";
    case TlsMode::verify_full: return "verify-full";
  }
  return "disable";
}

// Whether the decoder had to fall back to positional names ("_0", "_1", ...) for want of column facts.
bool has_positional_names(const event::TableSchema& t) {
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].name != "_" + std::to_string(i)) return false;
  return !t.columns.empty();
}

}  // namespace

ConnectOptions connect_options(const Config& cfg) {
  ConnectOptions o;
  o.host = cfg.source.host;
  o.port = cfg.source.port;
  o.user = cfg.source.user;
  o.password = cfg.source.password;
  o.database = cfg.source.database;
  o.tls.mode = tls_mode_text(cfg.source.tls.mode);
  o.tls.ca = cfg.source.tls.ca;
  o.tls.cert = cfg.source.tls.cert;
  o.tls.key = cfg.source.tls.key;
  return o;
}

MysqlSource::MysqlSource(const Config& cfg) : cfg_(cfg), offsets_(cfg.state.dir) {}

MysqlSource::~MysqlSource() = default;

void MysqlSource::validate_server() {
  auto vars = conn_->query_vars({"log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata"});
  auto get = [&](const char* k) {
    auto it = vars.find(k);
    return it == vars.end() ? std::string() : it->second;
  };
  auto upper = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
  };
  if (upper(get("log_bin")) != "ON" && get("log_bin") != "1")
    throw Error(ExitCode::source_unusable,
                "the server does not write a binlog (log_bin=" + get("log_bin") +
                    "): start it with --log-bin (my.cnf: log_bin=mysql-bin), then restart the agent");
  if (upper(get("binlog_format")) != "ROW")
    throw Error(ExitCode::source_unusable, "binlog_format=" + get("binlog_format") +
                                               ", but row changes need ROW: SET GLOBAL binlog_format='ROW' and "
                                               "binlog_format=ROW in my.cnf");
  if (upper(get("binlog_row_image")) != "FULL")
    throw Error(ExitCode::source_unusable,
                "binlog_row_image=" + get("binlog_row_image") +
                    ": before/after images would be incomplete; SET GLOBAL binlog_row_image='FULL' and "
                    "binlog_row_image=FULL in my.cnf");
  // Without FULL metadata (MySQL 8 defaults to MINIMAL, MariaDB to NO_LOG, 5.7 has no such setting)
  // TABLE_MAP carries no column names: they come from information_schema (see column_catalog.h).
  std::string metadata = upper(get("binlog_row_metadata"));
  bool external = metadata != "FULL";
  if (external && !external_columns_)
    spdlog::warn("binlog_row_metadata={}: column names and keys come from information_schema, which can be "
                 "newer than the binlog being read after DDL; SET GLOBAL binlog_row_metadata='FULL' (and in "
                 "my.cnf) to read them from the binlog itself",
                 metadata.empty() ? std::string("(not supported by this server)") : metadata);
  external_columns_ = external;
}

event::SourcePosition MysqlSource::initial_position() {
  event::SourcePosition p;
  if (auto stored = offsets_.load()) {
    if (!stored->flavor.empty() && stored->flavor != flavor_name(flavor_))
      throw Error(ExitCode::source_unusable, "the offset file " + offsets_.path().string() + " was written for a " +
                                                 stored->flavor + " server, but " + cfg_.source.host +
                                                 " is " + std::string(flavor_name(flavor_)) +
                                                 ": point the agent at the right server or delete the file");
    p.file = stored->file;
    p.pos = stored->pos;
    p.gtid_set = stored->gtid_set;
    if (cfg_.source.snapshot == SnapshotMode::when_needed && !binlog_exists(p.file)) {
      spdlog::warn("stored position {} is no longer on the server (purged); snapshot: when_needed takes a new snapshot",
                   p.describe());
      snapshot_pending_ = true;
      return {};
    }
    if (cfg_.source.snapshot == SnapshotMode::initial_only) {
      spdlog::info("snapshot: initial_only and the snapshot was already taken ({}); nothing to do", p.describe());
      finished_ = true;
    }
    spdlog::info("resuming from stored position {}", p.describe());
    return p;
  }
  if (cfg_.source.snapshot != SnapshotMode::never) {
    // The offset file is written only when the snapshot's single commit is acknowledged, so a crash
    // mid-snapshot leaves no offset and the snapshot runs again from the start.
    snapshot_pending_ = true;
    return {};
  }
  auto st = conn_->show_master_status();
  p.file = st.file;
  p.pos = st.pos;
  p.gtid_set = st.gtid_set;
  // Stored before reading on: a crash before the first delivery must not skip rows written meanwhile.
  ack(p);
  spdlog::info("no stored position and snapshot: never; starting at the server's current position {}", p.describe());
  return p;
}

bool MysqlSource::binlog_exists(const std::string& file) {
  for (const auto& b : conn_->binary_logs())
    if (b.name == file) return true;
  return false;
}

void MysqlSource::connect() {
  conn_ = std::make_unique<BinlogConnection>(connect_options(cfg_));
  conn_->connect();
  flavor_ = conn_->server().flavor;
  server_uuid_ = conn_->server().server_uuid;
  master_server_id_ = conn_->server().server_id;
  validate_server();
}

void MysqlSource::connect_and_dump() {
  connect();
  if (resume_.file.empty()) resume_ = initial_position();
  if (snapshot_pending_ || finished_) return;  // poll() runs the snapshot first, then start_dump()
  start_dump();
}

void MysqlSource::run_snapshot(event::EventSink& out) {
  MysqlSnapshotOptions o;
  o.connect = connect_options(cfg_);
  o.envelope = cfg_.envelope;
  o.include = [this](const std::string& t) { return cfg_.table_included(t); };
  o.stop_requested = [this] { return stop_requested(); };
  snapshot_ = std::make_unique<MysqlSnapshot>(std::move(o));
  spdlog::info("taking the initial snapshot (source.snapshot: {})",
               cfg_.source.snapshot == SnapshotMode::initial_only ? "initial_only" : "initial or when_needed");
  auto r = snapshot_->run(out);
  if (!r.completed) {
    spdlog::warn("snapshot interrupted before it completed: nothing acknowledged, it runs again at the next start");
    finished_ = true;
    return;
  }
  spdlog::info("snapshot done: {} rows from {} tables; streaming continues at {}", r.rows, r.tables,
               r.position.describe());
  snapshot_pending_ = false;
  resume_ = r.position;
  if (cfg_.source.snapshot == SnapshotMode::initial_only) {
    finished_ = true;
    return;
  }
  start_dump();
}

void MysqlSource::start_dump() {
  DecoderOptions d;
  d.envelope = cfg_.envelope;
  d.include = [this](const std::string& db, const std::string& table) { return cfg_.table_included(db + "." + table); };
  if (external_columns_) {
    if (!catalog_) catalog_ = std::make_unique<ColumnCatalog>(connect_options(cfg_));
    d.external = [this](const std::string& db, const std::string& table) { return catalog_->get(db, table); };
    // Tables the catalog cannot describe (dropped since, or changed in width) still decode, under
    // positional names; on_change refuses them for captured tables.
    d.naming = ColumnNaming::positional;
  }
  decoder_ = std::make_unique<BinlogDecoder>(std::move(d), static_cast<BinlogHandler&>(*this));
  decoder_->set_file(resume_.file);
  if (!resume_.gtid_set.empty()) decoder_->set_gtid_set(GtidSet::parse(resume_.gtid_set));

  DumpRequest req;
  req.server_id = cfg_.source.mysql.server_id;
  req.file = resume_.file;
  req.pos = static_cast<uint32_t>(resume_.pos);
  // Resuming by file/pos works for both flavours and for servers without GTIDs; the GTID set is kept
  // in the offset file so a failover to another server can be resumed by hand.
  req.heartbeat_ms = 1000;
  conn_->start_dump(req);
  spdlog::info("streaming binlog from {} of {} {} (server_id {})", resume_.describe(),
               flavor_name(flavor_), conn_->server().version, master_server_id_);
}

void MysqlSource::start() { connect_and_dump(); }

void MysqlSource::reconnect_with_backoff(const std::string& why) {
  spdlog::warn("binlog connection lost ({}); reconnecting from {}", why, resume_.describe());
  auto deadline = Clock::now() + kReconnectBudget;
  auto delay = std::chrono::milliseconds(200);
  for (;;) {
    std::this_thread::sleep_for(delay);
    try {
      connect_and_dump();
      return;
    } catch (const TransientError& e) {
      if (Clock::now() > deadline)
        throw Error(ExitCode::temporary, "could not reconnect to the binlog for " +
                                             std::to_string(kReconnectBudget.count()) + " minutes: " + e.what());
      spdlog::warn("reconnect failed: {}", e.what());
      delay = std::min(delay * 2, std::chrono::milliseconds(10000));
    }
  }
}

void MysqlSource::poll(event::EventSink& out, int timeout_ms) {
  if (finished_) return;
  if (snapshot_pending_) {
    run_snapshot(out);
    return;
  }
  out_ = &out;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  try {
    // Read in bursts: stop at the deadline so the loop can serve delivery reports and acks. Inside a
    // transaction read on to its commit (bounded by kTransactionGrace), so that a stop between two polls
    // (SIGTERM drain) finds every handed-on event covered by a commit: the stored offset is then the end of
    // the last transaction and a restart replays nothing.
    const auto hard_deadline = deadline + kTransactionGrace;
    for (int n = 0;; ++n) {
      bool mid_tx = decoder_->in_transaction();
      auto until = mid_tx ? hard_deadline : deadline;
      if (n > 0 && (Clock::now() >= until || (!mid_tx && n >= 4096))) break;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      auto ev = conn_->next_event(static_cast<int>(std::max<int64_t>(left, 1)));
      // A server shutting down ends the dump with an EOF packet rather than a broken connection.
      if (!ev && conn_->at_end()) throw TransientError("the server ended the binlog stream (shutdown or restart?)");
      if (!ev) break;
      const auto& bytes = *ev;
      uint64_t log_pos = bytes.size() >= 17 ? (uint64_t{bytes[13]} | uint64_t{bytes[14]} << 8 |
                                               uint64_t{bytes[15]} << 16 | uint64_t{bytes[16]} << 24)
                                            : 0;
      uint64_t pos = log_pos >= bytes.size() ? log_pos - bytes.size() : 0;
      decoder_->feed(bytes, pos);
    }
  } catch (const TransientError& e) {
    out_ = nullptr;
    // Events of the unfinished transaction were already handed on: after the reconnect they come again
    // (at-least-once), and the offset never moved past the last complete transaction.
    reconnect_with_backoff(e.what());
    return;
  }
  out_ = nullptr;
}

void MysqlSource::on_change(event::ChangeEvent& change) {
  const auto* t = change.table;
  if (filter_db_.empty() || t->db != filter_db_ || t->table != filter_table_) {
    filter_db_ = t->db;
    filter_table_ = t->table;
    filter_included_ = cfg_.table_included(t->db + "." + t->table);
  }
  if (!filter_included_) return;
  if (external_columns_ && has_positional_names(*t))
    throw Error(ExitCode::source_unusable,
                "table " + t->db + "." + t->table + " at " + change.source.file + ":" +
                    std::to_string(change.source.pos) + ": the binlog has no column names (binlog_row_metadata=" +
                    "MINIMAL) and information_schema no longer describes the table as it was then (" +
                    std::to_string(t->columns.size()) + " columns in the binlog): set binlog_row_metadata=FULL "
                    "and take a new snapshot, or resume from a position after the table's last DDL");
  change.source.server_id = master_server_id_;
  change.change_id.clear();
  auto file_index = event::change_id::binlog_file_index(decoder_->file()).value_or(0);
  event::change_id::append_mysql(change.change_id, file_index, tx_begin_pos_, tx_event_index_++);
  out_->change(change);
}

void MysqlSource::on_ddl(const DdlEvent&) {
  // Any DDL may have changed any table (RENAME TABLE, multi-table ALTER): drop every fetched definition; the
  // next TABLE_MAP of a changed table fetches anew, while decoders built before keep the old columns.
  if (catalog_) catalog_->invalidate();
}

void MysqlSource::on_begin(const TxBegin& b) {
  tx_begin_pos_ = b.pos;
  tx_event_index_ = 0;
}

void MysqlSource::on_commit(const TxCommit& c) {
  resume_.file = c.file;
  resume_.pos = c.next_pos;
  resume_.gtid_set = c.gtid_set;
  tx_event_index_ = 0;
  if (out_) out_->commit(resume_);
}

void MysqlSource::on_rotate(const std::string& next_file, uint64_t pos) {
  // Outside a transaction a rotate is a safe place to resume; inside one the commit that follows decides.
  if (decoder_ && !decoder_->in_transaction()) {
    resume_.file = next_file;
    resume_.pos = pos;
  }
}

void MysqlSource::ack(const event::SourcePosition& pos) {
  StoredOffset o;
  o.file = pos.file;
  o.pos = pos.pos;
  o.gtid_set = pos.gtid_set;
  o.flavor = std::string(flavor_name(flavor_));
  o.server_id = master_server_id_;
  o.server_uuid = server_uuid_;
  offsets_.save(o);
}

void MysqlSource::stop() {
  if (conn_) conn_->close();
}

}  // namespace cdc::mysql
