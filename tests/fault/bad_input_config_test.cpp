// Hostile configuration texts, several found by fuzz_config: each is refused with a ConfigError (exit 78)
// whose messages name the file and line, never with a crash or a foreign exception. The first case read
// a YAML key through a dangling reference (ASan: stack-use-after-scope in the key walker).
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace cdc {
namespace {

// The joined ConfigError messages for `yaml`; fails the test when it loads or throws anything else.
std::string refusal(const std::string& yaml) {
  try {
    parse_config(yaml, "bad.yaml");
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    EXPECT_FALSE(e.messages().empty());
    for (const auto& m : e.messages()) EXPECT_EQ(m.rfind("bad.yaml:", 0), 0u) << m;
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << yaml;
  return "";
}

TEST(BadConfigInput, FlowMapKeyWithoutValue) {
  std::string what = refusal("{h}");
  EXPECT_NE(what.find("h"), std::string::npos) << what;
}

TEST(BadConfigInput, RootThatIsNotAMap) {
  for (const char* yaml : {"- a\n- b\n", "just text", "", "# only a comment\n", "~", "[]"}) {
    SCOPED_TRACE(yaml);
    refusal(yaml);
  }
}

TEST(BadConfigInput, DeepNestingIsRefusedNotACrash) {
  for (const char* open : {"[", "{a: "}) {
    std::string yaml = "name: ";
    for (int i = 0; i < 20000; ++i) yaml += open;
    refusal(yaml);
  }
}

TEST(BadConfigInput, InvalidRegexNamesTheListItem) {
  std::string what = refusal(
      "name: x\nsource:\n  type: mysql\n  host: h\n  user: u\n  mysql: {server_id: 1}\n"
      "  include_tables: [\"shop\\\\.(orders\"]\nsink: {type: stdout}\n");
  EXPECT_NE(what.find("source.include_tables[0]"), std::string::npos) << what;
  EXPECT_NE(what.find("bad.yaml:7"), std::string::npos) << what;
}

TEST(BadConfigInput, ControlAndInvalidUtf8BytesAreReportedNotTrusted) {
  refusal(std::string("name: \"a\\0b\"\nsource: {type: \xff\xfe}\n", 33));
  refusal(std::string("na\0me: x\n", 9));
}

TEST(BadConfigInput, NumbersOutOfRange) {
  std::string what = refusal(
      "name: x\nsource: {type: postgres, host: h, user: u, database: d, port: 99999999999999999999}\n"
      "heartbeat: {interval_ms: -1e400}\nsink: {type: stdout}\n");
  EXPECT_NE(what.find("source.port"), std::string::npos) << what;
  EXPECT_NE(what.find("heartbeat.interval_ms"), std::string::npos) << what;
}

}  // namespace
}  // namespace cdc
