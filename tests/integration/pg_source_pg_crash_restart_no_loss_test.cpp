// A crash-like PostgreSQL restart (`pg_ctl stop -m immediate`) while the agent streams loses nothing:
// the agent reconnects with backoff, resumes from its slot, and every committed row reaches Kafka.
// Restarts the shared server: registered RUN_SERIAL.
#include <set>
#include <string>

#include "tests/integration/pg_source_support.h"
#include "tests/support/http_get.h"

namespace cdc::pg::test {
namespace {

class PgSourceCrashRestart : public PgSourceTest {};

std::set<int> created_ids(const std::vector<Change>& all) {
  std::set<int> ids;
  for (const auto& c : all)
    if (c.op == 'c') ids.insert(std::stoi(*c.after("id")));
  return ids;
}

TEST_F(PgSourceCrashRestart, ImmediateRestartMidStreamLosesNothing) {
  std::string t = create_table("crash", "(id int PRIMARY KEY, v text)");
  const int port = cdc::test::free_loopback_port();
  start_agent({t}, "metrics:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n");
  EXPECT_TRUE(eventually([&] { return cdc::test::http_get(port, "/readyz").status == 200; }, 30s));

  pg().exec("INSERT INTO " + t + " SELECT g, md5(g::text) FROM generate_series(1, 10000) g");
  for (int i = 10001; i <= 10050; ++i) pg().exec("INSERT INTO " + t + " VALUES (" + std::to_string(i) + ", 'small')");
  ASSERT_EQ(env.ctl("pg-restart immediate"), 0);

  reconnect();  // the old connection died with the server
  for (int i = 10051; i <= 10100; ++i) pg().exec("INSERT INTO " + t + " VALUES (" + std::to_string(i) + ", 'after')");

  // Resuming from the slot replays what was not acknowledged yet, so wait for distinct ids, not records.
  std::set<int> ids;
  eventually([&] { return (ids = created_ids(changes(t, 10100, 2s))).size() >= 10100u; }, 90s);
  EXPECT_EQ(ids.size(), 10100u);
  EXPECT_EQ(*ids.begin(), 1);
  EXPECT_EQ(*ids.rbegin(), 10100);
  EXPECT_TRUE(agent().running()) << "the agent gave up instead of reconnecting";
  // Reconnected and streaming again: ready, alive, and the restart never counted as a wedge.
  EXPECT_TRUE(eventually([&] { return cdc::test::http_get(port, "/readyz").status == 200; }, 30s))
      << cdc::test::http_get(port, "/readyz").raw;
  EXPECT_EQ(cdc::test::http_get(port, "/healthz").status, 200);
  EXPECT_NE(cdc::test::http_get(port, "/metrics").raw.find("cdc_streaming{name=\"" + name() + "\",source=\"postgres\"} 1"),
            std::string::npos);
  EXPECT_NE(agent().log().find("reconnecting"), std::string::npos);
  EXPECT_EQ(agent().terminate(), 0);
}

}  // namespace
}  // namespace cdc::pg::test
