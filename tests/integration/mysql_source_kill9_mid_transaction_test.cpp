// `kill -9` of the agent while it publishes a big transaction, then a restart: every row reaches Kafka,
// and the only duplicates are changes after the offset stored before the kill (at-least-once, replayed
// from the last acknowledged position, never from earlier).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class Kill9 : public SourceTest {};

TEST_F(Kill9, BigTransactionReplaysOnlyAfterTheStoredOffset) {
  const int big = 20000;
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v INT)");
  // Room for the rows and their duplicates: the dev cluster keeps only ~5 MB per partition.
  KafkaControl(env.kafka_control()).create_topic(topic("t"), 16, 3);
  start_agent();
  for (int i = 1; i <= 10; ++i) sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(i) + ", 0)");
  // The small transactions are acknowledged before the big one starts.
  auto first = offset();
  ASSERT_TRUE(wait_for([&] { return offset() && offset()->pos != first->pos; }, 20s));
  ASSERT_EQ(records("t", 10, 20s).size(), 10u);
  std::this_thread::sleep_for(1200ms);  // one ack interval
  sql->exec("INSERT INTO " + db + ".t SELECT seq + 10, 1 FROM " + db + ".seq_1_to_" + std::to_string(big));
  std::this_thread::sleep_for(300ms);  // part of the big transaction is in flight
  agent->kill9();
  auto stored = offset();
  ASSERT_TRUE(stored);

  start_agent();
  // Replayed duplicates count as records too: wait until every distinct id arrived before stopping.
  wait_for([&] {
    std::set<int64_t> distinct;
    for_each_value(records("t", 10 + big, 2s),
                   [&](const KafkaRecord&, simdjson::dom::element v) { distinct.insert(row_int(v, "id")); });
    return distinct.size() >= static_cast<size_t>(10 + big);
  }, 90s);
  ASSERT_EQ(stop_agent(), 0);
  auto recs = records("t", 10 + big, 5s);

  // Replay starts at the stored offset: a duplicated change must come from a transaction at or after it.
  char boundary[64];  // the change id prefix of a transaction starting exactly at the stored offset
  std::snprintf(boundary, sizeof boundary, "m:%010llu:%020llu",
                std::stoull(stored->file.substr(stored->file.rfind('.') + 1)),
                static_cast<unsigned long long>(stored->pos));
  std::map<std::string, int> seen;
  std::map<int64_t, int> ids;
  for_each_value(recs, [&](const KafkaRecord& r, simdjson::dom::element v) {
    ++seen[header(r, "cdc.change_id")];
    ++ids[row_int(v, "id")];
  });
  EXPECT_EQ(ids.size(), static_cast<size_t>(10 + big)) << "rows lost";
  size_t dups = 0;
  for (const auto& [id, n] : seen) {
    if (n < 2) continue;
    ++dups;
    EXPECT_GE(id, std::string(boundary)) << "change " << id << " was replayed although the stored offset " << stored->file
                            << ":" << stored->pos << " is after it";
  }
  std::cout << "stored offset before restart: " << stored->file << ":" << stored->pos << ", duplicates: " << dups
            << "\n";
}

}  // namespace
}  // namespace cdc::test::msrc
