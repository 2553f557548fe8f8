// binlog_row_metadata=MINIMAL (MySQL 8's default) and NO_LOG (MariaDB's): TABLE_MAP carries no column
// names, so the source reads names, signedness, ENUM/SET members, charsets and the key from
// information_schema, caches them per table and fetches them anew after DDL. Rows written before a DDL
// decode with the old columns, rows after it with the new. Changes a global setting that every other
// test's TABLE_MAPs depend on, so it runs alone (RUN_SERIAL) and restores FULL afterwards.
#include <gtest/gtest.h>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class MinimalMetadata : public SourceTest, public ::testing::WithParamInterface<const char*> {
 protected:
  void TearDown() override {
    if (sql) sql->exec("SET GLOBAL binlog_row_metadata = 'FULL'");
    SourceTest::TearDown();
  }
};

TEST_P(MinimalMetadata, ColumnsComeFromInformationSchemaAndFollowDdl) {
  std::string t = db + ".t";
  sql->exec("CREATE TABLE " + t + " (k2 VARCHAR(5), id INT UNSIGNED, e ENUM('x','y''z'), s SET('a','b'), "
            "l VARCHAR(10) CHARACTER SET latin1, u VARCHAR(10) CHARACTER SET utf8mb4, j JSON, "
            "big BIGINT UNSIGNED, PRIMARY KEY (id, k2))");
  sql->exec(std::string("SET GLOBAL binlog_row_metadata = '") + GetParam() + "'");
  write_config("bigint_unsigned_handling: precise");
  start_agent();
  EXPECT_NE(agent_log().find("information_schema"), std::string::npos) << "no warning about the fallback";
  sql->exec("INSERT INTO " + t + " VALUES ('k', 4294967295, 'y''z', 'a,b', 'ñé', '😀', '{\"a\":1}', 1)");
  // Let the agent read the first row before the DDL: information_schema only knows the current shape, so
  // an agent lagging behind a DDL would describe the older TABLE_MAP with the newer columns (the
  // documented limit of MINIMAL metadata; FULL metadata has no such race).
  ASSERT_EQ(records("t", 1).size(), 1u) << agent_log();
  sql->exec("ALTER TABLE " + t + " ADD COLUMN added SMALLINT UNSIGNED DEFAULT 65535, DROP COLUMN s");
  sql->exec("INSERT INTO " + t + " VALUES ('k', 2, 'x', 'à', 'b', NULL, 2, 7)");
  sql->exec("UPDATE " + t + " SET l = 'ü' WHERE id = 4294967295");
  auto recs = records("t", 3);
  ASSERT_EQ(recs.size(), 3u);
  std::vector<std::string> keys, afters;
  for_each_value(recs, [&](const KafkaRecord& r, simdjson::dom::element v) {
    keys.push_back(r.key.value_or("null"));
    afters.push_back(simdjson::minify(v["after"]));
  });
  ASSERT_EQ(afters.size(), 3u);
  const std::string one = connect_decimal_base64("1"), two = connect_decimal_base64("2");
  EXPECT_EQ(afters[0], R"({"k2":"k","id":4294967295,"e":"y'z","s":"a,b","l":"ñé","u":"😀","j":"{\"a\":1}","big":")" +
                           one + R"("})");
  EXPECT_EQ(afters[1], R"({"k2":"k","id":2,"e":"x","l":"à","u":"b","j":null,"big":")" + two +
                           R"(","added":7})");
  EXPECT_EQ(afters[2], R"({"k2":"k","id":4294967295,"e":"y'z","l":"ü","u":"😀","j":"{\"a\":1}","big":")" + one +
                           R"(","added":65535})");
  EXPECT_EQ(keys[0], R"({"k2":"k","id":4294967295})");
  EXPECT_EQ(keys[1], R"({"k2":"k","id":2})");
  EXPECT_EQ(stop_agent(), 0);
}

