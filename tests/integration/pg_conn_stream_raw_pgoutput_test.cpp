// The replication connection streams pgoutput as raw CopyData: a committed transaction arrives as
// XLogData frames carrying Begin, Relation, Insert… and Commit, and a status update that asks for a reply
// gets a primary keepalive back. A broken stream is a retriable error. Reading in batches
// (set_batch_wait) changes nothing in what arrives.
#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using StreamRawPgoutput = PgConnTest;

TEST_F(StreamRawPgoutput, TransactionArrivesAsBeginRelationInsertsCommit) {
  std::string t = new_table("id int PRIMARY KEY, v text");
  auto& repl = open_repl();
  Stream s = new_stream(t, repl);
  sql->exec("INSERT INTO public." + t + " VALUES (1, 'a'), (2, 'b')");

  start_streaming(repl, {s.slot, 0, s.publication});
  EXPECT_TRUE(repl.streaming());
  auto frames = read_until(repl, [](const Frame& f) { return f.kind == 'w' && f.message_type() == 'C'; });

  std::string types;
  for (const auto& f : frames)
    if (f.kind == 'w') types += f.message_type();
  EXPECT_EQ(types, "BRIIC");
  ASSERT_FALSE(frames.empty());
  EXPECT_GE(frames.back().wal_start, s.consistent_point);
  EXPECT_GE(commit_end_lsn(frames.back()), frames.back().wal_start);
}

TEST_F(StreamRawPgoutput, StatusUpdateAskingForReplyGetsKeepalive) {
  std::string t = new_table("id int PRIMARY KEY");
  auto& repl = open_repl();
  Stream s = new_stream(t, repl);
  start_streaming(repl, {s.slot, 0, s.publication});

  repl.send_status(s.consistent_point, s.consistent_point, s.consistent_point, /*reply=*/true);
  auto frames = read_until(repl, [](const Frame& f) { return f.kind == 'k'; }, std::chrono::seconds(10));
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().kind, 'k');
  EXPECT_GE(frames.back().wal_end, s.consistent_point);
}

TEST_F(StreamRawPgoutput, ReadReturnsNothingWithinTimeoutWhenIdle) {
  std::string t = new_table("id int PRIMARY KEY");
  auto& repl = open_repl();
  Stream s = new_stream(t, repl);
  start_streaming(repl, {s.slot, 0, s.publication});
  // Drain what the server sends on start (it may send a keepalive right away).
  while (auto cd = repl.read(300)) {
    EXPECT_EQ(cd->kind(), 'k');
  }
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(repl.read(250).has_value());
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(240));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

// source.postgres.read_wait_us: once a busy stream is read up, read() waits before going to the socket
// again, so it takes batches. The messages are the same ones, in the same order, as reading each arrival.
TEST_F(StreamRawPgoutput, BatchWaitReadsTheSameMessagesInTheSameOrder) {
  std::string t = new_table("id int PRIMARY KEY, v text");
  auto& plain = open_repl();
  auto& batched = open_repl();
  Stream s = new_stream(t, plain);
  std::string slot2 = new_slot();
  batched.create_slot(slot2);
  constexpr int kTransactions = 200;
  for (int i = 0; i < kTransactions; ++i)
    sql->exec("INSERT INTO public." + t + " SELECT g, repeat('x', 50) FROM generate_series(" +
              std::to_string(i * 10) + ", " + std::to_string(i * 10 + 9) + ") g");

  auto drain = [&](PgReplicationConnection& repl, const std::string& slot, std::chrono::microseconds wait) {
    repl.set_batch_wait(wait);
    start_streaming(repl, {slot, 0, s.publication});
    int commits = 0;
    std::vector<Frame> changes;
    for (const auto& f : read_until(repl, [&](const Frame& f) {
           return f.kind == 'w' && f.message_type() == 'C' && ++commits == kTransactions;
         }))
      if (f.kind == 'w') changes.push_back(f);
    return changes;
  };
  std::vector<Frame> a = drain(plain, s.slot, std::chrono::microseconds(0));
  std::vector<Frame> b = drain(batched, slot2, std::chrono::microseconds(5000));
  ASSERT_EQ(a.size(), static_cast<size_t>(kTransactions) * 12 + 1);  // B, 10 I, C (+ one Relation)
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].wal_start, b[i].wal_start) << i;
    EXPECT_EQ(a[i].data, b[i].data) << i;
  }

  // With the wait on, a quiet stream still answers "nothing" after the caller's timeout, not later.
  while (batched.read(300)) {
  }
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(batched.read(250).has_value());
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(240));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST_F(StreamRawPgoutput, IdentifySystemNamesTheDatabaseAndCurrentWal) {
  auto& repl = open_repl();
  SystemIdentity id = repl.identify_system();
  EXPECT_EQ(id.dbname, params.dbname);
  EXPECT_GE(id.timeline, 1u);
  EXPECT_FALSE(id.systemid.empty());
  Lsn now = *parse_lsn(sql->exec("SELECT pg_current_wal_lsn()").str(0, 0));
  EXPECT_LE(id.xlogpos, now);
  EXPECT_GT(id.xlogpos, 0u);
  EXPECT_GE(repl.server_version(), 100000);
}

TEST_F(StreamRawPgoutput, TerminatedWalsenderIsARetriableError) {
  std::string t = new_table("id int PRIMARY KEY");
  auto& repl = open_repl();
  Stream s = new_stream(t, repl);
  start_streaming(repl, {s.slot, 0, s.publication});
  sql->exec("SELECT pg_terminate_backend(" + std::to_string(repl.backend_pid()) + ")");

  try {
    for (int i = 0; i < 50; ++i) repl.read(200);
    FAIL() << "the stream survived its walsender";
  } catch (const PgRetriableError& e) {
    EXPECT_EQ(e.code(), ExitCode::temporary) << e.what();
  }
  EXPECT_THROW(repl.send_status(1, 1, 1), PgRetriableError);
}

}  // namespace
}  // namespace cdc::pg::test
