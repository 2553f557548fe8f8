// A file with several mistakes gets all of them reported in one go, in line order, each naming its key.
#include <gtest/gtest.h>

#include "config/config.h"
#include "unit/config/agent_process.h"

namespace cdc {
namespace {

constexpr const char* kManyMistakes = R"(name: shop
source:
  type: mysql
  hots: 127.0.0.1
  port: 0
  user: cdc
  include_tables: ["shop\\.(orders"]
sink:
  type: kafak
envelope:
  decimal_handling: exact
log:
  format: xml
)";

const std::vector<std::string> kExpected = {
    "config.yaml:2: source.host: required key is missing",
    "config.yaml:2: source.mysql.server_id: required when source.type is mysql",
    "config.yaml:4: source.hots: unknown key; did you mean 'host'?",
    "config.yaml:5: source.port: 0 is out of range 1..65535",
    "config.yaml:7: source.include_tables[0]: invalid regex 'shop\\.(orders'",
    "config.yaml:9: sink.type: 'kafak' is not one of kafka, stdout; did you mean 'kafka'?",
    "config.yaml:11: envelope.decimal_handling: 'exact' is not one of precise, string, double",
    "config.yaml:13: log.format: 'xml' is not one of text, json",
};

TEST(AllErrorsAtOnce, LoaderCollectsEveryMessageInLineOrder) {
  try {
    parse_config(kManyMistakes);
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.messages().size(), kExpected.size()) << e.what();
    for (size_t i = 0; i < kExpected.size(); ++i)
      EXPECT_EQ(e.messages()[i].rfind(kExpected[i], 0), 0u) << "message " << i << ": " << e.messages()[i];
  }
}

TEST(AllErrorsAtOnce, BinaryPrintsEveryMessage) {
  test::TempDir dir;
  test::RunResult r = test::run_agent({"run", "-c", dir.write("config.yaml", kManyMistakes)});
  EXPECT_EQ(r.exit_code, 78);
  for (const auto& m : kExpected) EXPECT_NE(r.err.find("/" + m), std::string::npos) << m << "\nstderr:\n" << r.err;
}

TEST(AllErrorsAtOnce, MissingRequiredSectionIsReportedOnce) {
  try {
    parse_config("name: shop\n");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.messages().size(), 1u) << e.what();
    EXPECT_EQ(e.messages()[0], "config.yaml:1: source: required key is missing");
  }
}

}  // namespace
}  // namespace cdc
