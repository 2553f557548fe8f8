// `kill -9` of the agent in the middle of a large transaction loses nothing: after a restart every row
// reaches Kafka, rows acknowledged before the kill are not sent again, and the slot's confirmed_flush_lsn
// never passed a transaction that was not completely delivered.
#include <map>
#include <string>

#include "tests/integration/pg_source_support.h"

namespace cdc::pg::test {
namespace {

class PgSourceKill9 : public PgSourceTest {};

// id -> how many times it arrived (creates only).
std::map<int, int> create_counts(const std::vector<Change>& all) {
  std::map<int, int> n;
  for (const auto& c : all)
    if (c.op == 'c') ++n[std::stoi(*c.after("id"))];
  return n;
}

TEST_F(PgSourceKill9, RestartAfterKillDeliversEveryRowOnce) {
  constexpr int kSmall = 10, kBig = 20000;
  std::string t = create_table("kill9", "(id int PRIMARY KEY, v int)");
  start_agent({t}, "heartbeat:\n  interval_ms: 300\n");

  pg().exec("INSERT INTO " + t + " SELECT g, g FROM generate_series(1, " + std::to_string(kSmall) + ") g");
  auto small = changes(t, kSmall);
  ASSERT_EQ(small.size(), size_t{kSmall});
  Lsn small_last = 0;
  for (const auto& c : small) small_last = std::max(small_last, c.lsn);
  ASSERT_TRUE(eventually([&] { return confirmed_flush() > small_last; }, 15s)) << "the first transaction was never acknowledged";

  pg().exec("INSERT INTO " + t + " SELECT g, g FROM generate_series(" + std::to_string(kSmall + 1) + ", " +
            std::to_string(kSmall + kBig) + ") g");
  // Kill as soon as the big transaction starts to arrive.
  ASSERT_TRUE(eventually([&] { return changes(t, kSmall + 1, 100ms).size() > size_t{kSmall}; }, 30s));
  agent().kill9();
  Lsn at_kill = confirmed_flush();

  auto before = changes(t, 0, 2s);
  auto delivered = create_counts(before);
  size_t big_delivered = delivered.size() - kSmall;
  Lsn big_first = ~Lsn{0};
  for (const auto& c : before)
    if (c.op == 'c' && std::stoi(*c.after("id")) > kSmall) big_first = std::min(big_first, c.lsn);
  std::cout << "killed with " << big_delivered << " of " << kBig << " rows of the big transaction delivered; slot at "
            << format_lsn(at_kill) << "\n";
  if (big_delivered < size_t{kBig}) {
    EXPECT_LT(at_kill, big_first) << "the slot passed a transaction that Kafka had not completely confirmed";
  }
  EXPECT_GT(at_kill, small_last);

  start_agent({t}, "heartbeat:\n  interval_ms: 300\n");
  auto after = changes(t, size_t{kSmall} + kBig + big_delivered, 60s);
  auto counts = create_counts(after);
  ASSERT_EQ(counts.size(), size_t{kSmall + kBig}) << "rows lost";
  for (int id = 1; id <= kSmall; ++id) EXPECT_EQ(counts[id], 1) << "acknowledged row " << id << " was sent again";
  EXPECT_EQ(agent().terminate(), 0);
}

}  // namespace
}  // namespace cdc::pg::test
