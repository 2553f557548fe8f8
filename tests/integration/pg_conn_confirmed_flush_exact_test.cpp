// send_status moves the slot's confirmed_flush_lsn to exactly the flushed position: not short of it,
// and never past it to data the agent has read but not acknowledged.
#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using ConfirmedFlushExact = PgConnTest;

TEST_F(ConfirmedFlushExact, AdvancesToTheFlushedCommitAndNoFurther) {
  std::string t = new_table("id int PRIMARY KEY");
  auto& repl = open_repl();
  Stream s = new_stream(t, repl);
  sql->exec("INSERT INTO public." + t + " VALUES (1)");
  sql->exec("INSERT INTO public." + t + " VALUES (2)");

  start_streaming(repl, {s.slot, 0, s.publication});
  std::vector<Lsn> commits;
  read_until(repl, [&](const Frame& f) {
    if (f.kind == 'w' && f.message_type() == 'C') commits.push_back(commit_end_lsn(f));
    return commits.size() == 2;
  });
  ASSERT_EQ(commits.size(), 2u);
  ASSERT_LT(commits[0], commits[1]);
  EXPECT_EQ(confirmed_flush_lsn(*sql, s.slot), s.consistent_point);

  // Only the first transaction is delivered: write may run ahead, flush may not.
  repl.send_status(commits[1], commits[0], commits[0]);
  EXPECT_EQ(wait_confirmed_flush(s.slot, commits[0]), commits[0]);

  // A reply round-trip proves the server processed everything sent so far; the slot stays put.
  repl.send_status(commits[1], commits[0], commits[0], /*reply=*/true);
  read_until(repl, [](const Frame& f) { return f.kind == 'k'; }, std::chrono::seconds(10));
  EXPECT_EQ(confirmed_flush_lsn(*sql, s.slot), commits[0]);

  repl.send_status(commits[1], commits[1], commits[1]);
  EXPECT_EQ(wait_confirmed_flush(s.slot, commits[1]), commits[1]);
}

TEST_F(ConfirmedFlushExact, RestartResumesAfterTheConfirmedCommit) {
  std::string t = new_table("id int PRIMARY KEY");
  Stream s;
  Lsn first = 0;
  {
    auto& repl = open_repl();
    s = new_stream(t, repl);
    sql->exec("INSERT INTO public." + t + " VALUES (1)");
    sql->exec("INSERT INTO public." + t + " VALUES (2)");
    start_streaming(repl, {s.slot, 0, s.publication});
    read_until(repl, [&](const Frame& f) {
      if (f.kind == 'w' && f.message_type() == 'C' && first == 0) first = commit_end_lsn(f);
      return first != 0;
    });
    repl.send_status(first, first, first);
    ASSERT_EQ(wait_confirmed_flush(s.slot, first), first);
  }
  close_repls();

  // A new connection from the slot's position sees only the unacknowledged second transaction.
  auto& again = open_repl();
  SlotReady ready = ensure_slot(*sql, again, s.slot, BusyRetry{std::chrono::seconds(10)});
  EXPECT_FALSE(ready.created);
  EXPECT_EQ(ready.start_lsn, first);
  start_streaming(again, {s.slot, ready.start_lsn, s.publication}, BusyRetry{std::chrono::seconds(10)});
  auto frames = read_until(again, [](const Frame& f) { return f.kind == 'w' && f.message_type() == 'C'; });
  int inserts = 0;
  for (const auto& f : frames) inserts += f.kind == 'w' && f.message_type() == 'I';
  EXPECT_EQ(inserts, 1);
  ASSERT_FALSE(frames.empty());
  EXPECT_GT(commit_end_lsn(frames.back()), first);
}

}  // namespace
}  // namespace cdc::pg::test
