// A binlog event damaged on the wire: the real `cdc-agent run` streams from MariaDB through a loopback TCP
// proxy that flips one byte inside a row event (found by a marker in the row's text). The event's CRC32 no
// longer matches, so the agent must stop (exit 69) naming the checksum and the binlog file, publish nothing
// of the damaged row, and keep its stored offset before it. A restart straight to the server then delivers
// that row intact and everything after it. A connection cut inside an event instead is a transient
// failure: the agent reconnects and delivers every row, intact.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fault/agent_fault_support.h"
#include "tests/integration/mysql_source_support.h"
#include "tests/support/tcp_proxy.h"

namespace cdc::test::msrc {
namespace {

// Proxies to the test server; at the first occurrence of `marker` in the server-to-client bytes (once for
// the proxy's lifetime) it either flips one bit in the middle of the marker (Damage::flip) or forwards the
// bytes before that point and then closes the connection (Damage::cut: the event arrives truncated, as
// when a connection dies mid-event). The marker is hundreds of bytes long, so some read holds a whole copy.
enum class Damage { flip, cut };

class CorruptingProxy {
 public:
  CorruptingProxy(const std::string& host, unsigned port, std::string marker, Damage damage)
      : marker_(std::move(marker)), damage_(damage), proxy_(host, port, [this](char* data, size_t& n) {
          return damage_once(data, n);
        }) {}
  unsigned port() const { return proxy_.port(); }
  bool flipped() const { return damaged_; }

 private:
  bool damage_once(char* data, size_t& n) {
    if (damaged_) return true;
    char* at = std::search(data, data + n, marker_.begin(), marker_.end());
    if (at == data + n || damaged_.exchange(true)) return true;
    char* middle = at + marker_.size() / 2;
    if (damage_ == Damage::cut) {
      n = static_cast<size_t>(middle - data);
      return false;
    }
    *middle ^= 0x01;
    return true;
  }

  std::string marker_;
  Damage damage_;
  std::atomic<bool> damaged_{false};
  TcpProxy proxy_;  // last: its threads call damage_once, so it stops before the members above go
};

// Rewrites `  port: N` of the generated agent configuration.
void set_source_port(const std::filesystem::path& config, unsigned port) {
  std::stringstream in;
  in << std::ifstream(config).rdbuf();
  std::string yaml = in.str();
  const auto at = yaml.find("\n  port: ");
  ASSERT_NE(at, std::string::npos);
  const auto end = yaml.find('\n', at + 1);
  yaml.replace(at, end - at, "\n  port: " + std::to_string(port));
  std::ofstream(config, std::ios::trunc) << yaml;
}

class CorruptedStreamMysql : public SourceTest {
 protected:
  void SetUp() override {
    SourceTest::SetUp();
    // 40 distinct 10-byte words: no window of the marker repeats elsewhere in the stream.
    for (int i = 0; i < 40; ++i) marker += "cdcflip" + std::to_string(100 + i);
    direct_port = static_cast<unsigned>(std::stoul(env.get("CDC_TEST_MYSQL_PORT")));
  }

  int64_t last_gtid_seq() { return mariadb_gtid_seq(sql->scalar("SELECT @@last_gtid")); }

  // Starts the agent through `proxy`, writes rows 1-5, waits until they are acknowledged, then writes
  // row 6 (the marker) and rows 7-8.
  void write_rows_through(const CorruptingProxy& proxy) {
    sql->exec("CREATE TABLE " + db + ".notes (id INT PRIMARY KEY, body TEXT)");
    ASSERT_NO_FATAL_FAILURE(set_source_port(dir / "agent.yaml", proxy.port()));
    ASSERT_NO_FATAL_FAILURE(start_agent());
    for (int id = 1; id <= 5; ++id)
      sql->exec("INSERT INTO " + db + ".notes VALUES (" + std::to_string(id) + ", 'plain')");
    plain_seq = last_gtid_seq();
    ASSERT_TRUE(wait_for([&] { auto o = offset(); return o && mariadb_gtid_seq(o->gtid_set) >= plain_seq; }, 60s))
        << "the offset never covered the rows written before the damaged one";
    binlog_base = sql->scalar("SELECT SUBSTRING_INDEX(@@log_bin_basename, '/', -1)");
    sql->exec("INSERT INTO " + db + ".notes VALUES (6, '" + marker + "')");
    marker_seq = last_gtid_seq();
    for (int id = 7; id <= 8; ++id)
      sql->exec("INSERT INTO " + db + ".notes VALUES (" + std::to_string(id) + ", 'after')");
  }

