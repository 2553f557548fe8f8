// The server restarts while the agent streams (tests/env/ctl mysql-restart): the agent reconnects on its
// own, resumes after the last transaction it handed on, and every row written before and after the
// restart reaches Kafka. Restarts the shared server, so it runs alone (RUN_SERIAL).
#include <gtest/gtest.h>

#include <set>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class ServerRestart : public SourceTest {};

TEST_F(ServerRestart, AgentReconnectsAndLosesNothing) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
  start_agent();
  for (int i = 1; i <= 50; ++i) sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(i) + ")");
  ASSERT_EQ(env.ctl("mysql-restart"), 0);
  sql = std::make_unique<RootSql>(env);  // the old session died with the server
  for (int i = 51; i <= 100; ++i) sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(i) + ")");
  // A reconnect replays from the stored offset, so wait for 100 distinct ids, not 100 records.
  std::set<int64_t> ids;
  auto deadline = std::chrono::steady_clock::now() + 90s;
  do {
    ids.clear();
    for_each_value(records("t", 100, 2s), [&](const KafkaRecord&, simdjson::dom::element v) { ids.insert(row_int(v, "id")); });
  } while (ids.size() < 100 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(*ids.begin(), 1);
  EXPECT_EQ(*ids.rbegin(), 100);
  EXPECT_TRUE(agent->running()) << "the agent should have reconnected, not exited";
  EXPECT_NE(agent_log().find("reconnecting"), std::string::npos);
  EXPECT_EQ(stop_agent(), 0);
}

}  // namespace
}  // namespace cdc::test::msrc
