// A transaction that touches several tables with multi-row statements reaches Kafka as one unit in
// statement order: every change carries the same transaction id, the change ids of one commit share their
// transaction prefix and count 0..n-1 in binlog order, and ids grow from one commit to the next.
#include <gtest/gtest.h>

#include <map>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class Transactions : public SourceTest {};

TEST_F(Transactions, MultiTableMultiRowCommitsKeepOrderAndShareTheirTransaction) {
  sql->exec("CREATE TABLE " + db + ".a (id INT PRIMARY KEY, v INT)");
  sql->exec("CREATE TABLE " + db + ".b (id INT PRIMARY KEY, v INT)");
  start_agent();
  // Three transactions, each: 3 rows into a, 2 into b, an update of a row in a, a delete in b.
  for (int t = 0; t < 3; ++t) {
    int base = t * 10;
    auto n = [&](int i) { return std::to_string(base + i); };
    sql->exec("BEGIN");
    sql->exec("INSERT INTO " + db + ".a VALUES (" + n(1) + ", 1), (" + n(2) + ", 2), (" + n(3) + ", 3)");
    sql->exec("INSERT INTO " + db + ".b VALUES (" + n(1) + ", 1), (" + n(2) + ", 2)");
    sql->exec("UPDATE " + db + ".a SET v = v + 100 WHERE id = " + n(2));
    sql->exec("DELETE FROM " + db + ".b WHERE id = " + n(1));
    sql->exec("COMMIT");
  }
  auto a = records("a", 3 * 4);
  auto b = records("b", 3 * 4);  // 2 creates, 1 delete + its tombstone
  ASSERT_EQ(a.size(), 12u);
  ASSERT_EQ(b.size(), 12u);

  // Merge both topics and order by change id: that must be the binlog order of each transaction.
  struct Change { std::string id, tx, op, table; int64_t key; };
  std::vector<Change> all;
  for (auto* recs : {&a, &b})
    for_each_value(*recs, [&](const KafkaRecord& r, simdjson::dom::element v) {
      all.push_back({header(r, "cdc.change_id"), header(r, "cdc.tx_id"), std::string(std::string_view(v["op"])),
                     std::string(std::string_view(v["source"]["table"])), row_int(v, "id")});
    });
  std::sort(all.begin(), all.end(), [](const Change& x, const Change& y) { return x.id < y.id; });
  ASSERT_EQ(all.size(), 21u);  // tombstones carry no value

  const std::vector<std::tuple<std::string, std::string, int>> per_tx{
      {"a", "c", 1}, {"a", "c", 2}, {"a", "c", 3}, {"b", "c", 1}, {"b", "c", 2}, {"a", "u", 2}, {"b", "d", 1}};
  for (int t = 0; t < 3; ++t) {
    for (size_t i = 0; i < per_tx.size(); ++i) {
      const Change& c = all[t * per_tx.size() + i];
      auto [table, op, key] = per_tx[i];
      EXPECT_EQ(c.table, table) << c.id;
      EXPECT_EQ(c.op, op) << c.id;
      EXPECT_EQ(c.key, t * 10 + key) << c.id;
      // Same transaction: same tx id and the same "m:<file>:<tx start>:" prefix; index = position in it.
      const Change& first = all[t * per_tx.size()];
      EXPECT_EQ(c.tx, first.tx);
      EXPECT_EQ(c.id.substr(0, 34), first.id.substr(0, 34));
      EXPECT_EQ(std::stoul(c.id.substr(34)), i) << c.id;
    }
    if (t > 0) {
      EXPECT_NE(all[t * per_tx.size()].tx, all[(t - 1) * per_tx.size()].tx);
    }
  }
  // Change ids are unique: no event was emitted twice.
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].id, all[i].id);
  EXPECT_EQ(stop_agent(), 0);
}

}  // namespace
}  // namespace cdc::test::msrc
