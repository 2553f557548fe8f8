// A row whose envelope is larger than the producer's message.max.bytes, streamed by the real
// `cdc-agent run` from MariaDB: the agent stops loudly (exit 70, the error names the topic, hence the
// table, and the setting to raise) and its stored offset stays before that row, so after the limit
// is raised a restart delivers it. Rows committed before it are acknowledged.
#include <memory>
#include <set>
#include <string>

#include "tests/fault/agent_fault_support.h"
#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class OversizedRowMysql : public SourceTest {
 protected:
  int64_t last_gtid_seq() { return mariadb_gtid_seq(sql->scalar("SELECT @@last_gtid")); }

  // The restart before the limit is raised: it fails the same way, and its offset stays before `big_seq`.
  void restart_expecting_exit_70(int64_t big_seq) {
    agent = std::make_unique<AgentProcess>(dir / "agent.yaml", dir / "agent.log");
    auto rc = agent->wait_exit(90s);
    ASSERT_TRUE(rc.has_value()) << "the restarted agent did not stop at the same row";
    EXPECT_EQ(*rc, 70);
    ASSERT_TRUE(offset().has_value());
    EXPECT_LT(mariadb_gtid_seq(offset()->gtid_set), big_seq) << offset()->gtid_set;
  }

  std::set<int64_t> ids_in_topic(size_t min) {
    std::set<int64_t> ids;
    for_each_value(records("blobs", min, 60s), [&](const KafkaRecord&, simdjson::dom::element v) {
      ids.insert(row_int(v, "id"));
    });
    return ids;
  }
};

TEST_F(OversizedRowMysql, StopsWithExit70AndTheOffsetStaysBeforeTheRow) {
  sql->exec("CREATE TABLE " + db + ".blobs (id INT PRIMARY KEY, body MEDIUMTEXT)");
  set_kafka_property(dir / "agent.yaml", "message.max.bytes", "20000");
  ASSERT_NO_FATAL_FAILURE(start_agent());

  for (int id = 1; id <= 5; ++id)
    sql->exec("INSERT INTO " + db + ".blobs VALUES (" + std::to_string(id) + ", 'small')");
  const int64_t small_seq = last_gtid_seq();
  ASSERT_GT(small_seq, 0);
  // The rows before the big one are delivered and acknowledged (the offset reaches their GTID).
  ASSERT_TRUE(wait_for([&] { auto o = offset(); return o && mariadb_gtid_seq(o->gtid_set) >= small_seq; }, 60s))
      << "the offset never covered the rows written before the big one";

  // ~50 KB of text: the envelope is larger than message.max.bytes (20000).
  sql->exec("INSERT INTO " + db + ".blobs VALUES (6, REPEAT('x', 50000))");
  const int64_t big_seq = last_gtid_seq();
  for (int id = 7; id <= 8; ++id)
    sql->exec("INSERT INTO " + db + ".blobs VALUES (" + std::to_string(id) + ", 'after')");

  auto rc = agent->wait_exit(90s);
  ASSERT_TRUE(rc.has_value()) << "the agent did not stop on a message Kafka cannot take";
  EXPECT_EQ(*rc, 70) << "a permanent producer error exits 70 (CONTRACT.md)";
  const std::string log = agent_log();
  EXPECT_NE(log.find(topic("blobs")), std::string::npos) << "the error names the topic of the table";
  EXPECT_NE(log.find("message.max.bytes"), std::string::npos) << "the error names the limit to raise";
  std::cout << "agent error: " << cdc::test::line_with(log, "message.max.bytes") << "\n";

  auto stored = offset();
  ASSERT_TRUE(stored.has_value()) << "the offset file no longer parses";
  const int64_t stored_seq = mariadb_gtid_seq(stored->gtid_set);
  EXPECT_GE(stored_seq, small_seq) << "rows before the big one stay acknowledged: " << stored->gtid_set;
  EXPECT_LT(stored_seq, big_seq) << "the offset passed the row Kafka refused: " << stored->gtid_set;

  // A restart with the old limit meets the same row again: nothing was skipped.
  ASSERT_NO_FATAL_FAILURE(restart_expecting_exit_70(big_seq));
  // With the limit raised, the restart delivers the row and everything after it.
  set_kafka_property(dir / "agent.yaml", "message.max.bytes", "1000000");
  ASSERT_NO_FATAL_FAILURE(start_agent());
  std::set<int64_t> ids;
  ASSERT_TRUE(wait_for([&] { ids = ids_in_topic(8); return ids.size() == 8; }, 90s))
      << "distinct ids delivered: " << ids.size();
  EXPECT_EQ(stop_agent(), 0);
  EXPECT_GE(mariadb_gtid_seq(offset()->gtid_set), big_seq + 2);
}

}  // namespace
}  // namespace cdc::test::msrc
