// Binlog rotation while streaming: FLUSH LOGS between transactions, and a tiny max_binlog_size that makes
// the server rotate every few transactions under load. No row is lost or duplicated, and the stored offset
// names the newer file.
#include <gtest/gtest.h>

#include <set>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

uint64_t file_index(const std::string& file) { return std::stoull(file.substr(file.rfind('.') + 1)); }

class Rotation : public SourceTest {
 protected:
  // Every id in [1, n] exactly once on the topic, and the files the rows came from.
  std::set<std::string> expect_ids_once(int n) {
    auto recs = records("t", static_cast<size_t>(n), 60s);
    std::multiset<int64_t> ids;
    std::set<std::string> files;
    for_each_value(recs, [&](const KafkaRecord&, simdjson::dom::element v) {
      ids.insert(row_int(v, "id"));
      files.insert(std::string(std::string_view(v["source"]["file"])));
    });
    EXPECT_EQ(ids.size(), static_cast<size_t>(n));
    for (int i = 1; i <= n; ++i) EXPECT_EQ(ids.count(i), 1u) << "id " << i;
    return files;
  }
};

TEST_F(Rotation, FlushLogsMidStreamLosesNothingAndTheOffsetMovesToTheNewFile) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
  start_agent();
  auto start = offset();
  ASSERT_TRUE(start);
  int id = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(++id) + ", 'r')");
    sql->exec("FLUSH BINARY LOGS");
  }
  for (int i = 0; i < 5; ++i) sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(++id) + ", 'r')");
  auto files = expect_ids_once(id);
  EXPECT_GE(files.size(), 4u) << "rows should come from four binlog files";
  ASSERT_EQ(stop_agent(), 0);
  auto end = offset();
  ASSERT_TRUE(end);
  EXPECT_GE(file_index(end->file), file_index(start->file) + 3) << end->file;
  EXPECT_GE(end->file, *files.rbegin());
}

// Changes a global setting: runs under the mariadb_global lock (see mysql_source.cmake).
TEST_F(Rotation, TinyMaxBinlogSizeRotatesUnderLoadWithoutLoss) {
  std::string before = sql->scalar("SELECT @@global.max_binlog_size");
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(200))");
  start_agent();
  auto start = offset();
  ASSERT_TRUE(start);
  sql->exec("SET GLOBAL max_binlog_size = 4096");
  const int n = 400;
  try {
    for (int i = 1; i <= n; ++i)
      sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(i) + ", REPEAT('x', 150))");
  } catch (...) {
    sql->exec("SET GLOBAL max_binlog_size = " + before);
    throw;
  }
  sql->exec("SET GLOBAL max_binlog_size = " + before);
  auto files = expect_ids_once(n);
  EXPECT_GE(files.size(), 10u) << "expected many rotations";
  ASSERT_EQ(stop_agent(), 0);
  auto end = offset();
  ASSERT_TRUE(end);
  EXPECT_GE(end->file, *files.rbegin());
  EXPECT_GT(file_index(end->file), file_index(start->file) + 9);
}

}  // namespace
}  // namespace cdc::test::msrc
