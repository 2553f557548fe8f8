// A slot held by another walsender is waited for with backoff for a bounded time: the agent streams as
// soon as the other consumer lets go, and otherwise gives up with exit 69 naming the holder's pid.
#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using namespace std::chrono_literals;
using SlotBusyRetry = PgConnTest;
using Clock = std::chrono::steady_clock;

TEST_F(SlotBusyRetry, GivesUpAfterTheLimitNamingTheHoldersPid) {
  std::string t = new_table("id int PRIMARY KEY");
  auto& holder = open_repl();
  Stream s = new_stream(t, holder);
  start_streaming(holder, {s.slot, 0, s.publication});
  std::string pid = "pid " + std::to_string(holder.backend_pid());
  BusyRetry busy{1500ms, 200ms, 400ms};

  auto& second = open_repl();
  auto t0 = Clock::now();
  try {
    ensure_slot(*sql, second, s.slot, busy);
    FAIL() << "ensure_slot accepted a slot in use";
  } catch (const PgSlotBusy& e) {
    EXPECT_EQ(e.code(), ExitCode::source_unusable);
    EXPECT_NE(std::string(e.what()).find(pid), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("still in use after"), std::string::npos) << e.what();
  }
  auto waited = Clock::now() - t0;
  EXPECT_GE(waited, 1000ms);
  EXPECT_LT(waited, 5s);

  // START_REPLICATION itself reports the same conflict the same way.
  try {
    start_streaming(second, {s.slot, 0, s.publication}, busy);
    FAIL() << "START_REPLICATION succeeded on a slot in use";
  } catch (const PgSlotBusy& e) {
    EXPECT_EQ(e.code(), ExitCode::source_unusable);
    EXPECT_EQ(e.pid(), holder.backend_pid());
    EXPECT_NE(std::string(e.what()).find(pid), std::string::npos) << e.what();
  }
  EXPECT_FALSE(second.streaming());
}

TEST_F(SlotBusyRetry, StreamsOnceTheOtherConsumerLetsGo) {
  std::string t = new_table("id int PRIMARY KEY");
  std::optional<PgReplicationConnection> holder(std::in_place, params);
  Stream s = new_stream(t, *holder);
  start_streaming(*holder, {s.slot, 0, s.publication});

  std::thread release([&] {
    std::this_thread::sleep_for(800ms);
    holder.reset();
  });
  auto& second = open_repl();
  auto t0 = Clock::now();
  EXPECT_NO_THROW(start_streaming(second, {s.slot, 0, s.publication}, BusyRetry{20s, 200ms, 500ms}));
  release.join();
  EXPECT_GE(Clock::now() - t0, 700ms);
  EXPECT_TRUE(second.streaming());

  sql->exec("INSERT INTO public." + t + " VALUES (1)");
  auto frames = read_until(second, [](const Frame& f) { return f.kind == 'w' && f.message_type() == 'C'; });
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().message_type(), 'C');
}

}  // namespace
}  // namespace cdc::pg::test
