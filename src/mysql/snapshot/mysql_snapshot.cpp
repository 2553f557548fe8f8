#include "mysql/snapshot/mysql_snapshot.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "event/change_id.h"
#include "mysql/snapshot/snapshot_emitter.h"
#include "mysql/snapshot/snapshot_session.h"
#include "mysql/snapshot/text_row.h"
#include "util/error.h"

namespace cdc::mysql {
namespace {

// MySQL error numbers the snapshot explains itself.
constexpr unsigned kAccessDenied = 1045, kSpecificAccessDenied = 1227;

// Thrown from the row callback to abandon a table's result when a stop is requested.
struct StopRequested {};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t number(const std::optional<std::string>& s) {
  if (!s || s->empty()) return 0;
  try {
    return std::stoll(*s);
  } catch (const std::exception&) {
    return 0;
  }
}

std::string strip_spaces(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }), s.end());
  return s;
}

// SHOW STATUS value by name; servers differ in the case of the names (Binlog_snapshot_file).
std::string status_value(const QueryResult& r, std::string_view name) {
  auto same = [name](const std::string& s) {
    return s.size() == name.size() && std::equal(s.begin(), s.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  };
  for (const auto& row : r.rows)
    if (row.size() >= 2 && row[0] && same(*row[0])) return row[1].value_or("");
  return {};
}

}  // namespace

MysqlSnapshot::MysqlSnapshot(MysqlSnapshotOptions opts) : opts_(std::move(opts)) {}
MysqlSnapshot::~MysqlSnapshot() = default;

void MysqlSnapshot::begin_consistent_read(snapshot::SnapshotSession& s, MysqlSnapshotResult& r) {
  s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  if (s.flavor() == Flavor::mariadb) {
    s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    QueryResult st = s.query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    r.position.file = status_value(st, "binlog_snapshot_file");
    r.position.pos = static_cast<uint64_t>(number(status_value(st, "binlog_snapshot_position")));
    if (!r.position.file.empty()) {
      QueryResult g = s.query("SELECT BINLOG_GTID_POS(" + s.quote(r.position.file) + ", " +
                              std::to_string(r.position.pos) + ")");
      if (!g.rows.empty() && !g.rows[0].empty()) r.position.gtid_set = strip_spaces(g.rows[0][0].value_or(""));
    }
  } else {
    // MySQL has no binlog_snapshot_* status: a brief global read lock pins the binlog position while the
    // transaction's read view is taken. lock_wait_timeout bounds how long writers can be held up when a
    // long-running statement delays the lock.
    s.execute("SET SESSION lock_wait_timeout = 10");
    std::string message;
    if (unsigned code = s.try_execute("FLUSH TABLES WITH READ LOCK", message)) {
      if (code == kSpecificAccessDenied || code == kAccessDenied)
        throw Error(ExitCode::auth, "snapshot: FLUSH TABLES WITH READ LOCK was refused (" + message +
                                        "): the initial snapshot on MySQL needs the RELOAD privilege for a "
                                        "consistent binlog position; fix: GRANT RELOAD ON *.* TO '" +
                                        opts_.connect.user + "', or set source.snapshot: never");
      throw_mysql_error(code, message, "snapshot: FLUSH TABLES WITH READ LOCK");
    }
    s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    QueryResult st = s.query(s.version_id() >= 80200 ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
    r.position.file = st.get(0, "File").value_or("");
    r.position.pos = static_cast<uint64_t>(number(st.get(0, "Position")));
    r.position.gtid_set = strip_spaces(st.get(0, "Executed_Gtid_Set").value_or(""));
  }
  if (r.position.file.empty())
    throw Error(ExitCode::source_unusable,
                "snapshot: the server reports no binlog position: it does not write a binlog; start it with "
                "--log-bin (my.cnf: log_bin=mysql-bin)");
}

snapshot::InfoTable MysqlSnapshot::read_table(snapshot::SnapshotSession& s, const std::string& db,
                                              const std::string& table) {
  snapshot::InfoTable t;
  t.db = db;
  t.table = table;
  std::string where = " WHERE TABLE_SCHEMA = " + s.quote(db) + " AND TABLE_NAME = " + s.quote(table);
  QueryResult cols = s.query(
      "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, IS_NULLABLE, NUMERIC_PRECISION, "
      "NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_OCTET_LENGTH FROM information_schema.COLUMNS" +
      where + " ORDER BY ORDINAL_POSITION");
  for (const auto& row : cols.rows) {
    snapshot::InfoColumn c;
    c.name = row[0].value_or("");
    c.data_type = row[1].value_or("");
    c.column_type = row[2].value_or("");
    c.charset = row[3].value_or("");
    c.nullable = row[4].value_or("YES") == "YES";
    c.numeric_precision = number(row[5]);
    c.numeric_scale = number(row[6]);
    c.datetime_precision = number(row[7]);
    c.octet_length = number(row[8]);
    t.columns.push_back(std::move(c));
  }
  QueryResult key = s.query("SELECT COLUMN_NAME FROM information_schema.STATISTICS" + where +
                            " AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX");
  for (const auto& row : key.rows) {
    auto it = std::find_if(t.columns.begin(), t.columns.end(), [&](const auto& c) { return c.name == row[0]; });
    if (it != t.columns.end()) t.primary_key.push_back(static_cast<uint32_t>(it - t.columns.begin()));
  }
  return t;
}

std::vector<snapshot::InfoTable> MysqlSnapshot::read_tables(snapshot::SnapshotSession& s) {
  QueryResult list = s.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
      " WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')"
      " AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"
      " ORDER BY TABLE_SCHEMA, TABLE_NAME");
  std::vector<snapshot::InfoTable> out;
  for (const auto& row : list.rows) {
    std::string db = row[0].value_or(""), table = row[1].value_or("");
    if (opts_.include && !opts_.include(db + "." + table)) continue;
    out.push_back(read_table(s, db, table));
  }
  return out;
}

