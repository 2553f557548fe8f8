// docs/configuration.md and docs/exit-codes.md are generated from the code's tables; this fails when the
// committed files differ. Fix: cmake --build BUILD --target cdc_docs
#include <gtest/gtest.h>

#include "config/docs.h"
#include "config/keys.h"
#include "unit/config/agent_process.h"

namespace cdc {
namespace {

TEST(GeneratedDocs, ConfigurationMdMatchesKeyTable) {
  EXPECT_EQ(test::read_text(test::source_dir() + "/docs/configuration.md"), config::configuration_markdown())
      << "regenerate with: cmake --build <build dir> --target cdc_docs";
}

TEST(GeneratedDocs, ExitCodesMdMatchesExitCodeTable) {
  EXPECT_EQ(test::read_text(test::source_dir() + "/docs/exit-codes.md"), config::exit_codes_markdown())
      << "regenerate with: cmake --build <build dir> --target cdc_docs";
}

TEST(GeneratedDocs, BinaryPrintsTheSameText) {
  test::RunResult r = test::run_agent({"gen-docs", "configuration"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, config::configuration_markdown());
  r = test::run_agent({"gen-docs", "exit-codes"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, config::exit_codes_markdown());
}

TEST(GeneratedDocs, EveryKeyIsDocumentedAndEveryValueKeyIsApplied) {
  std::string doc = config::configuration_markdown();
  for (const auto& k : config::config_keys()) {
    EXPECT_NE(doc.find("| `" + std::string(k.path) + "` |"), std::string::npos) << k.path;
    EXPECT_FALSE(k.doc.empty()) << k.path;
    EXPECT_EQ(k.type == config::KeyType::section, k.apply == nullptr) << k.path;
  }
}

}  // namespace
}  // namespace cdc
