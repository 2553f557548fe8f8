// A row whose envelope is larger than the producer's message.max.bytes, streamed by the real
// `cdc-agent run` from PostgreSQL: the agent stops loudly (exit 70, the error names the topic, hence
// the table, and the setting to raise), and the slot's confirmed_flush_lsn stays before that row, so
// after the limit is raised a restart delivers it. Rows committed before it are acknowledged.
#include <memory>
#include <set>
#include <string>

#include "tests/fault/agent_fault_support.h"
#include "tests/integration/pg_source_support.h"

namespace cdc::pg::test {
namespace {

class OversizedRowPg : public PgSourceTest {
 protected:
  // Starts `cdc-agent run -c config` (not start_agent(), which writes its own configuration).
  std::unique_ptr<Agent> launch(const std::string& config) {
    // The walsender of the agent that just exited may hold the slot for a moment.
    EXPECT_TRUE(eventually([&] { return !slot_active(); }, 20s)) << "the slot stayed active";
    return std::make_unique<Agent>(config, std::filesystem::path(config).parent_path().string());
  }
  bool slot_active() {
    return pg().scalar("SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" + name() + "'") == "1";
  }
};

TEST_F(OversizedRowPg, StopsWithExit70AndTheSlotStaysBeforeTheRow) {
  const std::string t = create_table("blobs", "(id int PRIMARY KEY, body text)");
  // No heartbeat: then every acknowledged position is the end of a delivered transaction.
  const std::string config = write_config({t}, "heartbeat:\n  interval_ms: 0\n");
  cdc::test::set_kafka_property(config, "message.max.bytes", "20000");
  auto agent = launch(config);
  // START_REPLICATION sent (logged), not just an active slot: a slot is active while it still waits for
  // its consistent point, and rows committed before that point are not in it.
  ASSERT_TRUE(eventually([&] {
    return (slot_active() && agent->log().find("streaming slot") != std::string::npos) || !agent->running();
  }, 60s));
  ASSERT_TRUE(agent->running()) << agent->log();

  for (int id = 1; id <= 5; ++id) pg().exec("INSERT INTO " + t + " VALUES (" + std::to_string(id) + ", 'small')");
  Lsn small_last = 0;
  for (const auto& c : changes(t, 5)) small_last = std::max(small_last, c.lsn);
  ASSERT_NE(small_last, 0u) << agent->log();
  ASSERT_TRUE(eventually([&] { return confirmed_flush() > small_last; }, 60s))
      << "the rows before the big one were never acknowledged";

  // ~50 KB of text: the envelope is larger than message.max.bytes (20000).
  pg().exec("INSERT INTO " + t + " VALUES (6, repeat('x', 50000))");
  for (int id = 7; id <= 8; ++id) pg().exec("INSERT INTO " + t + " VALUES (" + std::to_string(id) + ", 'after')");

  EXPECT_EQ(agent->wait(90s), 70) << "a permanent producer error exits 70 (CONTRACT.md)\n" << agent->log();
  const std::string log = agent->log();
  EXPECT_NE(log.find(topic(t)), std::string::npos) << "the error names the topic of the table";
  EXPECT_NE(log.find("message.max.bytes"), std::string::npos) << "the error names the limit to raise";
  std::cout << "agent error: " << cdc::test::line_with(log, "message.max.bytes") << "\n";
  const Lsn at_failure = confirmed_flush();
  EXPECT_GT(at_failure, small_last) << "rows before the big one stay acknowledged";

  // A restart with the old limit meets the same row again.
  agent = launch(config);
  EXPECT_EQ(agent->wait(90s), 70) << agent->log();
  const Lsn at_second_failure = confirmed_flush();

  // With the limit raised, the restart delivers the row and everything after it.
  cdc::test::set_kafka_property(config, "message.max.bytes", "1000000");
  agent = launch(config);
  std::set<int> ids;
  Lsn big_lsn = 0;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& c : changes(t, 8, 10s)) {
          ids.insert(std::stoi(*c.after("id")));
          if (*c.after("id") == "6") big_lsn = c.lsn;
        }
        return ids.size() == 8;
      },
      90s))
      << "distinct ids delivered: " << ids.size() << "\n" << agent->log();
  EXPECT_LE(at_failure, big_lsn) << "the slot had passed the row Kafka refused";
  EXPECT_LE(at_second_failure, big_lsn) << "the restart moved the slot past the row Kafka refused";
  EXPECT_EQ(agent->terminate(), 0);
}

}  // namespace
}  // namespace cdc::pg::test
