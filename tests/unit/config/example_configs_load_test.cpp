// The example configurations shipped in config/ are valid.
#include <gtest/gtest.h>

#include <cstdlib>

#include "config/config.h"
#include "unit/config/agent_process.h"

namespace cdc {
namespace {

class ExampleConfigs : public ::testing::Test {
 protected:
  // The examples read the password from the environment.
  void SetUp() override { setenv("CDC_DB_PASSWORD", "example-password", 1); }
  void TearDown() override { unsetenv("CDC_DB_PASSWORD"); }
};

TEST_F(ExampleConfigs, MysqlExampleLoads) {
  Config c = load_config(test::source_dir() + "/config/example-mysql.yaml");
  EXPECT_EQ(c.source.type, SourceType::mysql);
  EXPECT_EQ(c.source.host, "127.0.0.1");
  EXPECT_EQ(c.source.password, "example-password");
  EXPECT_EQ(c.sink.type, SinkType::kafka);
  EXPECT_EQ(c.sink.kafka.count("bootstrap.servers"), 1u);
  EXPECT_TRUE(c.table_included("shop.orders"));
}

TEST_F(ExampleConfigs, PostgresExampleLoads) {
  Config c = load_config(test::source_dir() + "/config/example-postgres.yaml");
  EXPECT_EQ(c.source.type, SourceType::postgres);
  EXPECT_EQ(c.source.host, "127.0.0.1");
  EXPECT_EQ(c.source.password, "example-password");
  EXPECT_EQ(c.sink.type, SinkType::kafka);
  EXPECT_FALSE(c.source.database.empty());
  EXPECT_FALSE(c.source.postgres.slot.empty());
}

}  // namespace
}  // namespace cdc
