#include "mysql/source/mysql_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "event/change_id.h"
#include "util/backoff.h"
#include "util/error.h"

namespace cdc::mysql {
namespace {

using Clock = std::chrono::steady_clock;

// How long reconnect attempts go on before the agent gives up with ExitCode::temporary.
// How long a poll may overrun its timeout to reach the commit of the transaction it is in.
constexpr auto kTransactionGrace = std::chrono::seconds(10);
// How often a running agent touches its server_id claim connection, and how long a claim holder must have
// been idle to be taken for a dead agent's leftover (a process killed without closing its sockets, or a
// host that went away) whose connection the server has not noticed yet.
constexpr auto kClaimCheckInterval = std::chrono::seconds(5);
constexpr int kClaimStaleSeconds = 30;

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
    resume_ = p;
    resume_server_id_ = stored->server_id;
    resume_server_uuid_ = stored->server_uuid;
    resume_exact_ = true;
    if (cfg_.source.snapshot == SnapshotMode::when_needed) {
      if (auto plan = plan_resume(); !plan.possible) {
        spdlog::warn("cannot resume from stored position {}: {}, and not by GTID set either: {}; snapshot: "
                     "when_needed takes a new snapshot", p.describe(), plan.why, plan.gap);
        snapshot_pending_ = true;
        resume_ = {};
        return {};
      }
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
  resume_server_id_ = master_server_id_;
  resume_server_uuid_ = server_uuid_;
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

std::string MysqlSource::describe_server(uint32_t server_id, const std::string& uuid) const {
  return "server_id " + std::to_string(server_id) + (uuid.empty() ? "" : " (server_uuid " + uuid + ")");
}

bool MysqlSource::same_server() const {
  // MySQL servers are told apart by server_uuid, MariaDB servers by server_id (unique in a topology).
  if (!resume_server_uuid_.empty() && !server_uuid_.empty()) return resume_server_uuid_ == server_uuid_;
  return resume_server_id_ == 0 || resume_server_id_ == master_server_id_;
}

std::string MysqlSource::gtid_gap(const std::string& gtid_set) {
  try {
    GtidSet have = GtidSet::parse(gtid_set);
    if (flavor_ == Flavor::mysql) {
      auto vars = conn_->query_vars({"gtid_mode", "gtid_purged"});
      if (vars["gtid_mode"] != "ON") return "the server has gtid_mode=" + vars["gtid_mode"] + " (GTID resume needs ON)";
      std::erase_if(vars["gtid_purged"], [](char c) { return c == ' ' || c == '\n'; });
      if (!have.contains(GtidSet::parse(vars["gtid_purged"])))
        return "the server purged transactions that are not in the stored set (gtid_purged=" + vars["gtid_purged"] +
               ")";
      return "";
    }
    // MariaDB: the oldest binlog file starts with a GTID_LIST of the state before it; the server can stream
    // from our set when it is at or past that state in every domain.
    auto logs = conn_->binary_logs();
    if (logs.empty()) return "the server has no binlog files";
    auto events = conn_->query("SHOW BINLOG EVENTS IN " + conn_->quote(logs.front().name) + " LIMIT 10");
    for (size_t i = 0; i < events.rows.size(); ++i) {
      if (events.get(i, "Event_type").value_or("") != "Gtid_list") continue;
      std::string list = events.get(i, "Info").value_or("");
      std::erase_if(list, [](char c) { return c == '[' || c == ']' || c == ' '; });
      if (!have.contains(GtidSet::parse(list)))
        return "the oldest binlog file on the server, " + logs.front().name + ", starts after GTID position " + list +
               ": transactions between the stored set and it were purged";
      return "";
    }
    return "the oldest binlog file " + logs.front().name + " has no GTID_LIST event";
  } catch (const DecodeError& e) {
    return std::string("the GTID sets could not be compared: ") + e.what();
  }
}

MysqlSource::ResumePlan MysqlSource::plan_resume() {
  ResumePlan plan;
  bool same = same_server();
  if (resume_exact_ && same && !resume_.file.empty() && binlog_exists(resume_.file)) return plan;
  if (!resume_exact_)
    plan.why = "the position in this server's binlog is not known yet (no transaction since the GTID resume)";
  else if (!same)
    plan.why = "the stored position " + resume_.file + ":" + std::to_string(resume_.pos) + " is in the binlog of " +
               describe_server(resume_server_id_, resume_server_uuid_) + ", but " + cfg_.source.host + " is " +
               describe_server(master_server_id_, server_uuid_) + " (failover?)";
  else if (resume_.file.empty())
    plan.why = "the stored position has no binlog file";
  else
    plan.why = "binlog file " + resume_.file + " is no longer on the server (purged)";
  plan.by_gtid = true;
  plan.gap = resume_.gtid_set.empty() ? "the stored position has no GTID set" : gtid_gap(resume_.gtid_set);
  plan.possible = plan.gap.empty();
  return plan;
}

void MysqlSource::connect() {
  conn_ = std::make_unique<BinlogConnection>(connect_options(cfg_));
  conn_->connect();
  flavor_ = conn_->server().flavor;
  server_uuid_ = conn_->server().server_uuid;
  master_server_id_ = conn_->server().server_id;
  validate_server();
  claim_server_id();
}

void MysqlSource::claim_server_id() {
  const uint32_t id = cfg_.source.mysql.server_id;
  if (claim_conn_ && claim_conn_->connected()) return;  // still held: a lost connection throws in the check
  claim_conn_ = std::make_unique<BinlogConnection>(connect_options(cfg_));
  claim_conn_->connect();
  const std::string lock = claim_conn_->quote("cdc-agent/server_id/" + std::to_string(id));
  // A taken claim is either another running agent, which touches its connection every few seconds (its idle
  // time keeps dropping back), or a leftover of a dead one (killed host, or a connection the server has not
  // yet seen closed), whose idle time only grows: that one is closed once idle for kClaimStaleSeconds.
  const auto give_up = Clock::now() + std::chrono::seconds(kClaimStaleSeconds + 10);
  std::string holder, from;
  long last_idle = -1;
  while (Clock::now() < give_up) {
    auto r = claim_conn_->query("SELECT GET_LOCK(" + lock + ", 1) AS got, IS_USED_LOCK(" + lock + ") AS holder");
    if (r.get(0, "got").value_or("") == "1") {
      claim_checked_ = Clock::now();
      return;
    }
    std::string h = r.get(0, "holder").value_or("");
    if (h.empty() || h.find_first_not_of("0123456789") != std::string::npos) continue;  // released in between
    if (h != holder) last_idle = -1;
    holder = h;
    // Visible when the holder runs as the same user (every agent normally does).
    auto p = claim_conn_->query("SELECT HOST AS h, COMMAND AS c, TIME AS t FROM information_schema.PROCESSLIST "
                                "WHERE ID = " + holder);
    if (p.rows.empty()) break;  // another user's connection: nothing to judge it by
    from = p.get(0, "h").value_or("");
    long idle = p.get(0, "c").value_or("") == "Sleep" ? std::stol(p.get(0, "t").value_or("0")) : 0;
    if (last_idle >= 0 && idle < last_idle) break;  // it was touched meanwhile: a running agent
    last_idle = idle;
    if (idle >= kClaimStaleSeconds) {
      spdlog::warn("source.mysql.server_id {} is claimed by connection {} from {}, idle for {} s: taking it for a "
                   "leftover of a stopped agent and closing it", id, holder, from, idle);
      try {
        claim_conn_->execute("KILL CONNECTION " + holder);
      } catch (const TransientError&) {
        throw;
      } catch (const Error& e) {
        spdlog::warn("could not close connection {}: {}", holder, e.what());
        break;
      }
    }
  }
  throw Error(ExitCode::source_unusable,
              "another cdc-agent is already streaming from " + cfg_.source.host + " with source.mysql.server_id " +
                  std::to_string(id) + " (it holds the server_id claim" +
                  (holder.empty() ? "" : " on connection " + holder) + (from.empty() ? "" : " from " + from) +
                  "). The server allows one replica per server_id and drops the older stream when another "
                  "registers, so both agents would keep failing: give every agent (and every replica) its own "
                  "source.mysql.server_id, or stop the other agent");
}

void MysqlSource::check_server_id_claim() {
  if (!claim_conn_ || Clock::now() - claim_checked_ < kClaimCheckInterval) return;
  claim_checked_ = Clock::now();
  // A lost claim connection throws TransientError: poll() reconnects, and the reconnect claims anew.
  if (!claim_conn_->connected()) throw TransientError("the server_id claim connection is closed");
  claim_conn_->query("SELECT 1");
}

void MysqlSource::connect_and_dump() {
  set_phase(Phase::connecting);
  connect();
  if (resume_.file.empty() && resume_.gtid_set.empty()) resume_ = initial_position();
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
  set_phase(Phase::snapshot);
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
  resume_server_id_ = master_server_id_;
  resume_server_uuid_ = server_uuid_;
  resume_exact_ = true;
  if (cfg_.source.snapshot == SnapshotMode::initial_only) {
    finished_ = true;
    return;
  }
  start_dump();
}

void MysqlSource::start_dump() {
  ResumePlan plan = plan_resume();
  if (!plan.possible)
    throw Error(ExitCode::source_unusable,
                "cannot resume: " + plan.why + ", and resuming by GTID set is not possible either: " + plan.gap +
                    ". Restore the missing binlog files on the server (or point source.host at the server the "
                    "offset file was written for), or delete the offset file " + offsets_.path().string() +
                    " to take a new snapshot");
  if (plan.by_gtid) {
    spdlog::info("{}: resuming by GTID set {}", plan.why, resume_.gtid_set);
    if (!same_server() && resume_exact_)
      ack_switch_ = AckSwitch{GtidSet::parse(resume_.gtid_set), resume_server_id_, resume_server_uuid_};
    resume_exact_ = false;
  }

  DecoderOptions d;
  d.envelope = cfg_.envelope;
  d.include = [this](const std::string& db, const std::string& table) { return cfg_.table_included(db + "." + table); };
  if (external_columns_) {
    if (!catalog_) catalog_ = std::make_unique<ColumnCatalog>(connect_options(cfg_));
    d.external = [this](const std::string& db, const std::string& table) { return catalog_->get(db, table); };
    d.external_refresh = [this](const std::string& db, const std::string& table) { catalog_->forget(db, table); };
    // Tables the catalog cannot describe (dropped since, or changed in width) still decode, under
    // positional names; on_change refuses them for captured tables.
    d.naming = ColumnNaming::positional;
  }
  decoder_ = std::make_unique<BinlogDecoder>(std::move(d), static_cast<BinlogHandler&>(*this));
  // A GTID dump opens with a ROTATE naming the file it starts in.
  decoder_->set_file(plan.by_gtid ? std::string() : resume_.file);
  if (!resume_.gtid_set.empty()) decoder_->set_gtid_set(GtidSet::parse(resume_.gtid_set));

  DumpRequest req;
  req.server_id = cfg_.source.mysql.server_id;
  // By file/pos whenever it is exact (both flavours, servers without GTIDs); by GTID set after a failover
  // to another server or when the stored file was purged but the server still has every later transaction.
  if (plan.by_gtid) {
    req.gtid_set = resume_.gtid_set;
  } else {
    req.file = resume_.file;
    req.pos = static_cast<uint32_t>(resume_.pos);
  }
  req.heartbeat_ms = 1000;
  conn_->start_dump(req);
  set_phase(Phase::streaming);
  spdlog::info("streaming binlog from {} of {} {} (server_id {})",
               plan.by_gtid ? "GTID set " + resume_.gtid_set : resume_.describe(), flavor_name(flavor_),
               conn_->server().version, master_server_id_);
}

void MysqlSource::start() { connect_and_dump(); }

void MysqlSource::reconnect_with_backoff(const std::string& why) {
  set_phase(Phase::connecting);
  spdlog::warn("binlog connection lost ({}); reconnecting from {}", why, resume_.describe());
  cdc::reconnect_with_backoff<TransientError>("the binlog", [this] { connect_and_dump(); });
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
    check_server_id_claim();
    int64_t left = timeout_ms;
    bool left_mid_tx = false;  // which deadline `left` was taken from
    for (int n = 0;; ++n) {
      bool mid_tx = decoder_->in_transaction();
      if (n > 0 && !mid_tx && n >= 4096) break;
      // The clock is read every 16 events (an event takes about a microsecond), whenever the last one had
      // to be waited for, and when a transaction began or ended (the deadline changes): a stale `left`
      // only bounds a wait that data already buffered skips.
      if (n > 0 && (n % 16 == 0 || conn_->waited() || mid_tx != left_mid_tx)) {
        left_mid_tx = mid_tx;
        left = std::chrono::duration_cast<std::chrono::milliseconds>((mid_tx ? hard_deadline : deadline) -
                                                                     Clock::now()).count();
        if (left <= 0) break;
      }
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
  if (decoder_->file() != index_of_file_) {  // parsed once per binlog file, not per row
    index_of_file_ = decoder_->file();
    file_index_ = event::change_id::binlog_file_index(index_of_file_).value_or(0);
  }
  event::change_id::append_mysql(change.change_id, file_index_, tx_begin_pos_, tx_event_index_++);
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
  resume_server_id_ = master_server_id_;
  resume_server_uuid_ = server_uuid_;
  resume_exact_ = true;
  resume_.file = c.file;
  resume_.pos = c.next_pos;
  resume_.gtid_set = c.gtid_set;
  tx_event_index_ = 0;
  if (out_) out_->commit(resume_);
}

void MysqlSource::on_rotate(const std::string& next_file, uint64_t pos) {
  // Outside a transaction a rotate is a safe place to resume; inside one the commit that follows decides.
  // After a GTID resume the first (artificial) rotate names where the server starts scanning, not where the
  // next transaction is: the position stays unknown until the first commit.
  if (decoder_ && !decoder_->in_transaction() && resume_exact_) {
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
  if (ack_switch_) {
    // Acks arrive in commit order: a position within the set at the switch was read from the old server.
    if (!pos.gtid_set.empty() && ack_switch_->before.contains(GtidSet::parse(pos.gtid_set))) {
      o.server_id = ack_switch_->server_id;
      o.server_uuid = ack_switch_->server_uuid;
    } else {
      ack_switch_.reset();
    }
  }
  offsets_.save(o);
}

void MysqlSource::stop() {
  if (conn_) conn_->close();
  if (claim_conn_) claim_conn_->close();  // releases the server_id claim
}

}  // namespace cdc::mysql
