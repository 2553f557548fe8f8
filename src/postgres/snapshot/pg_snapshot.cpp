#include "postgres/snapshot/pg_snapshot.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "event/change_id.h"
#include "mysql/snapshot/snapshot_emitter.h"
#include "postgres/conn/pg_catalog.h"
#include "util/error.h"

namespace cdc::pg {
namespace {

// Types below this OID are built in: pg_types.h maps them without the catalog (as PgDecoder does).
constexpr Oid kFirstNormalObjectId = 16384;
constexpr const char* kCursor = "cdc_snapshot";

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

PgSnapshot::PgSnapshot(PgSnapshotOptions opts) : opts_(std::move(opts)) {}
PgSnapshot::~PgSnapshot() = default;

void PgSnapshot::ensure_type(PgConnection& c, Oid oid, int depth) {
  if (oid < kFirstNormalObjectId || types_.find(oid) || depth > 16) return;
  std::optional<PgTypeInfo> t = pg_type_info(c, oid);
  if (!t) return;
  PgTypeInfo p = std::move(*t);
  Oid base = p.base_oid, elem = p.element_oid;
  types_.add(std::move(p));
  if (base) ensure_type(c, base, depth + 1);
  if (elem) ensure_type(c, elem, depth + 1);
}

// The schema PgDecoder::on_relation builds from the Relation message of the same table: the columns
// pgoutput sends (no generated ones), nullability from attnotnull, the key from the primary key.
void PgSnapshot::describe(PgConnection& c, Table& t) {
  std::string generated = c.server_version() >= 120000 ? " AND attgenerated = ''" : "";
  PgResult r = c.exec_params(
      "SELECT attname, atttypid, atttypmod, attnotnull FROM pg_attribute"
      " WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped" + generated + " ORDER BY attnum",
      {std::to_string(t.oid)}, "reading the columns of " + t.schema + "." + t.name);
  auto schema = std::make_unique<event::TableSchema>();
  schema->db = opts_.database;
  schema->schema = t.schema;
  schema->table = t.name;
  schema->version = 1;
  for (int i = 0; i < r.rows(); ++i) {
    Oid type = static_cast<Oid>(r.int64(i, 1));
    auto typmod = static_cast<int32_t>(r.int64(i, 2));
    ensure_type(c, type, 0);
    MappedColumn mc = map_column(r.str(i, 0), type, typmod, !r.boolean(i, 3), types_, opts_.envelope);
    if (mc.unknown_type)
      spdlog::warn("column {}.{}.{} has type OID {}, which the agent does not know: its values are sent as strings",
                   t.schema, t.name, r.str(i, 0), type);
    t.columns.push_back(r.str(i, 0));
    schema->columns.push_back(std::move(mc.column));
    t.types.push_back(std::move(mc.type));
  }
  for (const std::string& k : primary_key_columns(c, t.oid)) {
    auto it = std::find(t.columns.begin(), t.columns.end(), k);
    if (it == t.columns.end()) {  // a generated key column: pgoutput leaves it out, so the key is null
      schema->key.clear();
      break;
    }
    schema->key.push_back(static_cast<uint32_t>(it - t.columns.begin()));
  }
  schemas_.push_back(std::move(schema));
  t.event_schema = schemas_.back().get();
}

std::vector<PgSnapshot::Table> PgSnapshot::read_tables(PgConnection& c) {
  std::vector<Table> out;
  for (const TableInfo& info : list_tables(c, TableFilter())) {
    // A partitioned table holds no rows itself: its partitions are listed (and streamed) on their own.
    if (info.partitioned) continue;
    if (opts_.include && !opts_.include(info.qualified())) continue;
    Table t;
    t.oid = info.oid;
    t.schema = info.schema;
    t.name = info.name;
    describe(c, t);
    out.push_back(std::move(t));
  }
  return out;
}

bool PgSnapshot::read_rows(PgConnection& c, const Table& t, Lsn consistent_point, event::SnapshotEmitter& em) {
  std::string select;
  for (const std::string& col : t.columns) select += (select.empty() ? "" : ", ") + c.quote_ident(col);
  if (select.empty()) select = "NULL";  // a table without columns still has rows
  // ONLY: rows of inheritance children belong to the children's own topics.
  c.exec(std::string("DECLARE ") + kCursor + " NO SCROLL CURSOR FOR SELECT " + select + " FROM ONLY " +
             c.quote_ident(t.schema) + "." + c.quote_ident(t.name),
         "opening the snapshot cursor on " + t.schema + "." + t.name);
  const std::string fetch = "FETCH " + std::to_string(std::max(1, opts_.fetch_rows)) + " FROM " + kCursor;
  const size_t ncols = t.columns.size();
  for (;;) {
    PgResult r = c.exec(fetch, "reading " + t.schema + "." + t.name);
    if (r.rows() == 0) break;
    for (int i = 0; i < r.rows(); ++i) {
      if (opts_.stop_requested && opts_.stop_requested()) return false;
      event::ChangeEvent& ev = em.slot();
      ev.op = event::Op::read;
      ev.table = t.event_schema;
      ev.has_before = false;
      ev.has_after = true;
      ev.tx.reset();
      ev.after.reset(ncols);
      for (size_t k = 0; k < ncols; ++k) {
        if (r.is_null(i, static_cast<int>(k))) continue;
        convert_text(t.types[k], r.get(i, static_cast<int>(k)), ev.after, k);
      }
      event::SourceInfo& s = ev.source;
      s.connector = event::Connector::postgresql;
      s.ts_ns = now_ns();
      s.db = opts_.database;
      s.tx_id.reset();
      s.lsn = static_cast<int64_t>(consistent_point);
      s.xmin.reset();
      s.sequence.clear();
      ev.change_id.clear();
      event::change_id::append_postgres_snapshot(ev.change_id, consistent_point, em.rows());
      ev.tx_id.clear();
      em.push();
    }
  }
  c.exec(std::string("CLOSE ") + kCursor, "closing the snapshot cursor");
  return true;
}

PgSnapshotResult PgSnapshot::run(const std::string& snapshot_name, Lsn consistent_point, event::EventSink& out) {
  PgConnParams params = opts_.conn;
  params.options = kSnapshotSessionOptions;
  PgConnection c(params);
  c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "starting the snapshot transaction");
  PgResult imported = c.exec_unchecked("SET TRANSACTION SNAPSHOT " + c.quote_literal(snapshot_name));
  if (PQresultStatus(imported.raw()) != PGRES_COMMAND_OK) {
    PgConnection::ServerError e = c.server_error(imported.raw());
    if (e.connection_lost) c.raise(imported.raw(), "importing the slot's snapshot");
    // The exporting replication connection closed or ran another command: the snapshot is gone.
    throw Error(ExitCode::temporary, "PostgreSQL " + params.describe() + ": importing snapshot " + snapshot_name +
                                         " of the new replication slot failed: " + e.message +
                                         "; the slot must be dropped and created again with a new snapshot");
  }
  PgSnapshotResult res;
  res.position.lsn = consistent_point;
  std::vector<Table> tables = read_tables(c);
  spdlog::info("snapshot: reading {} table(s) as of {}", tables.size(), format_lsn(consistent_point));
  event::SnapshotEmitter em(out);
  for (const Table& t : tables) {
    uint64_t before = em.rows();
    em.begin_table();
    if (!read_rows(c, t, consistent_point, em)) {
      spdlog::info("snapshot: stopped in {}.{} before completion; nothing committed", t.schema, t.name);
      res.rows = em.rows();
      return res;
    }
    em.end_table();
    spdlog::info("snapshot: {}.{}: {} row(s)", t.schema, t.name, em.rows() - before);
  }
  em.finish();
  c.exec("COMMIT", "ending the snapshot transaction");
  res.completed = true;
  res.tables = tables.size();
  res.rows = em.rows();
  // The only acknowledgeable point of the snapshot: everything above is delivered before the slot moves.
  out.commit(res.position);
  spdlog::info("snapshot: done, {} row(s) from {} table(s); streaming starts at {}", res.rows, res.tables,
               format_lsn(consistent_point));
  return res;
}

}  // namespace cdc::pg
