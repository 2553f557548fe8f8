// The command line: usage errors exit 64, --version and --help exit 0, an unreadable or invalid
// configuration exits 78 before any command runs.
#include <gtest/gtest.h>

#include "cdc_version.h"
#include "unit/config/agent_process.h"

namespace cdc {
namespace {

using test::run_agent;

TEST(Cli, VersionPrintsNameAndVersion) {
  auto r = run_agent({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("cdc-agent ") + CDC_AGENT_VERSION + "\n");
}

TEST(Cli, HelpListsCommandsButNotHiddenOnes) {
  auto r = run_agent({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"run", "check", "decode"}) EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  EXPECT_EQ(r.out.find("gen-docs"), std::string::npos);
}

TEST(Cli, CommandHelp) {
  auto r = run_agent({"run", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--config"), std::string::npos) << r.out;
  r = run_agent({"decode", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--schemas"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--prefix"), std::string::npos) << r.out;
}

TEST(Cli, UsageErrorsExit64) {
  const std::vector<std::vector<std::string>> cases = {
      {},                                   // no command
      {"frobnicate"},                       // unknown command
      {"run"},                              // missing -c
      {"check", "-c"},                      // -c without a value
      {"run", "-c", "a.yaml", "--bogus"},   // unknown option
      {"decode"},                           // no files
      {"decode", "/nonexistent/binlog.000001"},
      {"gen-docs", "manual"},
  };
  for (const auto& args : cases) {
    auto r = run_agent(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 64) << "args: " << joined << "\nstderr: " << r.err;
    EXPECT_FALSE(r.err.empty()) << joined;
  }
}

TEST(Cli, MissingConfigFileExits78) {
  auto r = run_agent({"check", "-c", "/nonexistent/cdc.yaml"});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("/nonexistent/cdc.yaml: cannot read configuration file"), std::string::npos) << r.err;
}

TEST(Cli, LongConfigOptionIsAccepted) {
  test::TempDir dir;
  auto r = run_agent({"run", "--config", dir.write("c.yaml", "name: x\n")});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("c.yaml:1: source: required key is missing"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cdc
