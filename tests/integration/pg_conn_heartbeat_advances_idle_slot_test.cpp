// With no captured table changing, the heartbeat's logical message is streamed as a pgoutput 'M' frame;
// acknowledging it advances the slot, so an idle agent does not hold WAL back.
#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using HeartbeatAdvancesIdleSlot = PgConnTest;

TEST_F(HeartbeatAdvancesIdleSlot, MessageIsStreamedAndItsAckMovesTheSlot) {
  std::string t = new_table("id int PRIMARY KEY");
  auto& repl = open_repl();
  Stream s = new_stream(t, repl);
  start_streaming(repl, {s.slot, 0, s.publication});
  // WAL from elsewhere (an uncaptured table) does not reach this slot's stream.
  std::string other = new_table("id int");
  sql->exec("INSERT INTO public." + other + " VALUES (1)");

  std::string prefix = unique_name("hb");
  Lsn emitted = emit_heartbeat_message(*sql, prefix);
  EXPECT_GT(emitted, s.consistent_point);
  auto frames = read_until(repl, [](const Frame& f) { return f.kind == 'w' && f.message_type() == 'M'; });
  ASSERT_FALSE(frames.empty());
  for (const auto& f : frames) {
    if (f.kind == 'w') {
      EXPECT_EQ(f.message_type(), 'M') << "only the message is streamed";
    }
  }

  // 'M', flags, lsn, prefix\0, length, content.
  ByteReader r(std::span<const uint8_t>(frames.back().data));
  r.u8("type");
  EXPECT_EQ(r.u8("flags"), 0) << "non-transactional";
  Lsn lsn = r.u64be("lsn");
  EXPECT_EQ(r.cstring("prefix"), prefix);
  EXPECT_EQ(lsn, emitted);

  repl.send_status(lsn, lsn, lsn);
  EXPECT_EQ(wait_confirmed_flush(s.slot, lsn), lsn);
}

}  // namespace
}  // namespace cdc::pg::test
