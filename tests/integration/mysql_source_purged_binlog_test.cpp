// The agent's stored binlog file was purged while it was stopped: restarting exits 69 (source unusable)
// with a message that names the file and says what to do, instead of retrying forever or skipping data.
// Purges the shared server's binlogs, so it runs alone (RUN_SERIAL).
#include <gtest/gtest.h>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class PurgedBinlog : public SourceTest {};

TEST_F(PurgedBinlog, RestartExits69NamingTheFileAndTheFix) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
  start_agent();
  sql->exec("INSERT INTO " + db + ".t VALUES (1)");
  ASSERT_EQ(records("t", 1).size(), 1u);
  ASSERT_EQ(stop_agent(), 0);
  auto stored = offset();
  ASSERT_TRUE(stored);

  for (int i = 0; i < 3; ++i) sql->exec("FLUSH BINARY LOGS");
  std::string newest = *sql->query("SHOW MASTER STATUS").at(0).at(0);
  // The server keeps a file that a (just closed) dump thread still holds: retry until it is gone.
  auto purged = [&] {
    sql->exec("PURGE BINARY LOGS TO '" + newest + "'");
    for (const auto& row : sql->query("SHOW BINARY LOGS"))
      if (*row.at(0) == stored->file) return false;
    return true;
  };
  ASSERT_TRUE(wait_for(purged, 20s)) << stored->file << " was not purged";

  agent = std::make_unique<AgentProcess>(dir / "agent.yaml", dir / "agent.log");
  auto rc = agent->wait_exit(30s);
  ASSERT_TRUE(rc) << "the agent kept running with its binlog file gone";
  EXPECT_EQ(*rc, 69);
  std::string log = agent_log();
  EXPECT_NE(log.find(stored->file), std::string::npos) << "the error should name " << stored->file;
  EXPECT_NE(log.find("offset file"), std::string::npos) << "the error should say how to recover";
}

}  // namespace
}  // namespace cdc::test::msrc
