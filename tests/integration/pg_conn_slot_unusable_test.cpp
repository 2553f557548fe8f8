// A slot the agent cannot stream from stops it with a clear error and the fix, and is never recreated
// or dropped behind the operator's back: a dropped slot, a slot of another plugin, a missing publication.
#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using namespace std::chrono_literals;
using SlotUnusable = PgConnTest;

std::string what_of(const std::function<void()>& f, ExitCode want) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), want) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

TEST_F(SlotUnusable, DroppedSlotIsSourceUnusableNamingTheSlot) {
  std::string t = new_table("id int PRIMARY KEY");
  auto& repl = open_repl();
  Stream s = new_stream(t, repl);
  drop_slot(s.slot);

  std::string msg = what_of([&] { start_streaming(repl, {s.slot, 0, s.publication}, BusyRetry{2s}); },
                            ExitCode::source_unusable);
  EXPECT_NE(msg.find(s.slot), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
  EXPECT_NE(msg.find("fix:"), std::string::npos) << msg;
  EXPECT_FALSE(query_slot(*sql, s.slot).has_value()) << "the slot must not be recreated silently";
}

TEST_F(SlotUnusable, SlotOfAnotherPluginIsRefusedNotReplaced) {
  std::string slot = new_slot();
  sql->exec_params("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", {slot});
  auto& repl = open_repl();

  std::string msg = what_of([&] { ensure_slot(*sql, repl, slot, BusyRetry{2s}); }, ExitCode::config);
  EXPECT_NE(msg.find("test_decoding"), std::string::npos) << msg;
  EXPECT_NE(msg.find("postgres.slot"), std::string::npos) << msg;
  EXPECT_EQ(query_slot(*sql, slot)->plugin, "test_decoding");
}

TEST_F(SlotUnusable, MissingPublicationSurfacesWhileReading) {
  std::string t = new_table("id int PRIMARY KEY");
  auto& repl = open_repl();
  std::string slot = new_slot();
  repl.create_slot(slot);
  std::string missing = unique_name("nopub");
  start_streaming(repl, {slot, 0, missing});
  sql->exec("INSERT INTO public." + t + " VALUES (1)");

  std::string msg = what_of(
      [&] {
        for (int i = 0; i < 100; ++i) repl.read(200);
      },
      ExitCode::source_unusable);
  EXPECT_NE(msg.find(missing), std::string::npos) << msg;
  EXPECT_NE(msg.find("postgres.publication"), std::string::npos) << msg;
  EXPECT_FALSE(repl.streaming());
}

TEST_F(SlotUnusable, ExistingSlotIsReusedWithItsPosition) {
  auto& repl = open_repl();
  std::string slot = new_slot();
  SlotReady first = ensure_slot(*sql, repl, slot);
  EXPECT_TRUE(first.created);
  EXPECT_GT(first.start_lsn, 0u);

  SlotReady again = ensure_slot(*sql, repl, slot);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.start_lsn, first.start_lsn);
  EXPECT_EQ(confirmed_flush_lsn(*sql, slot), first.start_lsn);
}

}  // namespace
}  // namespace cdc::pg::test
