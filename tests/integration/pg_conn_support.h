// Shared fixture of the pg_conn_* integration tests: connection parameters from the test environment,
// per-test unique slot / publication / table names, and cleanup of everything a test created, so tests
// can run in parallel and repeatedly against one long-lived server.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "postgres/conn/pg_catalog.h"
#include "postgres/conn/pg_connection.h"
#include "postgres/conn/pg_replication.h"
#include "postgres/conn/pg_slot.h"
#include "postgres/pgoutput.h"
#include "tests/support/test_env.h"

namespace cdc::pg::test {

inline PgConnParams params_from_env(const cdc::test::TestEnv& env) {
  PgConnParams p;
  p.host = env.get("CDC_TEST_PG_HOST");
  std::string port = env.get("CDC_TEST_PG_PORT");
  p.port = static_cast<uint16_t>(port.empty() ? 5432 : std::stoi(port));
  p.user = env.get("CDC_TEST_PG_USER");
  p.password = env.get("CDC_TEST_PG_PASSWORD");
  p.dbname = env.get("CDC_TEST_PG_DB");
  return p;
}

// "pgc_<what>_<pid>_<n>": lower case, so it needs no quoting and matches the slot-name rules.
inline std::string unique_name(const std::string& what) {
  static std::atomic<int> n{0};
  return "pgc_" + what + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

// One CopyData frame, copied out of libpq's buffer.
struct Frame {
  char kind = 0;  // 'w' or 'k'
  Lsn wal_start = 0;
  Lsn wal_end = 0;
  bool reply_requested = false;
  std::vector<uint8_t> data;  // the pgoutput message of a 'w'
  char message_type() const { return data.empty() ? '\0' : static_cast<char>(data[0]); }
};

inline Frame to_frame(const CopyData& cd) {
  Frame f;
  f.kind = cd.kind();
  auto msg = decode_server_message(cd.bytes());
  if (auto* x = std::get_if<XLogData>(&msg)) {
    f.wal_start = x->wal_start;
    f.wal_end = x->wal_end;
    f.data.assign(x->data.begin(), x->data.end());
  } else {
    const auto& k = std::get<PrimaryKeepalive>(msg);
    f.wal_end = k.wal_end;
    f.reply_requested = k.reply_requested;
  }
  return f;
}

// Reads frames until `done` accepts one (returned with everything before it); fails the test after
// `timeout`.
inline std::vector<Frame> read_until(PgReplicationConnection& repl, const std::function<bool(const Frame&)>& done,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  std::vector<Frame> got;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto cd = repl.read(200);
    if (!cd) continue;
    got.push_back(to_frame(*cd));
    if (done(got.back())) return got;
  }
  ADD_FAILURE() << "no expected frame within " << timeout.count() << " ms (" << got.size() << " frames read)";
  return got;
}

// The end LSN of a pgoutput Commit ('C', flags, commit_lsn, end_lsn, timestamp).
inline Lsn commit_end_lsn(const Frame& f) {
  ByteReader r(std::span<const uint8_t>(f.data));
  EXPECT_EQ(r.u8("type"), 'C');
  r.u8("flags");
  r.u64be("commit lsn");
  return r.u64be("end lsn");
}

class PgConnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = cdc::test::TestEnv::load();
    if (!env_.available()) GTEST_SKIP() << env_.skip_reason();
    params = params_from_env(env_);
    sql.emplace(params);
  }

  void TearDown() override {
    repls_.clear();  // walsenders must let go of the slots before they can be dropped
    if (!sql) return;
    for (auto it = cleanup_.rbegin(); it != cleanup_.rend(); ++it) sql->exec(*it);
    for (const auto& s : slots_) drop_slot(s);
    for (const auto& p : pubs_) sql->exec("DROP PUBLICATION IF EXISTS " + p);
    for (const auto& t : tables_) sql->exec("DROP TABLE IF EXISTS " + t + " CASCADE");
  }

  std::string new_slot() { return slots_.emplace_back(unique_name("slot")); }
  std::string new_publication() { return pubs_.emplace_back(unique_name("pub")); }
  // Creates public.<unique> with `columns` (SQL column list) and returns its unqualified name.
  std::string new_table(const std::string& columns) {
    std::string t = tables_.emplace_back(unique_name("t"));
    sql->exec("CREATE TABLE public." + t + " (" + columns + ")");
    return t;
  }
  // SQL run at teardown (in reverse order), before slots, publications and tables are dropped.
  void on_teardown(std::string statement) { cleanup_.push_back(std::move(statement)); }
  PgReplicationConnection& open_repl() { return repls_.emplace_back(params); }
  void close_repls() { repls_.clear(); }

  // A publication FOR TABLE `table` and a slot; returns {publication, slot, consistent point}.
  struct Stream {
    std::string publication, slot;
    Lsn consistent_point = 0;
  };
  Stream new_stream(const std::string& table, PgReplicationConnection& repl) {
    Stream s{new_publication(), new_slot(), 0};
    sql->exec("CREATE PUBLICATION " + s.publication + " FOR TABLE public." + table);
    s.consistent_point = repl.create_slot(s.slot).consistent_point;
    return s;
  }

  // Drops a slot, waiting out a walsender that is still releasing it.
  void drop_slot(const std::string& slot) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      try {
        sql->exec_params("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1",
                         {slot});
        return;
      } catch (const PgError& e) {
        if (e.sqlstate() != "55006" || std::chrono::steady_clock::now() > deadline) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  // Polls until the slot's confirmed_flush_lsn equals `want` (the walsender applies status asynchronously).
  Lsn wait_confirmed_flush(const std::string& slot, Lsn want) {
    Lsn seen = 0;
    for (int i = 0; i < 100; ++i) {
      seen = confirmed_flush_lsn(*sql, slot).value_or(0);
      if (seen == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return seen;
  }

  PgConnParams params;
  std::optional<PgConnection> sql;

 private:
  cdc::test::TestEnv env_;
  std::deque<PgReplicationConnection> repls_;
  std::vector<std::string> slots_, pubs_, tables_, cleanup_;
};

}  // namespace cdc::pg::test
