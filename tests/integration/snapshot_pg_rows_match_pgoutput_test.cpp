// The PostgreSQL snapshot, read in the snapshot exported by the slot's creation, produces for every
// column type exactly the schema and values PgDecoder produces from pgoutput for the same row, and the
// slot's consistent point has neither gap nor overlap: rows from before are in the snapshot and not in
// the stream; a row committed while the snapshot runs is not in it and is the first streamed change.
// Also: markers, generated columns left out as pgoutput does, excluded tables, and a 100k-row table
// read with bounded memory through the cursor.
#include <gtest/gtest.h>

#include <map>

#include "event/change_id.h"
#include "postgres/pg_decoder.h"
#include "postgres/snapshot/pg_snapshot.h"
#include "tests/integration/pg_conn_support.h"
#include "tests/integration/snapshot_support.h"

namespace cdc::pg::test {
namespace {

using cdc::test::snapshot::after_int;
using cdc::test::snapshot::after_schema;
using cdc::test::snapshot::after_without;
using cdc::test::snapshot::CollectingSink;
using cdc::test::snapshot::envelope_options;
using cdc::test::snapshot::marker_name;
using cdc::test::snapshot::source_field;

// PgDecoder's catalog, straight from pg_catalog (what PgSource's SqlCatalog does).
class TestCatalog : public Catalog {
 public:
  explicit TestCatalog(PgConnection& c) : c_(c) {}
  TableCatalogInfo table(Oid relid, const std::string&, const std::string&) override {
    return {primary_key_columns(c_, relid), not_null_columns(c_, relid)};
  }
  std::optional<PgTypeInfo> type(Oid oid) override { return pg_type_info(c_, oid); }

