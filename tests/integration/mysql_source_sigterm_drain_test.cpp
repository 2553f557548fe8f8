// SIGTERM while transactions keep coming: the agent stops reading, waits for Kafka's delivery reports,
// stores the end of the last transaction it handed on, and exits 0. The stored offset is exactly a
// transaction end (an XID event's end in the binlog), every row of our transactions up to it is in Kafka,
// and nothing of a transaction after it is.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class SigtermDrain : public SourceTest {};

TEST_F(SigtermDrain, ExitsZeroWithTheOffsetAtTheEndOfTheLastTransaction) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, tx INT)");
  start_agent();
  // Writer: transactions of 5 rows each, until told to stop.
  std::atomic<bool> stop{false};
  std::atomic<int> committed{0};
  std::thread writer([&] {
    RootSql w(env);
    for (int t = 1; !stop; ++t) {
      std::string v;
      for (int i = 0; i < 5; ++i)
        v += (i ? ", (" : "(") + std::to_string(t * 10 + i) + ", " + std::to_string(t) + ")";
      w.exec("INSERT INTO " + db + ".t VALUES " + v);
      committed = t;
    }
  });
  std::this_thread::sleep_for(1500ms);
  auto rc = agent->terminate();
  stop = true;
  writer.join();
  ASSERT_TRUE(rc);
  EXPECT_EQ(*rc, 0);
  auto stored = offset();
  ASSERT_TRUE(stored);

  // The event that ends at the stored position must be a transaction end.
  Rows events = sql->query("SHOW BINLOG EVENTS IN '" + stored->file + "'");
  std::map<uint64_t, std::string> by_end;  // End_log_pos -> Event_type
  for (const auto& e : events) by_end[std::stoull(*e.at(4))] = *e.at(2);
  ASSERT_TRUE(by_end.count(stored->pos)) << stored->pos << " is not an event boundary";
  EXPECT_TRUE(by_end[stored->pos] == "Xid" || by_end[stored->pos] == "Query") << by_end[stored->pos];

  // Our transactions: complete in Kafka when they end before the offset, absent when they start after.
  auto recs = records("t", 5, 10s);
  std::map<int64_t, std::set<int64_t>> rows_of_tx;
  std::map<int64_t, uint64_t> pos_of_tx;
  for_each_value(recs, [&](const KafkaRecord&, simdjson::dom::element v) {
    int64_t tx = row_int(v, "tx");
    rows_of_tx[tx].insert(row_int(v, "id"));
    if (std::string_view(v["source"]["file"]) == stored->file) pos_of_tx[tx] = uint64_t(v["source"]["pos"]);
  });
  ASSERT_FALSE(rows_of_tx.empty()) << "nothing was delivered in 1.5 s";
  for (const auto& [tx, ids] : rows_of_tx) EXPECT_EQ(ids.size(), 5u) << "transaction " << tx << " is incomplete";
  for (const auto& [tx, pos] : pos_of_tx)
    EXPECT_LT(pos, stored->pos) << "transaction " << tx << " was delivered but lies after the stored offset";
  // Every transaction ending at or before the offset was delivered: the one with the highest number is the
  // last, and all numbers below it are present.
  int64_t last = rows_of_tx.rbegin()->first;
  EXPECT_EQ(rows_of_tx.size(), static_cast<size_t>(last));
  // And no later transaction of ours sits before the offset: no TABLE_MAP of our table between the last
  // delivered row event and the stored position.
  if (pos_of_tx.count(last))
    for (const auto& e : events) {
      uint64_t pos = std::stoull(*e.at(1));
      if (pos > pos_of_tx[last] + 1 && pos < stored->pos && *e.at(2) == "Table_map") {
        EXPECT_EQ(e.at(5)->find("(" + db + ".t)"), std::string::npos)
            << "an undelivered change of ours at " << pos << " lies before the stored offset";
      }
    }
  std::cout << committed << " transactions committed, " << last << " delivered, offset " << stored->file << ":"
            << stored->pos << "\n";
}

}  // namespace
}  // namespace cdc::test::msrc
