// Every invalid configuration is rejected with a message naming the file, the YAML line and the dotted
// key, both by the loader (ConfigError) and by the binary (message on stderr, exit 78).
#include <gtest/gtest.h>

#include <cstdlib>

#include "config/config.h"
#include "unit/config/agent_process.h"

namespace cdc {
namespace {

struct BadConfig {
  const char* name;
  const char* yaml;
  const char* expected;  // fragment of one message, starting with "config.yaml:LINE: key"
};

// Lines are counted from the first line of each text.
const BadConfig kBadConfigs[] = {
    {"port_out_of_range",
     "name: shop\nsource:\n  type: mysql\n  host: 127.0.0.1\n  port: 70000\n  user: cdc\n"
     "  mysql: {server_id: 1}\n",
     "config.yaml:5: source.port: 70000 is out of range 1..65535"},
    {"port_not_a_number",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  port: mysql\n  user: cdc\n  mysql: {server_id: 1}\n",
     "config.yaml:5: source.port: expected an integer, got 'mysql'"},
    {"typo_suggests_sibling",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nsink:\n"
     "  topic_prefx: shop\n",
     "config.yaml:8: sink.topic_prefx: unknown key; did you mean 'topic_prefix'?"},
    {"key_in_wrong_section_suggests_full_path",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  topic_prefix: x\n  mysql: {server_id: 1}\n",
     "config.yaml:6: source.topic_prefix: unknown key; did you mean 'sink.topic_prefix'?"},
    {"unknown_top_level_key",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nheartbeats:\n"
     "  interval_ms: 5\n",
     "config.yaml:7: heartbeats: unknown key; did you mean 'heartbeat'?"},
    {"missing_name",
     "source:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\n",
     "config.yaml:1: name: required key is missing"},
    {"missing_user",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  mysql: {server_id: 1}\n",
     "config.yaml:2: source.user: required key is missing"},
    {"missing_server_id_for_mysql",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n",
     "config.yaml:2: source.mysql.server_id: required when source.type is mysql"},
    {"server_id_zero",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql:\n    server_id: 0\n",
     "config.yaml:7: source.mysql.server_id: 0 is out of range 1..4294967295"},
    {"server_id_above_32_bits",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql:\n    server_id: 4294967296\n",
     "config.yaml:7: source.mysql.server_id: 4294967296 is out of range 1..4294967295"},
    {"missing_database_for_postgres",
     "name: shop\nsource:\n  type: postgres\n  host: h\n  user: cdc\n",
     "config.yaml:2: source.database: required when source.type is postgres"},
    {"bad_source_type",
     "name: shop\nsource:\n  type: postgresql\n  host: h\n  user: cdc\n  database: shop\n",
     "config.yaml:3: source.type: 'postgresql' is not one of mysql, postgres; did you mean 'postgres'?"},
    {"bad_tls_mode",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  tls: {mode: verify}\n  mysql: {server_id: 1}\n",
     "config.yaml:6: source.tls.mode: 'verify' is not one of disable, require, verify-ca, verify-full"},
    {"bad_regex",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  include_tables:\n    - 'shop\\.orders'\n"
     "    - 'shop\\.(customer'\n  mysql: {server_id: 1}\n",
     "config.yaml:8: source.include_tables[1]: invalid regex 'shop\\.(customer'"},
    {"regexes_not_a_list",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  exclude_tables: shop.tmp\n  mysql: {server_id: 1}\n",
     "config.yaml:6: source.exclude_tables: expected a list of regexes"},
    {"negative_heartbeat",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nheartbeat:\n"
     "  interval_ms: -1\n",
     "config.yaml:8: heartbeat.interval_ms: -1 is out of range 0..86400000"},
    {"read_wait_too_long",
     "name: shop\nsource:\n  type: postgres\n  host: h\n  user: cdc\n  database: shop\n  postgres:\n"
     "    read_wait_us: 250000\n",
     "config.yaml:8: source.postgres.read_wait_us: 250000 is out of range 0..100000"},
    {"negative_shutdown_timeout",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nshutdown_timeout_ms: -5\n",
     "config.yaml:7: shutdown_timeout_ms: -5 is out of range 0..86400000"},
    {"bad_log_level",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nlog:\n  level: verbose\n",
     "config.yaml:8: log.level: 'verbose' is not one of trace, debug, info, warn, error"},
    {"boolean_expected",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nenvelope:\n"
     "  schemas: maybe\n",
     "config.yaml:8: envelope.schemas: expected true or false, got 'maybe'"},
    {"section_given_as_scalar",
     "name: shop\nsource: mysql://cdc@h/shop\n",
     "config.yaml:2: source: expected a map of keys, got a scalar"},
    {"scalar_given_as_list",
     "name: [shop]\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\n",
     "config.yaml:1: name: expected a single value, got a list"},
    {"kafka_sink_without_bootstrap_servers",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nsink:\n  type: kafka\n"
     "  kafka:\n    client.id: agent\n",
     "config.yaml:9: sink.kafka.bootstrap.servers: required when sink.type is kafka"},
    {"missing_env_secret",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  password: ${env:CDC_TEST_SURELY_UNSET}\n"
     "  mysql: {server_id: 1}\n",
     "config.yaml:6: source.password: environment variable CDC_TEST_SURELY_UNSET is not set"},
    {"unreadable_file_secret",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  password: ${file:/nonexistent/cdc/db}\n"
     "  mysql: {server_id: 1}\n",
     "config.yaml:6: source.password: cannot read secret file /nonexistent/cdc/db"},
    {"duplicate_key",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  host: other\n  mysql: {server_id: 1}\n",
     "config.yaml:6: source.host: duplicate key (first at line 4)"},
    {"name_not_usable_in_topics",
     "name: my shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\n",
     "config.yaml:1: name: 'my shop' may only contain letters, digits"},
    {"bad_slot_name",
     "name: shop\nsource:\n  type: postgres\n  host: h\n  user: cdc\n  database: shop\n  postgres:\n"
     "    slot: Shop-Slot\n",
     "config.yaml:8: source.postgres.slot: 'Shop-Slot' must be 1 to 63 characters of [a-z0-9_]"},
    {"section_for_other_database",
     "name: shop\nsource:\n  type: postgres\n  host: h\n  user: cdc\n  database: shop\n  mysql:\n"
     "    server_id: 1\n",
     "config.yaml:7: source.mysql: only applies when source.type is mysql"},
    {"metrics_listen_without_port",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nmetrics:\n"
     "  listen: 127.0.0.1\n",
     "config.yaml:8: metrics.listen: '127.0.0.1' is not HOST:PORT"},
    {"metrics_listen_ipv6_without_brackets",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\nmetrics:\n"
     "  listen: \"::1:9187\"\n",
     "config.yaml:8: metrics.listen: '::1:9187' is not HOST:PORT"},
    {"tls_files_while_disabled",
     "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  tls:\n    ca: /etc/ssl/ca.pem\n"
     "  mysql: {server_id: 1}\n",
     "config.yaml:7: source.tls.ca: has no effect while source.tls.mode is disable"},
    {"yaml_syntax_error",
     "name: shop\nsource:\n  type: mysql\n  host: [h\n  user: cdc\n",
     "config.yaml:5: invalid YAML"},
    {"empty_file", "", "config.yaml:1: expected a map of keys"},
};

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {
 protected:
  void SetUp() override { unsetenv("CDC_TEST_SURELY_UNSET"); }
};

TEST_P(BadConfigTest, LoaderNamesKeyAndLine) {
  const BadConfig& c = GetParam();
  try {
    parse_config(c.yaml, "config.yaml");
    FAIL() << "accepted:\n" << c.yaml;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\ngot:\n" << e.what();
    EXPECT_EQ(e.code(), ExitCode::config);
  }
}

TEST_P(BadConfigTest, CheckCommandExits78WithTheMessage) {
  const BadConfig& c = GetParam();
  test::TempDir dir;
  std::string path = dir.write("config.yaml", c.yaml);
  test::RunResult r = test::run_agent({"check", "-c", path});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  // The binary prefixes messages with the path as given: <dir>/config.yaml:LINE: ...
  EXPECT_NE(r.err.find(std::string("/") + c.expected), std::string::npos)
      << "expected: " << c.expected << "\nstderr:\n" << r.err;
}

INSTANTIATE_TEST_SUITE_P(Config, BadConfigTest, ::testing::ValuesIn(kBadConfigs),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cdc
