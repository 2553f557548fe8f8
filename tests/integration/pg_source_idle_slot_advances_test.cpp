// "Idle WAL protection": with no change to any captured table, and with only uncaptured tables
// changing, the agent's heartbeat messages still move the slot's confirmed_flush_lsn forward, so the
// server can recycle WAL.
#include <string>

#include "tests/integration/pg_source_support.h"

namespace cdc::pg::test {
namespace {

class PgSourceIdleSlot : public PgSourceTest {};

TEST_F(PgSourceIdleSlot, HeartbeatsAdvanceConfirmedFlush) {
  std::string captured = create_table("idle", "(id int PRIMARY KEY)");
  std::string other = create_table("busy_uncaptured", "(id int PRIMARY KEY, v text)");
  start_agent({captured}, "heartbeat:\n  interval_ms: 200\n");

  // Only an uncaptured table changes: its WAL must not pin the slot.
  pg().exec("INSERT INTO " + other + " SELECT g, repeat('w', 200) FROM generate_series(1, 5000) g");
  Lsn after_writes = current_lsn();
  EXPECT_TRUE(eventually([&] { return confirmed_flush() >= after_writes; }, 15s))
      << "slot stuck at " << format_lsn(confirmed_flush()) << ", WAL at " << format_lsn(after_writes);

  // Nothing at all changes: heartbeats alone keep it moving.
  Lsn idle = current_lsn();
  EXPECT_TRUE(eventually([&] { return confirmed_flush() > idle; }, 15s))
      << "slot stuck at " << format_lsn(confirmed_flush()) << ", WAL at " << format_lsn(idle);
  EXPECT_TRUE(changes(captured, 0, 1s).empty());
  EXPECT_EQ(agent().terminate(), 0);
}

}  // namespace
}  // namespace cdc::pg::test
