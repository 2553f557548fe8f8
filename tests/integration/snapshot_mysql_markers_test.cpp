// source.snapshot markers follow Debezium's rules across tables (first / first_in_data_collection /
// true / last_in_data_collection / last, with empty tables in between and at the end), and a stop
// requested mid-snapshot ends it without the commit, so nothing of it can be acknowledged.
#include <gtest/gtest.h>

#include "mysql/snapshot/mysql_snapshot.h"
#include "tests/integration/snapshot_mysql_support.h"

namespace cdc::test::snapshot {
namespace {

class SnapshotMarkers : public ::testing::Test {
 protected:
  void SetUp() override {
    env = TestEnv::load();
    if (!env.available()) GTEST_SKIP() << env.skip_reason();
    sql = std::make_unique<MysqlConn>(env.mysql());
    prefix = "snap_mk_" + unique_suffix() + "_";
    // Listed in name order: a (3 rows), b (1), c (empty), d (2), e (empty, last).
    for (auto [t, n] : std::vector<std::pair<std::string, int>>{{"a", 3}, {"b", 1}, {"c", 0}, {"d", 2}, {"e", 0}}) {
      sql->exec("CREATE TABLE " + prefix + t + " (id INT PRIMARY KEY)");
      for (int i = 1; i <= n; ++i) sql->exec("INSERT INTO " + prefix + t + " VALUES (" + std::to_string(i) + ")");
      tables.push_back(prefix + t);
    }
  }
  void TearDown() override {
    for (const auto& t : tables) sql->exec("DROP TABLE IF EXISTS " + t);
  }
  mysql::MysqlSnapshotOptions options() {
    mysql::MysqlSnapshotOptions o;
    o.connect = mysql::test::connect_options(env);
    o.envelope = envelope_options();
    std::string db = env.mysql().db;
    o.include = [this, db](const std::string& t) { return t.rfind(db + "." + prefix, 0) == 0; };
    return o;
  }
  TestEnv env;
  std::unique_ptr<MysqlConn> sql;
  std::string prefix;
  std::vector<std::string> tables;
};

TEST_F(SnapshotMarkers, FollowDebeziumAcrossTablesIncludingEmptyOnes) {
  mysql::MysqlSnapshot snap(options());
  CollectingSink sink;
  auto res = snap.run(sink);
  ASSERT_TRUE(res.completed);
  EXPECT_EQ(res.tables, 5u);
  std::vector<std::string> got;
  for (const auto& e : sink.events) got.push_back(e.table.substr(e.table.size() - 1) + ":" + marker_name(e.marker));
  std::vector<std::string> want = {"a:first", "a:true", "a:last_in_data_collection", "b:last_in_data_collection",
                                   "d:first_in_data_collection", "d:last"};
  EXPECT_EQ(got, want);
  // The envelope carries the marker as Debezium's string.
  EXPECT_EQ(source_field(sink.events.front().value, "snapshot"), "\"first\"");
  EXPECT_EQ(source_field(sink.events.back().value, "snapshot"), "\"last\"");
  // Change ids increase in emission order.
  for (size_t i = 1; i < sink.events.size(); ++i) EXPECT_LT(sink.events[i - 1].change_id, sink.events[i].change_id);
  ASSERT_EQ(sink.commits.size(), 1u);
  EXPECT_EQ(sink.changes_at_commit[0], 6u);
}

TEST_F(SnapshotMarkers, StopRequestedEndsWithoutCommit) {
  auto o = options();
  CollectingSink sink;
  o.stop_requested = [&] { return sink.changes >= 2; };
  mysql::MysqlSnapshot snap(o);
  auto res = snap.run(sink);
  EXPECT_FALSE(res.completed);
  EXPECT_TRUE(sink.commits.empty()) << "an interrupted snapshot must leave nothing to acknowledge";
  EXPECT_EQ(sink.changes, 2u);
  // The server session of the interrupted snapshot is gone; a new snapshot runs normally.
  CollectingSink again;
  auto res2 = mysql::MysqlSnapshot(options()).run(again);
  EXPECT_TRUE(res2.completed);
  EXPECT_EQ(again.changes, 6u);
}

}  // namespace
}  // namespace cdc::test::snapshot