 private:
  PgConnection& c_;
};

const char* kColumns =
    "id int PRIMARY KEY, i2 int2, i4 int4 NOT NULL, i8 int8, n numeric(10,2), nv numeric, f4 real,"
    " f8 double precision, b bool, t text, vc varchar(20), ch char(3), by bytea, d date, tm time, tm3 time(3),"
    " ts timestamp, ts3 timestamp(3), tz timestamptz, ttz timetz, iv interval, u uuid, j json, jb jsonb,"
    " arr int[], tarr text[], m money, ip inet, gen int GENERATED ALWAYS AS (i4 * 2) STORED";
const char* kNames = "i2, i4, i8, n, nv, f4, f8, b, t, vc, ch, by, d, tm, tm3, ts, ts3, tz, ttz, iv, u, j, jb, arr, tarr, m, ip";
const std::vector<std::string> kRows = {
    "1, 2, 3, 12.34, 1.500, 3.14159265, 0.1::float8 + 0.2, true, 'héllo ✓', 'vc', 'ab', '\\x00ff', '2024-02-29',"
    " '12:34:56.789', '12:34:56.789', '2024-02-29 11:14:15.5', '2024-02-29 11:14:15.123', '2024-02-29 11:14:15.5+02',"
    " '11:14:15+02', '1 year 2 mons 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": 1}',"
    " '{\"b\": [1, 2]}', '{1,2,NULL}', '{\"x\",\"y z\"}', 1234.56, '192.168.0.1/24'",
    "-32768, -1073741824, -9223372036854775808, -99999999.99, '-0.000100', '-Infinity', 'Infinity', false, '', '', '',"
    " '\\x', '1969-12-31', '00:00:00', '23:59:59.999', '1969-12-31 23:59:59.999999', '-infinity', 'infinity',"
    " '00:00:00-05:30', '-1 days -00:00:01', '00000000-0000-0000-0000-000000000000', '[]', '{}', '{}', '{}',"
    " -0.01, '::1'",
    "NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
};

class SnapshotPg : public PgConnTest {
 protected:
  void insert_rows(const std::string& table, int id_offset) {
    for (size_t k = 0; k < kRows.size(); ++k)
      sql->exec("INSERT INTO public." + table + " (id, " + kNames + ") VALUES (" +
                std::to_string(int(k) + 1 + id_offset) + ", " + kRows[k] + ")");
  }
  PgSnapshotOptions options(const std::function<bool(const std::string&)>& include) {
    PgSnapshotOptions o;
    o.conn = params;
    o.database = params.dbname;
    o.envelope = envelope_options();
    o.include = include;
    return o;
  }
  // Streams the slot through PgDecoder until `n` changes of `table` arrived (or 20 s passed).
  std::vector<cdc::test::snapshot::Rendered> stream(PgReplicationConnection& repl, const std::string& slot,
                                                   const std::string& pub, const std::string& table, size_t n) {
    start_streaming(repl, StartOptions{slot, 0, pub, 1, true});
    TestCatalog catalog(*sql);
    DecoderOptions d;
    d.database = params.dbname;
    d.envelope = envelope_options();
    d.capture = [&](const std::string& ns, const std::string& t) { return ns == "public" && t == table; };
    PgDecoder dec(std::move(d), catalog);
    CollectingSink got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (got.events.size() < n && std::chrono::steady_clock::now() < deadline) {
      auto cd = repl.read(200);
      if (!cd) continue;
      ServerMessage m = decode_server_message(cd->bytes());
      if (auto* x = std::get_if<XLogData>(&m)) dec.feed(x->wal_start, x->data, got);
    }
    return got.events;
  }
};

TEST_F(SnapshotPg, RowsEqualPgoutputsAndTheConsistentPointHasNoGapNoOverlap) {
  std::string table = new_table(kColumns);
  std::string excluded = new_table("id int PRIMARY KEY");
  sql->exec("INSERT INTO public." + excluded + " VALUES (1), (2)");
  insert_rows(table, 0);
  std::string pub = new_publication();
  sql->exec("CREATE PUBLICATION " + pub + " FOR TABLE public." + table);
  std::string slot = new_slot();
  PgReplicationConnection& repl = open_repl();
  SlotReady ready = ensure_slot(*sql, repl, slot, {}, /*export_snapshot=*/true);
  ASSERT_TRUE(ready.created);
  ASSERT_FALSE(ready.snapshot_name.empty());

  PgSnapshot snap(options([&](const std::string& t) { return t == "public." + table; }));
  CollectingSink sink;
  PgConnection writer(params);
  bool written = false;
  sink.on_change = [&](event::ChangeEvent&) {
    if (written) return;
    written = true;  // committed while the snapshot reads: must be streamed, not snapshotted
    writer.exec("INSERT INTO public." + table + " (id, i4) VALUES (500, 7)");
  };
  PgSnapshotResult res = snap.run(ready.snapshot_name, ready.start_lsn, sink);

  ASSERT_TRUE(res.completed);
  ASSERT_EQ(sink.commits.size(), 1u);
  EXPECT_EQ(sink.commits[0].lsn, ready.start_lsn);
  EXPECT_EQ(sink.changes_at_commit[0], kRows.size());
  ASSERT_EQ(sink.events.size(), kRows.size()) << "only the included table, and not the row written during it";
  std::map<int64_t, const cdc::test::snapshot::Rendered*> snapshot;
  std::vector<std::string> markers;
  for (const auto& e : sink.events) {
    EXPECT_EQ(e.table, "public." + table);
    EXPECT_EQ(e.op, 'r');
    EXPECT_EQ(source_field(e.value, "lsn"), std::to_string(ready.start_lsn));
    auto id = event::change_id::parse(e.change_id);
    ASSERT_TRUE(id);
    EXPECT_EQ(id->major, ready.start_lsn);
    snapshot[after_int(e.value, "id")] = &e;
    markers.push_back(marker_name(e.marker));
  }
  EXPECT_EQ(markers, (std::vector<std::string>{"first", "true", "last"}));
  EXPECT_FALSE(snapshot.count(500));
  EXPECT_EQ(after_schema(sink.events[0].value).find("\"gen\""), std::string::npos)
      << "generated columns are not in pgoutput, so not in the snapshot either";

  insert_rows(table, 100);
  auto streamed = stream(repl, slot, pub, table, kRows.size() + 1);
  ASSERT_EQ(streamed.size(), kRows.size() + 1);
  EXPECT_EQ(after_int(streamed[0].value, "id"), 500) << "the first change after the consistent point is the row "
                                                        "the snapshot did not see (no gap)";
  for (size_t k = 1; k < streamed.size(); ++k) {
    int64_t id = after_int(streamed[k].value, "id");
    ASSERT_GT(id, 100) << "a row from before the snapshot was streamed again (overlap)";
    const auto& s = *snapshot.at(id - 100);
    EXPECT_EQ(after_without(s.value, "id"), after_without(streamed[k].value, "id")) << "row " << id - 100;
    EXPECT_EQ(after_schema(s.value), after_schema(streamed[k].value));
    EXPECT_LT(s.change_id, streamed[k].change_id);
  }
}

TEST_F(SnapshotPg, LargeTableIsReadWithBoundedMemory) {
  std::string table = new_table("id int PRIMARY KEY, pad text, n bigint");
  sql->exec("INSERT INTO public." + table +
            " SELECT g, repeat(chr(65 + g % 26), 1000), g * 7 FROM generate_series(1, 100000) g");
  PgReplicationConnection& repl = open_repl();
  SlotReady ready = ensure_slot(*sql, repl, new_slot(), {}, true);
  CollectingSink sink(/*keep=*/false);
  int64_t id_sum = 0;
  sink.on_change = [&](event::ChangeEvent& ev) { id_sum += ev.after.values[0].i; };
  long before = cdc::test::snapshot::vm_hwm_kb();
  auto res = PgSnapshot(options([&](const std::string& t) { return t == "public." + table; }))
                 .run(ready.snapshot_name, ready.start_lsn, sink);
  long growth_kb = cdc::test::snapshot::vm_hwm_kb() - before;
  ASSERT_TRUE(res.completed);
  EXPECT_EQ(sink.changes, 100000u);
  EXPECT_EQ(id_sum, int64_t{100000} * 100001 / 2);
  EXPECT_LT(growth_kb, 20 * 1024) << "peak RSS grew by " << growth_kb << " kB for a ~100 MB table";
}

TEST_F(SnapshotPg, ASnapshotWhoseExporterIsGoneFailsClearly) {
  std::string table = new_table("id int PRIMARY KEY");
  std::string name;
  Lsn lsn = 0;
  {
    PgReplicationConnection repl(params);
    std::string slot = new_slot();
    SlotReady ready = ensure_slot(*sql, repl, slot, {}, true);
    name = ready.snapshot_name;
    lsn = ready.start_lsn;
  }  // the exporting connection closes: its snapshot ends with it
  CollectingSink sink;
  try {
    PgSnapshot(options({})).run(name, lsn, sink);
    FAIL() << "importing a dead snapshot must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dropped and created again"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(sink.commits.empty());
}

}  // namespace
}  // namespace cdc::pg::test