  // Every id 1-8 reaches Kafka, and every copy of row 6 carries the text as written.
  void expect_all_rows_intact() {
    std::set<int64_t> ids;
    std::vector<KafkaRecord> recs;
    ASSERT_TRUE(wait_for([&] {
      recs = records("notes", 8, 60s);
      ids.clear();
      for_each_value(recs, [&](const KafkaRecord&, simdjson::dom::element v) { ids.insert(row_int(v, "id")); });
      return ids.size() == 8;
    }, 90s)) << "distinct ids delivered: " << ids.size();
    int copies_of_6 = 0;
    for_each_value(recs, [&](const KafkaRecord&, simdjson::dom::element v) {
      if (row_int(v, "id") != 6) return;
      ++copies_of_6;
      std::string_view body;
      ASSERT_EQ(v["after"]["body"].get(body), simdjson::SUCCESS);
      EXPECT_EQ(body, marker) << "a damaged value reached Kafka";
    });
    EXPECT_GE(copies_of_6, 1);
  }

  std::string marker, binlog_base;
  unsigned direct_port = 0;
  int64_t plain_seq = 0, marker_seq = 0;
};

TEST_F(CorruptedStreamMysql, AFlippedByteInARowEventStopsTheAgentBeforeTheRow) {
  CorruptingProxy proxy(env.get("CDC_TEST_MYSQL_HOST"), direct_port, marker, Damage::flip);
  ASSERT_NO_FATAL_FAILURE(write_rows_through(proxy));

  auto rc = agent->wait_exit(90s);
  ASSERT_TRUE(proxy.flipped()) << "the proxy never saw the marker row";
  ASSERT_TRUE(rc.has_value()) << "the agent did not stop on an event whose checksum fails";
  EXPECT_EQ(*rc, 69) << "a corrupt event is source_unusable (CONTRACT.md)";
  const std::string log = agent_log();
  const std::string line = cdc::test::line_with(log, "CRC32");
  EXPECT_FALSE(line.empty()) << "the error names the failed checksum; log tail:\n"
                             << log.substr(log.size() > 3000 ? log.size() - 3000 : 0);
  // file:pos, e.g. "mysql-bin.000003:3443" (other tests may rotate the shared server's binlog meanwhile).
  EXPECT_TRUE(std::regex_search(line, std::regex(binlog_base + R"(\.[0-9]{6}:[0-9]+)"))) << "the error names file:pos: " << line;
  std::cout << "agent error: " << line << "\n";

  auto stored = offset();
  ASSERT_TRUE(stored.has_value()) << "the offset file no longer parses";
  EXPECT_GE(mariadb_gtid_seq(stored->gtid_set), plain_seq) << stored->gtid_set;
  EXPECT_LT(mariadb_gtid_seq(stored->gtid_set), marker_seq) << "the offset passed the damaged row";

  // Straight to the server, the restart delivers the row intact, and nothing of the damaged copy was sent.
  ASSERT_NO_FATAL_FAILURE(set_source_port(dir / "agent.yaml", direct_port));
  ASSERT_NO_FATAL_FAILURE(start_agent());
  ASSERT_NO_FATAL_FAILURE(expect_all_rows_intact());
  EXPECT_EQ(stop_agent(), 0);
  EXPECT_GE(mariadb_gtid_seq(offset()->gtid_set), marker_seq + 2);
}

TEST_F(CorruptedStreamMysql, AnEventCutOffMidwayIsReadAgainAfterTheReconnect) {
  // A connection that dies inside an event: the agent must not decode the half it has, must reconnect
  // from its acknowledged position (the proxy lets later connections through) and deliver every row once
  // more, intact, without stopping.
  CorruptingProxy proxy(env.get("CDC_TEST_MYSQL_HOST"), direct_port, marker, Damage::cut);
  ASSERT_NO_FATAL_FAILURE(write_rows_through(proxy));
  ASSERT_TRUE(wait_for([&] { return proxy.flipped(); }, 30s)) << "the proxy never saw the marker row";
  ASSERT_NO_FATAL_FAILURE(expect_all_rows_intact());
  EXPECT_TRUE(agent->running()) << "the agent stopped instead of reconnecting";
  EXPECT_EQ(stop_agent(), 0);
  EXPECT_GE(mariadb_gtid_seq(offset()->gtid_set), marker_seq + 2);
  EXPECT_TRUE(cdc::test::line_with(agent_log(), "CRC32").empty()) << "a cut event was decoded";
}

}  // namespace
}  // namespace cdc::test::msrc