// A RENAME keeps the TABLE_MAP's shape, so only the DDL tells that the names changed: rows before it keep
// the old names, rows after it get the new ones (RENAME COLUMN, a type change, and two tables swapping names).
TEST_P(MinimalMetadata, RenamesAndTypeChangesApplyFromTheDdlOn) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, a VARCHAR(10))");
  sql->exec("CREATE TABLE " + db + ".o (id INT PRIMARY KEY, q INT)");
  sql->exec(std::string("SET GLOBAL binlog_row_metadata = '") + GetParam() + "'");
  start_agent();
  sql->exec("INSERT INTO " + db + ".t VALUES (1, '1')");
  ASSERT_EQ(records("t", 1).size(), 1u) << agent_log();
  // Each row is read before the next DDL runs: an agent lagging behind a DDL would fetch the newer definition
  // for the older rows (the documented limit of MINIMAL metadata, see column_catalog.h).
  sql->exec("ALTER TABLE " + db + ".t RENAME COLUMN a TO b");
  sql->exec("INSERT INTO " + db + ".t VALUES (2, '2')");
  ASSERT_EQ(records("t", 2).size(), 2u) << agent_log();
  sql->exec("ALTER TABLE " + db + ".t MODIFY b TEXT");
  sql->exec("INSERT INTO " + db + ".t VALUES (3, '3')");
  ASSERT_EQ(records("t", 3).size(), 3u) << agent_log();
  // After the change back to INT, t (id, b INT) and o (id, q INT) swap names: the same shape, other names.
  sql->exec("ALTER TABLE " + db + ".t MODIFY b INT");
  sql->exec("INSERT INTO " + db + ".t VALUES (4, 4)");
  ASSERT_EQ(records("t", 4).size(), 4u) << agent_log();
  sql->exec("RENAME TABLE " + db + ".t TO " + db + ".tmp, " + db + ".o TO " + db + ".t, " + db + ".tmp TO " + db +
            ".o");
  sql->exec("INSERT INTO " + db + ".t VALUES (5, 5)");
  auto recs = records("t", 5);
  ASSERT_EQ(recs.size(), 5u) << agent_log();
  std::vector<std::string> afters;
  for_each_value(recs, [&](const KafkaRecord&, simdjson::dom::element v) {
    afters.push_back(simdjson::minify(v["after"]));
  });
  ASSERT_EQ(afters.size(), 5u);
  EXPECT_EQ(afters[0], R"({"id":1,"a":"1"})");
  EXPECT_EQ(afters[1], R"({"id":2,"b":"2"})");
  EXPECT_EQ(afters[2], R"({"id":3,"b":"3"})");
  EXPECT_EQ(afters[3], R"({"id":4,"b":4})");
  EXPECT_EQ(afters[4], R"({"id":5,"q":5})");
  EXPECT_EQ(stop_agent(), 0);
}

// An agent behind a type change (it was stopped while the table changed) finds information_schema
// describing a newer table than the binlog's rows: it stops with an error that names the table, the
// column, both types and the fix, instead of decoding the values under the wrong type.
TEST_P(MinimalMetadata, TypeChangedSinceTheRowsStopsNamingTheColumn) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, c VARCHAR(10))");
  sql->exec(std::string("SET GLOBAL binlog_row_metadata = '") + GetParam() + "'");
  start_agent();
  sql->exec("INSERT INTO " + db + ".t VALUES (1, 'x')");
  ASSERT_EQ(records("t", 1).size(), 1u) << agent_log();
  ASSERT_EQ(stop_agent(), 0);
  sql->exec("INSERT INTO " + db + ".t VALUES (2, '2')");
  sql->exec("ALTER TABLE " + db + ".t MODIFY c MEDIUMTEXT");
  size_t mark = agent_log().size();
  agent = std::make_unique<AgentProcess>(dir / "agent.yaml", dir / "agent.log");
  auto rc = agent->wait_exit(60s);
  ASSERT_TRUE(rc) << "the agent kept running";
  EXPECT_EQ(*rc, 69);
  std::string log = agent_log().substr(mark);
  std::vector<std::string> parts{db + ".t column c", "mediumtext", "VARCHAR", "binlog_row_metadata=FULL"};
  for (const std::string& part : parts)
    EXPECT_NE(log.find(part), std::string::npos) << "the error should name " << part << ":\n" << log;
}

INSTANTIATE_TEST_SUITE_P(Modes, MinimalMetadata, ::testing::Values("MINIMAL", "NO_LOG"));

}  // namespace
}  // namespace cdc::test::msrc
