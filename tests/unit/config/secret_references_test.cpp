// ${env:VAR} and ${file:PATH} are resolved anywhere in a string value, and a secret never appears in
// error output, neither from the loader nor from the binary.
#include <gtest/gtest.h>

#include <cstdlib>

#include "config/config.h"
#include "unit/config/agent_process.h"

namespace cdc {
namespace {

constexpr const char* kSecret = "s3cr3t-Pa55";

std::string mysql_with(const std::string& password_line, const std::string& extra = "") {
  return "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  " + password_line +
         "\n  mysql: {server_id: 1}\n" + extra;
}

class SecretReferences : public ::testing::Test {
 protected:
  void SetUp() override { setenv("CDC_TEST_DB_PASSWORD", kSecret, 1); }
  void TearDown() override { unsetenv("CDC_TEST_DB_PASSWORD"); }
  test::TempDir dir_;
};

TEST_F(SecretReferences, EnvReference) {
  Config c = parse_config(mysql_with("password: ${env:CDC_TEST_DB_PASSWORD}"));
  EXPECT_EQ(c.source.password, kSecret);
}

TEST_F(SecretReferences, FileReferenceDropsTrailingNewline) {
  std::string path = dir_.write("db", std::string(kSecret) + "\n");
  Config c = parse_config(mysql_with("password: ${file:" + path + "}"));
  EXPECT_EQ(c.source.password, kSecret);
}

TEST_F(SecretReferences, FileReferenceKeepsInnerNewlines) {
  std::string path = dir_.write("multi", "line1\nline2\r\n\n");
  Config c = parse_config(mysql_with("password: ${file:" + path + "}"));
  EXPECT_EQ(c.source.password, "line1\nline2");
}

TEST_F(SecretReferences, SeveralReferencesInsideOneString) {
  std::string path = dir_.write("user", "kafka-user\n");
  Config c = parse_config(mysql_with("password: plain", "sink:\n  kafka:\n    sasl.jaas: \"u=${file:" + path +
                                                            "};p=${env:CDC_TEST_DB_PASSWORD};\"\n"));
  EXPECT_EQ(c.sink.kafka.at("sasl.jaas"), std::string("u=kafka-user;p=") + kSecret + ";");
}

TEST_F(SecretReferences, OtherDollarBracesStayLiteral) {
  Config c = parse_config(mysql_with("password: \"a${b}c${env:\""));
  EXPECT_EQ(c.source.password, "a${b}c${env:");
}

TEST_F(SecretReferences, ReferencesWorkInNumbers) {
  setenv("CDC_TEST_PORT", "3307", 1);
  Config c = parse_config(mysql_with("port: ${env:CDC_TEST_PORT}"));
  unsetenv("CDC_TEST_PORT");
  EXPECT_EQ(c.source.port, 3307);
}

TEST_F(SecretReferences, ReferenceToDirectoryIsAnError) {
  try {
    parse_config(mysql_with("password: ${file:" + dir_.path() + "}"));
    FAIL() << "a directory was accepted as a secret file";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("config.yaml:6: source.password: cannot read secret file"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(SecretReferences, SecretNeverPrintedByLoaderOrBinary) {
  std::string secret_file = dir_.write("db", std::string(kSecret) + "\n");
  // Valid secrets, but errors elsewhere in the same file, including next to them.
  std::string yaml = "name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  password: ${file:" +
                     secret_file + "}\n  passwrd: " + kSecret + "x\n  mysql: {server_id: 0}\nsink:\n  type: kafka\n"
                     "  kafka:\n    sasl.password: ${env:CDC_TEST_DB_PASSWORD}\n";
  try {
    parse_config(yaml);
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
  }
  test::RunResult r = test::run_agent({"check", "-c", dir_.write("config.yaml", yaml)});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
}

}  // namespace
}  // namespace cdc
