// The test environment started by tests/env/up (PostgreSQL, MariaDB, cdc-dev-kafka on loopback),
// as seen by a test: read from the file named by CDC_TEST_ENV_FILE, every CDC_TEST_* environment
// variable overriding the file. See docs/testing.md.
//
//   TEST(Foo, Bar) {
//     CDC_REQUIRE_TEST_ENV(env);                // skips only when there is no environment at all
//     cdc::test::PgConn pg(env.pg_conninfo());  // a server that does not answer fails the test
//   }
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "tests/support/kafka_topic.h"
#include "tests/support/sql_client.h"

namespace cdc::test {

class TestEnv {
 public:
  // Reads CDC_TEST_ENV_FILE (KEY=VALUE lines) if it exists, then applies CDC_TEST_* overrides.
  static TestEnv load();

  // True when the fixture wrote the env file, or servers were named through CDC_TEST_* variables.
  bool available() const { return available_; }
  // Why available() is false, for GTEST_SKIP.
  const std::string& skip_reason() const { return skip_reason_; }

  // Any value by key ("" when unset), e.g. get("CDC_TEST_PG_LOG").
  std::string get(std::string_view key) const;

  // libpq keyword/value connection string for the cdc user; `dbname` defaults to CDC_TEST_PG_DB.
  std::string pg_conninfo(std::string_view dbname = {}) const;
  MysqlParams mysql() const;
  std::string kafka_bootstrap() const { return get("CDC_TEST_KAFKA_BOOTSTRAP"); }
  // host:port of the cdc-dev-kafka control port; "" for an external Kafka.
  std::string kafka_control() const { return get("CDC_TEST_KAFKA_CONTROL"); }
  // Directory given to tests/env/up (holds env and run/); "" for a purely external setup.
  std::string env_dir() const { return get("CDC_TEST_ENV_DIR"); }

  // Runs `tests/env/ctl ENV_DIR <command>` (pg-restart immediate, mysql-kill9, ...) and returns
  // its exit status. Needs servers started by tests/env/up.
  int ctl(std::string_view command) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
  bool available_ = false;
  std::string skip_reason_;
};

// Sends line commands to cdc-dev-kafka's control port (see tests/env/mock_control.h).
class KafkaControl {
 public:
  explicit KafkaControl(std::string host_port);

  // One command, one answer line ("ok..." or "error ..."); throws if the port does not answer.
  std::string send(std::string_view command) const;
  // Like send(), but throws std::runtime_error unless the answer starts with "ok".
  void must(std::string_view command) const;

  void broker_down(int broker_id) const;
  void broker_up(int broker_id) const;
  void set_rtt(int broker_id, int rtt_ms) const;
  // e.g. push_errors("Produce", 2, "NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT").
  void push_errors(std::string_view api, int count, std::string_view errors) const;
  void topic_error(std::string_view topic, std::string_view error) const;
  void create_topic(std::string_view topic, int partitions, int replication) const;

 private:
  std::string host_;
  uint16_t port_ = 0;
};

// GoogleTest fixture base whose SetUp loads the environment or skips when there is none.
class EnvTest : public ::testing::Test {
 protected:
  void SetUp() override;
  TestEnv env;
};

}  // namespace cdc::test

// Declares `TestEnv var`; skips the test only when no environment exists (CDC_TEST_ENV_FILE
// missing and no CDC_TEST_* server variables). With an environment, use the servers and fail.
#define CDC_REQUIRE_TEST_ENV(var)                                \
  const ::cdc::test::TestEnv var = ::cdc::test::TestEnv::load(); \
  if (!var.available()) GTEST_SKIP() << var.skip_reason()
