// A 100k-row table (~100 MB of row data) is snapshotted with memory bounded by one row at a time: the
// process's peak RSS grows by far less than the table's size.
#include <gtest/gtest.h>

#include "mysql/snapshot/mysql_snapshot.h"
#include "tests/integration/snapshot_mysql_support.h"

namespace cdc::test::snapshot {
namespace {

TEST(SnapshotMysqlLargeTable, PeakMemoryStaysFarBelowTheTableSize) {
  CDC_REQUIRE_TEST_ENV(env);
  const std::string table = "snap_big_" + unique_suffix();
  MysqlConn sql(env.mysql());
  sql.exec("CREATE TABLE " + table + " (id INT PRIMARY KEY, pad VARCHAR(1000), n BIGINT)");
  sql.exec("INSERT INTO " + table + " SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000), seq * 7 FROM seq_1_to_100000");

  mysql::MysqlSnapshotOptions o;
  o.connect = mysql::test::connect_options(env);
  o.envelope = envelope_options();
  o.include = [&](const std::string& t) { return t == env.mysql().db + "." + table; };
  CollectingSink sink(/*keep=*/false);
  int64_t id_sum = 0;
  sink.on_change = [&](event::ChangeEvent& ev) { id_sum += ev.after.values[0].i; };
  long before = vm_hwm_kb();
  auto res = mysql::MysqlSnapshot(o).run(sink);
  long growth_kb = vm_hwm_kb() - before;

  ASSERT_TRUE(res.completed);
  EXPECT_EQ(sink.changes, 100000u);
  EXPECT_EQ(id_sum, int64_t{100000} * 100001 / 2) << "every row exactly once";
  EXPECT_LT(growth_kb, 20 * 1024) << "peak RSS grew by " << growth_kb << " kB for a ~100 MB table";
  sql.exec("DROP TABLE " + table);
}

}  // namespace
}  // namespace cdc::test::snapshot
