// The initial snapshot of a MySQL/MariaDB source (snapshot: initial): every captured table's rows as
// op "r" events, read in one consistent transaction, and the binlog position that transaction
// corresponds to, so streaming from it has neither gap nor overlap.
//
// Consistency, without a global lock where the server allows it:
//   MariaDB   START TRANSACTION WITH CONSISTENT SNAPSHOT, then SHOW STATUS LIKE 'binlog_snapshot_%':
//             binlog_snapshot_file/position are the binlog coordinates of that very snapshot (no lock).
//   MySQL     FLUSH TABLES WITH READ LOCK (needs RELOAD), START TRANSACTION WITH CONSISTENT SNAPSHOT,
//             SHOW MASTER STATUS (8.2+: SHOW BINARY LOG STATUS), read the table definitions, UNLOCK
//             TABLES: writes wait only for the metadata reads, not for the rows.
// Consistency covers transactional (InnoDB) tables; MyISAM and other non-transactional tables are read
// as they are when their turn comes.
//
// Acknowledgement: the rows go to the sink as they are read, and commit(position) is called exactly once,
// after the last row. Nothing before that is acknowledgeable, so a crash mid-snapshot leaves no offset
// and the next start takes the snapshot again (at-least-once, never a gap).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"
#include "event/source.h"
#include "mysql/conn/binlog_connection.h"

namespace cdc::event {
class SnapshotEmitter;
}
namespace cdc::mysql::snapshot {
struct InfoTable;
class SnapshotSession;
}  // namespace cdc::mysql::snapshot

namespace cdc::mysql {

struct MysqlSnapshotOptions {
  ConnectOptions connect;
  event::EnvelopeOptions envelope;
  // Which tables are captured, by "db.table" (Config::table_included). Unset = every table.
  std::function<bool(const std::string& db_dot_table)> include;
  // Polled between rows; when it returns true the snapshot stops without committing anything.
  std::function<bool()> stop_requested;
};

struct MysqlSnapshotResult {
  bool completed = false;  // false: stopped by stop_requested, nothing was committed
  event::SourcePosition position;  // where streaming starts; also passed to commit()
  Flavor flavor = Flavor::mysql;
  uint32_t server_id = 0;  // the server's @@server_id (source.server_id of the snapshot rows)
  size_t tables = 0;
  uint64_t rows = 0;
};

class MysqlSnapshot {
 public:
  explicit MysqlSnapshot(MysqlSnapshotOptions opts);
  ~MysqlSnapshot();
  MysqlSnapshot(const MysqlSnapshot&) = delete;
  MysqlSnapshot& operator=(const MysqlSnapshot&) = delete;

  // Connects, takes the consistent snapshot, hands every row of every included table to out.change()
  // (op 'r', source.snapshot markers, change ids after append_mysql_snapshot), then calls
  // out.commit(position) once. Throws cdc::Error: auth for a missing privilege (named), TransientError
  // for a lost connection (run again from scratch), source_unusable for a column type it cannot read.
  MysqlSnapshotResult run(event::EventSink& out);

  // The schemas the events pointed at. They stay alive with this object: keep it until the events are
  // written (the envelope writer caches rendered schemas by address).
  const std::vector<std::unique_ptr<event::TableSchema>>& schemas() const { return schemas_; }

 private:
  void begin_consistent_read(snapshot::SnapshotSession& s, MysqlSnapshotResult& r);
  std::vector<snapshot::InfoTable> read_tables(snapshot::SnapshotSession& s);
  snapshot::InfoTable read_table(snapshot::SnapshotSession& s, const std::string& db, const std::string& table);
  void read_rows(snapshot::SnapshotSession& s, const std::vector<snapshot::InfoTable>& tables,
                 const MysqlSnapshotResult& r, event::SnapshotEmitter& em);

  MysqlSnapshotOptions opts_;
  std::vector<std::unique_ptr<event::TableSchema>> schemas_;
};

}  // namespace cdc::mysql
