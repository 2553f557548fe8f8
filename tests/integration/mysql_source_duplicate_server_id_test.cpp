// Two agents configured with the same source.mysql.server_id: MariaDB drops the older dump whenever a
// replica registers with a server_id already streaming, so the two would take turns dropping each other.
// The second agent must stop before registering (exit 69, naming source.mysql.server_id) while the first
// keeps streaming undisturbed; and an agent killed with SIGKILL must be able to start again at once (its
// own leftover connection does not count as another agent).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class DuplicateServerId : public SourceTest {
 protected:
  bool arrived(int id) {
    bool found = false;
    for_each_value(records("t", 1, 2s), [&](const KafkaRecord&, simdjson::dom::element v) {
      found = found || row_int(v, "id") == id;
    });
    return found;
  }
  std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(DuplicateServerId, SecondAgentStopsAndFirstKeepsStreaming) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
  start_agent();
  sql->exec("INSERT INTO " + db + ".t VALUES (1)");
  ASSERT_TRUE(wait_for([&] { return arrived(1); }, 60s));

  // The same config with its own state dir and topic prefix, so only the server_id is shared.
  std::string config = read_file(dir / "agent.yaml");
  config = std::regex_replace(config, std::regex(R"(state: \{ dir: [^}]*\})"),
                              "state: { dir: " + (dir / "state2").string() + " }");
  config = std::regex_replace(config, std::regex("name: " + prefix), "name: " + prefix + "x");
  {
    std::ofstream out(dir / "agent2.yaml");
    out << config;
  }
  AgentProcess second(dir / "agent2.yaml", dir / "agent2.log");
  auto rc = second.wait_exit(90s);
  ASSERT_TRUE(rc) << "the second agent with the same server_id kept running";
  EXPECT_EQ(*rc, 69);
  std::string log2 = read_file(dir / "agent2.log");
  EXPECT_NE(log2.find("source.mysql.server_id " + std::to_string(server_id)), std::string::npos) << log2;
  EXPECT_EQ(log2.find("binlog dump started"), std::string::npos) << "it registered, dropping the first agent's dump";

  // The first agent was not disturbed: still running, still streaming, no reconnect.
  ASSERT_TRUE(agent->running());
  sql->exec("INSERT INTO " + db + ".t VALUES (2)");
  EXPECT_TRUE(wait_for([&] { return arrived(2); }, 60s));
  EXPECT_EQ(agent_log().find("connection lost"), std::string::npos);
  EXPECT_EQ(agent_log().find("same server_id"), std::string::npos);

  // SIGKILL leaves no clean goodbye: the restarted agent still gets its server_id back.
  agent->kill9();
  size_t mark = agent_log().size();
  start_agent();
  sql->exec("INSERT INTO " + db + ".t VALUES (3)");
  EXPECT_TRUE(wait_for([&] { return arrived(3); }, 90s)) << agent_log().substr(mark);
  EXPECT_EQ(stop_agent(), 0);
}

}  // namespace
}  // namespace cdc::test::msrc
