// One very large transaction streams through with the agent's memory bounded by the Kafka queue
// limits, not by the transaction: the peak RSS (VmHWM) is reported and checked. The agent's walsender
// runs with logical_decoding_work_mem = 64kB (PGOPTIONS), so the transaction arrives while in progress
// (protocol v2 streaming), waits in a spill file and is replayed at its commit. Rows default to
// 200000 for CI; CDC_TEST_PG_BIG_ROWS=1000000 runs the full-size case. Delivery is proven by the slot:
// confirmed_flush_lsn passes the transaction only once Kafka confirmed every row (the dev Kafka keeps
// too little to read a million rows back).
#include <cstdlib>
#include <iostream>
#include <string>

#include "tests/integration/pg_source_support.h"
#include "tests/support/dev_kafka.h"

namespace cdc::pg::test {
namespace {

class PgSourceLargeTransaction : public PgSourceTest {};

TEST_F(PgSourceLargeTransaction, PeakRssStaysBounded) {
  const char* env_rows = std::getenv("CDC_TEST_PG_BIG_ROWS");
  const long rows = env_rows ? std::atol(env_rows) : 200000;
  ::setenv("PGOPTIONS", "-c logical_decoding_work_mem=64kB", 1);  // for the agent's walsender
  // A private Kafka: hundreds of MB through the shared one would slow every test running beside this one.
  cdc::test::DevKafka kafka;
  use_bootstrap(kafka.bootstrap());
  std::string t = create_table("big", "(id int PRIMARY KEY, v text)");
  start_agent({t}, "heartbeat:\n  interval_ms: 500\n");

  auto started = Clock::now();
  pg().exec("INSERT INTO " + t + " SELECT g, repeat('x', 100) FROM generate_series(1, " + std::to_string(rows) + ") g");
  Lsn committed = current_lsn();
  long peak_kb = 0;
  bool delivered = eventually(
      [&] {
        peak_kb = std::max(peak_kb, agent().status_kb("VmHWM"));
        return confirmed_flush() >= committed;
      },
      std::chrono::minutes(4));
  peak_kb = std::max(peak_kb, agent().status_kb("VmHWM"));
  auto secs = std::chrono::duration<double>(Clock::now() - started).count();
  std::cout << rows << " rows in one transaction delivered in " << secs << " s; agent peak RSS (VmHWM) "
            << peak_kb / 1024 << " MiB\n";
  ASSERT_TRUE(delivered) << "slot at " << format_lsn(confirmed_flush()) << ", commit before " << format_lsn(committed);
  // The Kafka queue holds at most 64 MiB of messages (queue.buffering.max.kbytes); a leak per row or a
  // buffered transaction would show as hundreds of MiB at these sizes.
  EXPECT_LT(peak_kb, 256 * 1024);
  // It streamed: the replay of its spill file is logged with the transaction's size.
  EXPECT_NE(agent().log().find("committed: replaying"), std::string::npos) << agent().log();
  EXPECT_EQ(agent().terminate(), 0);
}

}  // namespace
}  // namespace cdc::pg::test
