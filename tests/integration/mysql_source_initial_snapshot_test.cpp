// snapshot: initial reads the rows that existed before the agent started (op "r", snapshot markers), then
// streams from the snapshot's position: every later change exactly once, none of the earlier ones again.
// snapshot: initial_only stops by itself once the snapshot is delivered and stored.
#include <gtest/gtest.h>

#include "mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class InitialSnapshot : public SourceTest {};

TEST_F(InitialSnapshot, ExistingRowsThenStreamWithoutGapOrOverlap) {
  sql->exec("CREATE TABLE " + db + ".items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(8,2))");
  sql->exec("CREATE TABLE " + db + ".empty_one (id INT PRIMARY KEY)");
  for (int i = 1; i <= 50; ++i)
    sql->exec("INSERT INTO " + db + ".items VALUES (" + std::to_string(i) + ", 'item" + std::to_string(i) + "', " +
              std::to_string(i) + ".25)");
  snapshot_mode = "initial";
  write_config();
  start_agent();  // returns once the snapshot's position is stored
  sql->exec("INSERT INTO " + db + ".items VALUES (51, 'late', 1.00)");
  sql->exec("UPDATE " + db + ".items SET name='changed' WHERE id=1");
  auto recs = records("items", 52);
  EXPECT_EQ(stop_agent(), 0) << agent_log();

  std::vector<std::string> ops, snapshots;
  std::vector<int64_t> ids;
  for_each_value(recs, [&](const KafkaRecord&, simdjson::dom::element v) {
    ops.emplace_back(std::string_view(v["op"].get_string().value()));
    snapshots.emplace_back(std::string_view(v["source"]["snapshot"].get_string().value()));
    ids.push_back(row_int(v, "id"));
  });
  ASSERT_EQ(ops.size(), 52u) << agent_log();
  for (size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(ops[i], "r") << i;
    EXPECT_EQ(ids[i], static_cast<int64_t>(i + 1));
  }
  EXPECT_EQ(snapshots.front(), "first");
  EXPECT_TRUE(snapshots[49] == "last" || snapshots[49] == "last_in_data_collection") << snapshots[49];
  EXPECT_EQ(ops[50], "c");
  EXPECT_EQ(ids[50], 51);
  EXPECT_EQ(snapshots[50], "false");
  EXPECT_EQ(ops[51], "u");
  EXPECT_EQ(ids[51], 1);
}

TEST_F(InitialSnapshot, InitialOnlyExitsCleanlyAfterTheSnapshot) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
  sql->exec("INSERT INTO " + db + ".t VALUES (1),(2),(3)");
  snapshot_mode = "initial_only";
  write_config();
  agent = std::make_unique<AgentProcess>(dir / "agent.yaml", dir / "agent.log");
  auto rc = agent->wait_exit(60s);
  ASSERT_TRUE(rc.has_value()) << "initial_only did not stop by itself\n" << agent_log();
  EXPECT_EQ(*rc, 0) << agent_log();
  EXPECT_TRUE(offset().has_value()) << "the snapshot's position was not stored";
  auto recs = records("t", 3);
  EXPECT_EQ(recs.size(), 3u);
}

}  // namespace
}  // namespace cdc::test::msrc
