// Failover to another server: the offset file names the server its binlog position belongs to. When the
// agent restarts against a server with another identity, the stored file/pos means nothing there, so it
// resumes by the stored GTID set (MariaDB @slave_connect_state): exactly the transactions after the set
// arrive, none lost and none of the older ones replayed. Simulated on the one test server by rewriting
// the offset file's server_id (and pointing its pos at the start of the file, which a file/pos resume
// would replay from).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class GtidFailover : public SourceTest {
 protected:
  // Distinct ids of `t` and how often each arrived, once at least `want` distinct ids did (or 90 s passed).
  std::map<int64_t, int> wait_ids(size_t want) {
    std::map<int64_t, int> ids;
    wait_for([&] {
      ids.clear();
      for_each_value(records("t", want, 2s),
                     [&](const KafkaRecord&, simdjson::dom::element v) { ++ids[row_int(v, "id")]; });
      return ids.size() >= want;
    }, 90s);
    return ids;
  }
  void insert(int from, int to) {
    for (int i = from; i <= to; ++i) sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(i) + ")");
  }
  std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

// "0-1-100,1-2-5" -> {domain: seq}.
std::map<uint32_t, uint64_t> maria_positions(const std::string& set) {
  std::map<uint32_t, uint64_t> out;
  std::regex entry(R"((\d+)-(\d+)-(\d+))");
  for (auto it = std::sregex_iterator(set.begin(), set.end(), entry); it != std::sregex_iterator(); ++it)
    out[static_cast<uint32_t>(std::stoul((*it)[1]))] = std::stoull((*it)[3]);
  return out;
}

TEST_F(GtidFailover, ResumesByGtidSetOnAnotherServer) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
  start_agent();
  insert(1, 5);
  std::string last_gtid = sql->scalar("SELECT @@last_gtid");  // this session's last transaction
  ASSERT_EQ(wait_ids(5).size(), 5u);
  ASSERT_EQ(stop_agent(), 0);

  // The stored set is the executed set through the last delivered transaction: it covers our last insert.
  auto stored = offset();
  ASSERT_TRUE(stored && !stored->gtid_set.empty());
  auto last = maria_positions(last_gtid);
  ASSERT_EQ(last.size(), 1u) << last_gtid;
  auto have = maria_positions(stored->gtid_set);
  ASSERT_TRUE(have.count(last.begin()->first)) << stored->gtid_set << " lacks the domain of " << last_gtid;
  EXPECT_GE(have[last.begin()->first], last.begin()->second) << stored->gtid_set << " vs " << last_gtid;

  // Another server: its server_id differs, and the old position means nothing in its binlog.
  auto path = state_dir() / "offsets";
  std::string text = read_file(path);
  text = std::regex_replace(text, std::regex(R"(\nserver_id=\d+\n)"), "\nserver_id=4242\n");
  text = std::regex_replace(text, std::regex(R"(\npos=\d+\n)"), "\npos=4\n");
  ASSERT_NE(text.find("server_id=4242"), std::string::npos);
  {
    std::ofstream out(path, std::ios::trunc);
    out << text;
  }

  insert(6, 10);
  size_t log_mark = agent_log().size();
  start_agent();
  auto ids = wait_ids(10);
  ASSERT_EQ(stop_agent(), 0);
  ids = wait_ids(10);
  for (int i = 1; i <= 10; ++i) EXPECT_EQ(ids[i], 1) << "id " << i << " arrived " << ids[i] << " times";
  EXPECT_EQ(ids.size(), 10u);

  std::string log = agent_log().substr(log_mark);
  EXPECT_NE(log.find("server_id 4242"), std::string::npos) << "the log should say which server the position was for";
  EXPECT_NE(log.find("resuming by GTID set " + stored->gtid_set), std::string::npos);

  // After the first transaction read from the new server the offset is a position in its binlog.
  auto after = read_file(path);
  EXPECT_EQ(after.find("server_id=4242"), std::string::npos) << after;
}

}  // namespace
}  // namespace cdc::test::msrc