MysqlSnapshotResult MysqlSnapshot::run(event::EventSink& out) {
  MysqlSnapshotResult r;
  snapshot::SnapshotSession s(opts_.connect);
  r.flavor = s.flavor();
  // UTC, so TIMESTAMP text needs no conversion; generous network timeouts, because Kafka backpressure
  // can pause reading a result for long and the server would otherwise drop the connection.
  s.execute("SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600, SESSION net_read_timeout = 3600");
  r.server_id = static_cast<uint32_t>(number(s.query("SELECT @@server_id").rows.at(0).at(0)));
  begin_consistent_read(s, r);
  std::vector<snapshot::InfoTable> tables = read_tables(s);
  if (r.flavor == Flavor::mysql) s.execute("UNLOCK TABLES");
  spdlog::info("snapshot: reading {} table(s) consistent with binlog position {}", tables.size(), r.position.describe());

  event::SnapshotEmitter em(out);
  try {
    read_rows(s, tables, r, em);
  } catch (const StopRequested&) {
    // The session is dropped with its transaction; no commit, so the next start snapshots again.
    spdlog::info("snapshot: stopped before completion after {} row(s); nothing committed", em.rows());
    r.rows = em.rows();
    return r;
  }
  em.finish();
  s.execute("COMMIT");
  r.completed = true;
  r.tables = tables.size();
  r.rows = em.rows();
  // The only acknowledgeable point of the snapshot: everything above is delivered before it is stored.
  out.commit(r.position);
  spdlog::info("snapshot: done, {} row(s) from {} table(s); streaming starts at {}", r.rows, r.tables,
               r.position.describe());
  return r;
}

void MysqlSnapshot::read_rows(snapshot::SnapshotSession& s, const std::vector<snapshot::InfoTable>& tables,
                              const MysqlSnapshotResult& r, event::SnapshotEmitter& em) {
  const uint64_t file_index = event::change_id::binlog_file_index(r.position.file).value_or(0);
  const auto connector = r.flavor == Flavor::mariadb ? event::Connector::mariadb : event::Connector::mysql;
  for (const snapshot::InfoTable& t : tables) {
    snapshot::TextRowConverter conv(t, opts_.envelope, r.flavor);
    schemas_.push_back(std::make_unique<event::TableSchema>(conv.schema()));
    const event::TableSchema* schema = schemas_.back().get();
    uint64_t before = em.rows();
    em.begin_table();
    s.stream("SELECT " + conv.select_list() + " FROM " + snapshot::quote_identifier(t.db) + "." +
                 snapshot::quote_identifier(t.table),
             [&](const std::vector<std::optional<std::string_view>>& values) {
               if (opts_.stop_requested && opts_.stop_requested()) throw StopRequested{};
               event::ChangeEvent& ev = em.slot();
               ev.op = event::Op::read;
               ev.table = schema;
               ev.has_before = false;
               ev.has_after = true;
               ev.tx.reset();
               conv.convert(values, ev.after);
               event::SourceInfo& src = ev.source;
               src.connector = connector;
               src.ts_ns = now_ns();
               src.db = t.db;
               src.server_id = r.server_id;
               src.gtid.clear();
               src.file = r.position.file;
               src.pos = static_cast<int64_t>(r.position.pos);
               src.row = 0;
               src.thread.reset();
               src.query.clear();
               ev.change_id.clear();
               event::change_id::append_mysql_snapshot(ev.change_id, file_index, r.position.pos, em.rows());
               ev.tx_id.clear();
               em.push();
             });
    em.end_table();
    spdlog::info("snapshot: {}.{}: {} row(s)", t.db, t.table, em.rows() - before);
  }
}

}  // namespace cdc::mysql
