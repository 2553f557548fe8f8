// The initial snapshot of a PostgreSQL source (snapshot: initial): every captured table's rows as op "r"
// events, read in the snapshot that the replication slot's creation exported, so streaming from the
// slot's consistent_point continues exactly where the snapshot's data ends (no gap, no overlap).
//
//   replication connection:  CREATE_REPLICATION_SLOT … LOGICAL pgoutput EXPORT_SNAPSHOT
//                            (ensure_slot(..., export_snapshot = true)) -> snapshot name, consistent_point
//   snapshot connection:     BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;
//                            SET TRANSACTION SNAPSHOT '<name>'; per table a NO SCROLL cursor, FETCH n
//
// The exported snapshot lives only while the replication connection that created the slot stays open
// and runs no other command; run() imports it first thing, after which that connection is free.
// Acknowledgement: commit(consistent_point) is called once, after the last row. A crash before that
// leaves a slot whose snapshot never completed: the source must then drop and recreate the slot and
// take the snapshot again; it needs its own durable "snapshot completed" record for that.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"
#include "event/source.h"
#include "postgres/conn/pg_connection.h"
#include "postgres/pg_types.h"
#include "postgres/pgoutput.h"

namespace cdc::event {
class SnapshotEmitter;
}

namespace cdc::pg {

// Session settings the value conversions of postgres/pg_types.h rely on; the same text formats the
// walsender produces for pgoutput with PgSource's kReplicationSessionOptions.
inline constexpr const char* kSnapshotSessionOptions =
    "-c lc_monetary=C -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex";

struct PgSnapshotOptions {
  PgConnParams conn;         // a normal (SQL) connection to the source database; options are replaced
  std::string database;      // source.db
  event::EnvelopeOptions envelope;
  // Which tables are captured, by "schema.table" (Config::table_included). Unset = every table.
  std::function<bool(const std::string& schema_dot_table)> include;
  int fetch_rows = 1000;  // rows per FETCH: bounds memory, whatever the table size
  // Polled between rows; when it returns true the snapshot stops without committing anything.
  std::function<bool()> stop_requested;
};

struct PgSnapshotResult {
  bool completed = false;  // false: stopped by stop_requested, nothing was committed
  event::SourcePosition position;  // lsn = the slot's consistent_point
  size_t tables = 0;
  uint64_t rows = 0;
};

class PgSnapshot {
 public:
  explicit PgSnapshot(PgSnapshotOptions opts);
  ~PgSnapshot();
  PgSnapshot(const PgSnapshot&) = delete;
  PgSnapshot& operator=(const PgSnapshot&) = delete;

  // Imports `snapshot_name`, hands every row of every included table to out.change() (op 'r',
  // source.snapshot markers, change ids after append_postgres_snapshot), then calls
  // out.commit({lsn = consistent_point}) once. Throws cdc::Error (PgRetriableError for a lost
  // connection: the snapshot must start over with a new slot).
  PgSnapshotResult run(const std::string& snapshot_name, Lsn consistent_point, event::EventSink& out);

  // The schemas the events pointed at; they live as long as this object (the envelope writer caches
  // rendered schemas by address).
  const std::vector<std::unique_ptr<event::TableSchema>>& schemas() const { return schemas_; }

 private:
  struct Table {
    Oid oid = 0;
    std::string schema, name;
    std::vector<std::string> columns;  // in attnum order, generated columns left out as pgoutput does
    std::vector<PgColumnType> types;
    const event::TableSchema* event_schema = nullptr;
  };
  std::vector<Table> read_tables(PgConnection& c);
  void describe(PgConnection& c, Table& t);
  void ensure_type(PgConnection& c, Oid oid, int depth);
  // false when stopped by stop_requested.
  bool read_rows(PgConnection& c, const Table& t, Lsn consistent_point, event::SnapshotEmitter& em);

  PgSnapshotOptions opts_;
  TypeRegistry types_;
  std::vector<std::unique_ptr<event::TableSchema>> schemas_;
};

}  // namespace cdc::pg
