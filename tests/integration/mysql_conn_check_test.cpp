// `cdc-agent check` against the test server (set up as the agent needs it) passes every check, and a
// server it cannot log in to yields one failing "connect" line with the fix.
#include <gtest/gtest.h>

#include <set>

#include "mysql/conn/mysql_check.h"
#include "tests/integration/mysql_conn_test_util.h"

namespace cdc::mysql::test {
namespace {

TEST(MysqlConnCheck, TestServerPassesEveryRequiredCheck) {
  CDC_REQUIRE_TEST_ENV(env);
  auto results = check_mysql(connect_options(env), test_server_id(4));
  std::set<std::string> names;
  for (const auto& r : results) {
    std::cerr << check_status_name(r.status) << " " << r.name << ": " << r.detail << (r.fix.empty() ? "" : " FIX: ")
              << r.fix << "\n";
    names.insert(r.name);
    EXPECT_NE(r.status, CheckStatus::fail) << r.name << ": " << r.detail;
    if (r.status != CheckStatus::pass) {
      EXPECT_FALSE(r.fix.empty()) << r.name << " is not PASS but has no fix";
    }
  }
  for (const char* required : {"connect", "version", "log_bin", "binlog_format", "binlog_row_image",
                               "binlog_row_metadata", "privileges", "server_id", "gtid", "binlog_retention"}) {
    EXPECT_TRUE(names.count(required)) << required << " missing";
  }
  for (const auto& r : results) {
    if (r.name != "server_id") {
      EXPECT_EQ(r.status, CheckStatus::pass) << r.name << ": " << r.detail;
    }
  }
}

TEST(MysqlConnCheck, ServerIdOfTheServerItselfFails) {
  CDC_REQUIRE_TEST_ENV(env);
  BinlogConnection c(connect_options(env));
  c.connect();
  auto results = check_mysql(connect_options(env), c.server().server_id);
  for (const auto& r : results) {
    if (r.name == "server_id") {
      EXPECT_EQ(r.status, CheckStatus::fail) << r.detail;
    }
  }
}

TEST(MysqlConnCheck, WrongPasswordIsOneFailingConnectLine) {
  CDC_REQUIRE_TEST_ENV(env);
  ConnectOptions opts = connect_options(env);
  opts.password = "definitely-wrong";
  auto results = check_mysql(opts, test_server_id(5));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].name, "connect");
  EXPECT_EQ(results[0].status, CheckStatus::fail);
  EXPECT_NE(results[0].fix.find("source.password"), std::string::npos) << results[0].fix;
}

}  // namespace
}  // namespace cdc::mysql::test
