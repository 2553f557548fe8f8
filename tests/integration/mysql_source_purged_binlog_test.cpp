// The agent's stored binlog file was purged while it was stopped. When transactions after the stored
// position went with it, restarting exits 69 (source unusable) with a message that names the file and says
// what to do, instead of retrying forever or skipping data. When the server still has every transaction
// after the stored GTID set, the agent resumes by that set instead.
// Purges the shared server's binlogs, so it runs alone (RUN_SERIAL).
#include <gtest/gtest.h>

#include <map>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class PurgedBinlog : public SourceTest {
 protected:
  // Runs the agent until row 1 is delivered and stops it; `lost_write` inserts row 2 before the purge, so
  // the purged files hold a transaction the agent never read. Returns the stored offset.
  Offset deliver_then_purge(bool lost_write) {
    sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
    start_agent();
    sql->exec("INSERT INTO " + db + ".t VALUES (1)");
    EXPECT_EQ(records("t", 1).size(), 1u);
    EXPECT_EQ(stop_agent(), 0);
    auto stored = offset();
    EXPECT_TRUE(stored);
    if (!stored) return {};
    if (lost_write) sql->exec("INSERT INTO " + db + ".t VALUES (2)");

    for (int i = 0; i < 3; ++i) sql->exec("FLUSH BINARY LOGS");
    std::string newest = *sql->query("SHOW MASTER STATUS").at(0).at(0);
    // The server keeps a file that a (just closed) dump thread still holds: retry until it is gone.
    auto purged = [&] {
      sql->exec("PURGE BINARY LOGS TO '" + newest + "'");
      for (const auto& row : sql->query("SHOW BINARY LOGS"))
        if (*row.at(0) == stored->file) return false;
      return true;
    };
    EXPECT_TRUE(wait_for(purged, 20s)) << stored->file << " was not purged";
    return *stored;
  }
};

TEST_F(PurgedBinlog, RestartExits69NamingTheFileAndTheFix) {
  auto stored = deliver_then_purge(true);
  ASSERT_FALSE(HasFailure());

  agent = std::make_unique<AgentProcess>(dir / "agent.yaml", dir / "agent.log");
  auto rc = agent->wait_exit(30s);
  ASSERT_TRUE(rc) << "the agent kept running with its binlog file gone";
  EXPECT_EQ(*rc, 69);
  std::string log = agent_log();
  EXPECT_NE(log.find(stored.file), std::string::npos) << "the error should name " << stored.file;
  EXPECT_NE(log.find("offset file"), std::string::npos) << "the error should say how to recover";
  EXPECT_NE(log.find("were purged"), std::string::npos) << "the error should say why GTIDs cannot resume either";
}

TEST_F(PurgedBinlog, NothingLostResumesByGtidSet) {
  auto stored = deliver_then_purge(false);
  ASSERT_FALSE(HasFailure());
  size_t log_mark = agent_log().size();
  start_agent();
  sql->exec("INSERT INTO " + db + ".t VALUES (3)");
  std::map<int64_t, int> ids;
  ASSERT_TRUE(wait_for([&] {
    ids.clear();
    for_each_value(records("t", 2, 2s), [&](const KafkaRecord&, simdjson::dom::element v) { ++ids[row_int(v, "id")]; });
    return ids.count(3) > 0;
  }, 60s)) << "row 3 did not arrive after the GTID resume";
  EXPECT_EQ(ids[1], 1) << "row 1 was replayed";
  EXPECT_EQ(ids.size(), 2u);
  ASSERT_EQ(stop_agent(), 0);
  std::string log = agent_log().substr(log_mark);
  EXPECT_NE(log.find(stored.file + " is no longer on the server"), std::string::npos);
  EXPECT_NE(log.find("resuming by GTID set " + stored.gtid_set), std::string::npos);
}

}  // namespace
}  // namespace cdc::test::msrc
