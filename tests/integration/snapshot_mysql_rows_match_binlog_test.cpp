// The MySQL/MariaDB snapshot produces, for every column type, exactly the schema and values the binlog
// decoder produces for the same row, and its position has neither gap nor overlap: rows written before
// the snapshot are in it and not in the stream after its position; a row written while the snapshot
// runs is not in it and is the first change of the stream; excluded tables contribute nothing.
#include <gtest/gtest.h>

#include <map>

#include "event/change_id.h"
#include "mysql/snapshot/mysql_snapshot.h"
#include "tests/integration/snapshot_mysql_support.h"

namespace cdc::test::snapshot {
namespace {

const char* kColumns =
    "id INT PRIMARY KEY, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT,"
    " miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, f FLOAT, f2 FLOAT(7,3),"
    " d DOUBLE, dec1 DECIMAL(10,2), dec2 DECIMAL(30,10), b1 BIT(1), b10 BIT(10), dt DATE, tm TIME,"
    " tm6 TIME(6), dtm DATETIME, dtm3 DATETIME(3), dtm6 DATETIME(6), ts TIMESTAMP NULL, ts3 TIMESTAMP(3) NULL,"
    " c CHAR(5), vc VARCHAR(50), lat VARCHAR(20) CHARACTER SET latin1, txt TEXT, bn BINARY(4), vb VARBINARY(10),"
    " bl BLOB, e ENUM('a','b,c','d''e'), st SET('x','y','z'), j JSON, n INT NULL,"
    " yr YEAR";

// Row values after the id; each row is inserted twice: before the snapshot (id) and after it (id + 100).
const std::vector<std::string> kRows = {
    "-128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808,"
    " 9223372036854775807, 3.14159265, 3.14159265, 0.1e0 + 0.2e0, -1234.11, -12345678901234567890.0123456789,"
    " b'1', b'1000000001', '1969-12-31', '-838:59:59', '-00:00:01.500000', '1000-01-01 00:00:00',"
    " '2024-02-29 11:14:15.125', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '2038-01-19 03:14:07.999',"
    " 'ab', 'héllo ✓', 'café', REPEAT('t', 300), 'ab', x'00ff', x'000102', 'b,c', 'x,z',"
    " '{\"a\": [1, 2.5, \"x\"], \"b\": null}', -5, 1901",
    "127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, -1.5e-30, -1.0, 1e300, 0.00,"
    " 0.0000000001, b'0', b'0', '2024-02-29', '838:59:59', '12:34:56.123456', '2024-02-29 11:14:15',"
    " '1969-12-31 23:59:59.001', '1960-06-15 01:02:03.000004', '2024-02-29 11:14:15', '2024-02-29 11:14:15.5',"
    " '', '', '', '', x'ffffffff', '', '', 'd''e', '', '[]', 0, 2155",
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
    " NULL",
    // Zero dates (sql_mode ''): the decoder makes them null.
    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '0000-00-00', '00:00:00', '00:00:00',"
    " '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', NULL,"
    " 'z', 'z', 'z', 'z', 'z', 'z', 'z', 'a', 'y', '{}', NULL, 0",
};

void insert_rows(MysqlConn& sql, const std::string& table, int id_offset) {
  sql.exec("SET SESSION time_zone = '+00:00'");
  sql.exec("SET SESSION sql_mode = ''");
  for (size_t k = 0; k < kRows.size(); ++k)
    sql.exec("INSERT INTO " + table + " VALUES (" + std::to_string(int(k) + 1 + id_offset) + ", " + kRows[k] + ")");
  sql.exec("SET SESSION sql_mode = DEFAULT");
}

TEST(SnapshotMysql, RowsEqualTheBinlogDecodersAndThePositionHasNoGapNoOverlap) {
  CDC_REQUIRE_TEST_ENV(env);
  const std::string db = env.mysql().db;
  const std::string table = "snap_types_" + unique_suffix(), excluded = "snap_excl_" + unique_suffix();
  MysqlConn sql(env.mysql());
  sql.exec("CREATE TABLE " + table + " (" + kColumns + ")");
  sql.exec("CREATE TABLE " + excluded + " (id INT PRIMARY KEY)");
  sql.exec("INSERT INTO " + excluded + " VALUES (1), (2)");
  insert_rows(sql, table, 0);

  mysql::MysqlSnapshotOptions o;
  o.connect = mysql::test::connect_options(env);
  o.envelope = envelope_options();
  // Every table of this test's own, so other tests' tables in the shared database stay out.
  o.include = [&](const std::string& t) { return t == db + "." + table; };
  mysql::MysqlSnapshot snap(o);
  CollectingSink sink;
  MysqlConn writer(env.mysql());
  bool written = false;
  sink.on_change = [&](event::ChangeEvent&) {
    if (written) return;
    written = true;  // committed while the snapshot reads: must be streamed, not snapshotted
    writer.exec("INSERT INTO " + table + " (id, vc) VALUES (500, 'during')");
  };
  mysql::MysqlSnapshotResult res = snap.run(sink);

  ASSERT_TRUE(res.completed);
  ASSERT_EQ(sink.commits.size(), 1u);
  EXPECT_EQ(sink.commits[0], res.position);
  EXPECT_EQ(sink.changes_at_commit[0], kRows.size()) << "commit comes once, after the last row";
  EXPECT_EQ(res.flavor, mysql::Flavor::mariadb);
  ASSERT_EQ(sink.events.size(), kRows.size());
  std::map<int64_t, const Rendered*> snapshot;
  for (const auto& e : sink.events) {
    EXPECT_EQ(e.table, db + "." + table) << "only the included table";
    EXPECT_EQ(e.op, 'r');
    EXPECT_EQ(source_field(e.value, "file"), "\"" + res.position.file + "\"");
    EXPECT_EQ(source_field(e.value, "pos"), std::to_string(res.position.pos));
    // Snapshot change ids sit just before the position, so they sort before every streamed change.
    auto id = event::change_id::parse(e.change_id);
    ASSERT_TRUE(id) << e.change_id;
    EXPECT_EQ(id->minor + 1, res.position.pos);
    snapshot[after_int(e.value, "id")] = &e;
  }
  for (int id = 1; id <= int(kRows.size()); ++id) EXPECT_TRUE(snapshot.count(id)) << "row " << id;
  EXPECT_FALSE(snapshot.count(500)) << "a row committed after the snapshot started is not in it";

  // A few values straight against SELECT (the decoder's own tests cover every type against SELECT).
  const Rendered& r1 = *snapshot.at(1);
  simdjson::dom::parser p;
  simdjson::dom::element after = p.parse(r1.value)["payload"]["after"];
  EXPECT_EQ(std::string_view(after["vc"]), sql.scalar("SELECT vc FROM " + table + " WHERE id = 1"));
  EXPECT_EQ(int64_t(after["dt"]), std::stoll(sql.scalar("SELECT DATEDIFF(dt, '1970-01-01') FROM " + table + " WHERE id = 1")));
  EXPECT_EQ(int64_t(after["bi"]), std::stoll(sql.scalar("SELECT bi FROM " + table + " WHERE id = 1")));
  EXPECT_EQ(std::string_view(after["ts3"]), "2038-01-19T03:14:07.999Z");

  // The same values written after the snapshot, as the binlog decoder sees them.
  insert_rows(sql, table, 100);
  auto streamed = stream_table(env, res.position, db, table,
                               [&](const std::vector<Rendered>& got) { return got.size() >= kRows.size() + 1; });
  ASSERT_EQ(streamed.size(), kRows.size() + 1);
  EXPECT_EQ(after_int(streamed[0].value, "id"), 500) << "the first change after the position is the one the "
                                                        "snapshot did not see (no gap)";
  for (size_t k = 1; k < streamed.size(); ++k) {
    int64_t id = after_int(streamed[k].value, "id");
    ASSERT_GT(id, 100) << "a row from before the snapshot was streamed again (overlap)";
    const Rendered& snap_row = *snapshot.at(id - 100);
    EXPECT_EQ(after_without(snap_row.value, "id"), after_without(streamed[k].value, "id")) << "row " << id - 100;
    EXPECT_EQ(after_schema(snap_row.value), after_schema(streamed[k].value));
  }
  sql.exec("DROP TABLE " + table);
  sql.exec("DROP TABLE " + excluded);
}

}  // namespace
}  // namespace cdc::test::snapshot
