// A BinlogConnection registered as a replica streams the server's raw binlog events: a committed
// insert arrives as GTID, TABLE_MAP, WRITE_ROWS and XID; FLUSH LOGS arrives as a ROTATE naming the new
// file; an idle stream carries heartbeats; a GTID position resumes after the last transaction; and a
// non-blocking dump ends at the end of the binlog.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/integration/mysql_conn_test_util.h"

namespace cdc::mysql::test {
namespace {

bool contains_bytes(const std::vector<uint8_t>& hay, const std::string& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

// The file name a ROTATE event points to: after the common header and the 8-byte position.
std::string rotate_target(const StreamEvent& ev, bool checksum) {
  size_t end = ev.bytes.size() - (checksum ? 4 : 0);
  return std::string(ev.bytes.begin() + kHeaderLen + 8, ev.bytes.begin() + static_cast<long>(end));
}

class BinlogStream : public cdc::test::EnvTest {
 protected:
  void SetUp() override {
    EnvTest::SetUp();
    if (IsSkipped()) return;
    sql = std::make_unique<cdc::test::MysqlConn>(env.mysql());
    conn = std::make_unique<BinlogConnection>(connect_options(env));
    conn->connect();
  }
  // Starts a dump at the server's current end of binlog.
  void dump_from_now(int heartbeat_ms = 1000) {
    MasterStatus st = conn->show_master_status();
    DumpRequest req;
    req.server_id = test_server_id();
    req.file = st.file;
    req.pos = static_cast<uint32_t>(st.pos);
    req.heartbeat_ms = heartbeat_ms;
    conn->start_dump(req);
  }

  std::unique_ptr<cdc::test::MysqlConn> sql;
  std::unique_ptr<BinlogConnection> conn;
};

TEST_F(BinlogStream, CommittedInsertArrivesAsGtidTableMapWriteRowsXid) {
  std::string table = unique_table("conn_rows");
  sql->exec("CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(20))");
  dump_from_now();
  sql->exec("BEGIN");
  sql->exec("INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b')");
  sql->exec("COMMIT");

  bool table_seen = false;
  auto events = read_until(*conn, [&](const StreamEvent& ev) {
    table_seen = table_seen || (ev.type == kTableMap && contains_bytes(ev.bytes, table));
    return table_seen && ev.type == kXid;
  });
  std::vector<uint8_t> types;
  for (const auto& ev : events) types.push_back(ev.type);
  // The transaction of our table: its TABLE_MAP, followed by WRITE_ROWS and then XID.
  auto map = std::find_if(events.begin(), events.end(),
                          [&](const StreamEvent& ev) { return ev.type == kTableMap && contains_bytes(ev.bytes, table); });
  ASSERT_NE(map, events.end());
  auto rows = std::find_if(map, events.end(), [](const StreamEvent& ev) { return ev.type == kWriteRowsV1 || ev.type == kWriteRows; });
  ASSERT_NE(rows, events.end());
  EXPECT_EQ(events.back().type, kXid);
  if (conn->server().flavor == Flavor::mariadb) {
    // @mariadb_slave_capability=4: transactions start with a GTID event, not a BEGIN query.
    EXPECT_NE(std::find(types.begin(), types.end(), kMariaGtid), types.end());
    EXPECT_TRUE(conn->checksum()) << "MariaDB 10.11 defaults to binlog_checksum=CRC32";
  }
}

TEST_F(BinlogStream, FlushLogsArrivesAsRotateToTheNewFile) {
  dump_from_now();
  sql->exec("FLUSH BINARY LOGS");
  std::string new_file = sql->query("SHOW MASTER STATUS").at(0).at(0).value();
  // The rotate written into the old file (not the artificial one sent at dump start) names the new file.
  auto events = read_until(*conn, [&](const StreamEvent& ev) {
    return ev.type == kRotate && rotate_target(ev, conn->checksum()) == new_file;
  });
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(rotate_target(events.back(), conn->checksum()), new_file);
}

TEST_F(BinlogStream, IdleStreamCarriesHeartbeats) {
  dump_from_now(/*heartbeat_ms=*/200);
  auto events = read_until(*conn, [](const StreamEvent& ev) { return ev.type == kHeartbeat; }, std::chrono::seconds(5));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, kHeartbeat);
}

TEST_F(BinlogStream, NextEventReturnsNothingWithinTheTimeoutWhenNothingHappens) {
  dump_from_now(/*heartbeat_ms=*/0);
  // Drain what the dump start sends (fake ROTATE, FORMAT_DESCRIPTION, ...), then the stream is quiet
  // unless another test writes; either way the call must come back about on time.
  while (conn->next_event(300)) {
  }
  auto start = std::chrono::steady_clock::now();
  auto ev = conn->next_event(200);
  auto took = std::chrono::steady_clock::now() - start;
  if (!ev) {
    EXPECT_GE(took, std::chrono::milliseconds(150));
  }
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST_F(BinlogStream, GtidPositionResumesAfterTheLastTransaction) {
  std::string table = unique_table("conn_gtid");
  sql->exec("CREATE TABLE " + table + " (id INT PRIMARY KEY)");
  MasterStatus st = conn->show_master_status();
  if (st.gtid_set.empty()) GTEST_SKIP() << "server has no GTIDs (MySQL with gtid_mode=OFF)";
  sql->exec("INSERT INTO " + table + " VALUES (1)");
  DumpRequest req;
  req.server_id = test_server_id();
  req.gtid_set = st.gtid_set;
  conn->start_dump(req);
  bool table_seen = false;
  auto events = read_until(*conn, [&](const StreamEvent& ev) {
    table_seen = table_seen || (ev.type == kTableMap && contains_bytes(ev.bytes, table));
    return table_seen && ev.type == kXid;
  });
  // The CREATE TABLE is in the GTID set we gave, so it is not sent again.
  for (const auto& ev : events) EXPECT_FALSE(ev.type == 2 && contains_bytes(ev.bytes, "CREATE TABLE " + table));
  EXPECT_EQ(events.back().type, kXid);
}

TEST_F(BinlogStream, NonBlockingDumpEndsAtTheEndOfTheBinlog) {
  MasterStatus st = conn->show_master_status();
  DumpRequest req;
  req.server_id = test_server_id();
  req.file = st.file;
  req.pos = 4;
  req.non_block = true;
  conn->start_dump(req);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  size_t events = 0;
  while (!conn->at_end() && std::chrono::steady_clock::now() < deadline) events += conn->next_event(100) ? 1 : 0;
  EXPECT_TRUE(conn->at_end());
  EXPECT_GE(events, 2u) << "at least the ROTATE and FORMAT_DESCRIPTION of the file";
}

}  // namespace
}  // namespace cdc::mysql::test
