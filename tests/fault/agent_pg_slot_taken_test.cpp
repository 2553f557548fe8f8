// Two `cdc-agent run` with the same PostgreSQL slot (one configuration started twice): the second waits
// for the slot for its bounded time (BusyRetry, 60 s, src/postgres/conn/pg_slot.h), then exits 69 naming
// the slot, the pid holding it and the fix; the first keeps streaming undisturbed.
#include <chrono>
#include <filesystem>
#include <set>
#include <string>

#include "tests/integration/pg_source_support.h"

namespace cdc::pg::test {
namespace {

using TwoAgentsOneSlot = PgSourceTest;

TEST_F(TwoAgentsOneSlot, SecondAgentExits69NamingTheSlotAndTheHolder) {
  const std::string t = create_table("t", "(id int PRIMARY KEY)");
  Agent& first = start_agent({t});
  const std::string holder_pid =
      pg().scalar("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + name() + "'");

  // The same configuration again; its own log file.
  const std::filesystem::path config = std::filesystem::path(state_dir()).parent_path() / "agent.yaml";
  const std::filesystem::path second_dir = config.parent_path() / "second";
  std::filesystem::create_directories(second_dir);
  const auto t0 = Clock::now();
  Agent second(config.string(), second_dir.string());
  const int rc = second.wait(150s);
  const auto waited = Clock::now() - t0;
  const std::string log = second.log();
  EXPECT_EQ(rc, 69) << "a slot held by another agent makes the source unusable (CONTRACT.md)\n" << log;
  EXPECT_NE(log.find("replication slot \"" + name() + "\" is in use by pid " + holder_pid), std::string::npos) << log;
  EXPECT_NE(log.find("still in use after"), std::string::npos) << "the retry was bounded:\n" << log;
  EXPECT_NE(log.find("give this agent its own postgres.slot"), std::string::npos) << "names the fix:\n" << log;
  EXPECT_GE(waited, 50s) << "gave up before its bounded retry";

  // The first agent was not disturbed: it still streams, and what it reads arrives.
  ASSERT_TRUE(first.running()) << first.log();
  pg().exec("INSERT INTO " + t + " VALUES (1), (2)");
  std::set<std::string> ids;
  for (const auto& c : changes(t, 2)) ids.insert(*c.after("id"));
  EXPECT_EQ(ids, (std::set<std::string>{"1", "2"}));
  EXPECT_EQ(first.terminate(), 0);
}

}  // namespace
}  // namespace cdc::pg::test
