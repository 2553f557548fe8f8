// Shared by the mysql_conn_* integration tests: connection options for the test server, a unique
// replica server_id per test process, and reading raw events until one matches.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "mysql/conn/binlog_connection.h"
#include "tests/support/test_env.h"

namespace cdc::mysql::test {

// Offsets in the v4 common header (timestamp u32, type u8, server_id u32, size u32, log_pos u32, flags).
constexpr size_t kTypeOffset = 4;
constexpr size_t kHeaderLen = 19;
constexpr uint8_t kRotate = 4, kXid = 16, kTableMap = 19, kWriteRowsV1 = 23, kHeartbeat = 27, kWriteRows = 30,
                  kMariaGtid = 162;

inline ConnectOptions connect_options(const cdc::test::TestEnv& env) {
  cdc::test::MysqlParams p = env.mysql();
  ConnectOptions o;
  o.host = p.host;
  o.port = p.port;
  o.user = p.user;
  o.password = p.password;
  o.database = p.db;
  o.connect_timeout_s = 5;
  o.read_timeout_s = 10;
  return o;
}

// Distinct per process, so tests running in parallel never share a replica id.
inline uint32_t test_server_id(uint32_t n = 0) { return 70000 + static_cast<uint32_t>(::getpid() % 20000) * 8 + n; }

inline std::string unique_table(const std::string& prefix) {
  return prefix + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

struct StreamEvent {
  uint8_t type = 0;
  std::vector<uint8_t> bytes;
};

// Reads events for at most `limit`, collecting them, until `done` returns true for one.
inline std::vector<StreamEvent> read_until(BinlogConnection& c, const std::function<bool(const StreamEvent&)>& done,
                                        std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  std::vector<StreamEvent> seen;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto ev = c.next_event(100);
    if (!ev) {
      if (c.at_end()) break;
      continue;
    }
    EXPECT_GE(ev->size(), kHeaderLen);
    StreamEvent raw{(*ev)[kTypeOffset], std::vector<uint8_t>(ev->begin(), ev->end())};
    seen.push_back(raw);
    if (done(raw)) return seen;
  }
  ADD_FAILURE() << "condition not met after " << seen.size() << " events";
  return seen;
}

}  // namespace cdc::mysql::test
