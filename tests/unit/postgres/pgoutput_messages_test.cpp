// Every pgoutput message type and the walsender framing decode field by field, from byte vectors built
// by hand per "Logical Replication Message Formats" / "Streaming Replication Protocol" (PostgreSQL 15/16).
#include <gtest/gtest.h>

#include <memory>

#include "postgres/pgoutput.h"
#include "pgoutput_builder.h"

namespace cdc::pg {
namespace {

using test::Bytes;

// Decoded tuples are views into the input: keep every input alive for the whole test program.
template <typename T>
T decode_as(const Bytes& b, DecodeOptions o = {}) {
  static std::vector<std::unique_ptr<Bytes>> keep;
  keep.push_back(std::make_unique<Bytes>(b));
  Message m = decode_message(*keep.back(), o);
  EXPECT_TRUE(std::holds_alternative<T>(m)) << "decoded as " << message_name(m);
  return std::get<T>(m);
}

TEST(PgoutputMessages, Begin) {
  auto m = decode_as<Begin>(Bytes().ch('B').u64(0x16B374D848).u64(767'000'000'123).u32(4242));
  EXPECT_EQ(m.final_lsn, 0x16B374D848u);
  EXPECT_EQ(m.commit_time, 767'000'000'123);
  EXPECT_EQ(m.xid, 4242u);
  EXPECT_EQ(pg_to_unix_micros(m.commit_time), 767'000'000'123 + 946'684'800'000'000);
}

TEST(PgoutputMessages, Commit) {
  auto m = decode_as<Commit>(Bytes().ch('C').u8(0).u64(100).u64(180).u64(5));
  EXPECT_EQ(m.commit_lsn, 100u);
  EXPECT_EQ(m.end_lsn, 180u);
  EXPECT_EQ(m.commit_time, 5);
}

TEST(PgoutputMessages, Origin) {
  auto m = decode_as<Origin>(Bytes().ch('O').u64(77).str("upstream"));
  EXPECT_EQ(m.commit_lsn, 77u);
  EXPECT_EQ(m.name, "upstream");
}

TEST(PgoutputMessages, RelationWithKeyFlagsAndTypmods) {
  Bytes b;
  b.ch('R').u32(16395).str("shop").str("orders").ch('f').u16(2);
  b.u8(1).str("id").u32(23).u32(0xffffffff);
  b.u8(0).str("price").u32(1700).u32((10 << 16 | 2) + 4);
  auto m = decode_as<Relation>(b);
  EXPECT_FALSE(m.xid);
  EXPECT_EQ(m.oid, 16395u);
  EXPECT_EQ(m.ns, "shop");
  EXPECT_EQ(m.name, "orders");
  EXPECT_EQ(m.replica_identity, ReplicaIdentity::full);
  ASSERT_EQ(m.columns.size(), 2u);
  EXPECT_TRUE(m.columns[0].key);
  EXPECT_EQ(m.columns[0].name, "id");
  EXPECT_EQ(m.columns[0].type_oid, 23u);
  EXPECT_EQ(m.columns[0].typmod, -1);
  EXPECT_FALSE(m.columns[1].key);
  EXPECT_EQ(m.columns[1].typmod, (10 << 16 | 2) + 4);
}

TEST(PgoutputMessages, RelationInsideStreamCarriesXid) {
  auto m = decode_as<Relation>(Bytes().ch('R').u32(900).u32(1).str("").str("t").ch('d').u16(0), {.in_stream = true});
  ASSERT_TRUE(m.xid);
  EXPECT_EQ(*m.xid, 900u);
  EXPECT_EQ(m.ns, "");  // pg_catalog travels as the empty string
}

TEST(PgoutputMessages, Type) {
  auto m = decode_as<Type>(Bytes().ch('Y').u32(16400).str("shop").str("mood"));
  EXPECT_EQ(m.oid, 16400u);
  EXPECT_EQ(m.ns, "shop");
  EXPECT_EQ(m.name, "mood");
}

TEST(PgoutputMessages, InsertWithEveryColumnKind) {
  Bytes b;
  b.ch('I').u32(16395).ch('N').u16(4).text("42").null().toast().ch('b').u32(2).raw("\x01\x02");
  auto m = decode_as<Insert>(b);
  EXPECT_EQ(m.relation, 16395u);
  ASSERT_EQ(m.new_tuple.columns.size(), 4u);
  EXPECT_EQ(m.new_tuple.columns[0].kind, ColumnKind::text);
  EXPECT_EQ(m.new_tuple.columns[0].data, "42");
  EXPECT_EQ(m.new_tuple.columns[1].kind, ColumnKind::null);
  EXPECT_EQ(m.new_tuple.columns[2].kind, ColumnKind::unchanged_toast);
  EXPECT_EQ(m.new_tuple.columns[3].kind, ColumnKind::binary);
  EXPECT_EQ(m.new_tuple.columns[3].data, std::string_view("\x01\x02", 2));
}

TEST(PgoutputMessages, UpdateWithoutOldTuple) {
  auto m = decode_as<Update>(Bytes().ch('U').u32(5).ch('N').u16(1).text("x"));
  EXPECT_EQ(m.old_kind, OldKind::none);
  EXPECT_FALSE(m.old_tuple);
  EXPECT_EQ(m.new_tuple.columns.at(0).data, "x");
}

TEST(PgoutputMessages, UpdateWithKeyAndWithFullOldTuple) {
  auto k = decode_as<Update>(Bytes().ch('U').u32(5).ch('K').u16(2).text("1").null().ch('N').u16(2).text("2").text("b"));
  EXPECT_EQ(k.old_kind, OldKind::key);
  ASSERT_TRUE(k.old_tuple);
  EXPECT_EQ(k.old_tuple->columns.at(0).data, "1");
  EXPECT_EQ(k.new_tuple.columns.at(1).data, "b");
  auto o = decode_as<Update>(Bytes().ch('U').u32(5).ch('O').u16(1).text("a").ch('N').u16(1).text("b"));
  EXPECT_EQ(o.old_kind, OldKind::full);
  EXPECT_EQ(o.old_tuple->columns.at(0).data, "a");
}

TEST(PgoutputMessages, DeleteKeyAndFull) {
  auto k = decode_as<Delete>(Bytes().ch('D').u32(5).ch('K').u16(1).text("9"));
  EXPECT_EQ(k.old_kind, OldKind::key);
  EXPECT_EQ(k.old_tuple.columns.at(0).data, "9");
  auto o = decode_as<Delete>(Bytes().ch('D').u32(5).ch('O').u16(1).text("9"));
  EXPECT_EQ(o.old_kind, OldKind::full);
}

TEST(PgoutputMessages, TruncateFlags) {
  auto m = decode_as<Truncate>(Bytes().ch('T').u32(2).u8(3).u32(10).u32(11));
  EXPECT_TRUE(m.cascade());
  EXPECT_TRUE(m.restart_identity());
  EXPECT_EQ(m.relations, (std::vector<Oid>{10, 11}));
  auto plain = decode_as<Truncate>(Bytes().ch('T').u32(1).u8(0).u32(10));
  EXPECT_FALSE(plain.cascade());
  EXPECT_FALSE(plain.restart_identity());
}

TEST(PgoutputMessages, LogicalMessage) {
  auto m = decode_as<LogicalMessage>(Bytes().ch('M').u8(1).u64(0x99).str("app").u32(3).raw("abc"));
  EXPECT_TRUE(m.transactional);
  EXPECT_EQ(m.lsn, 0x99u);
  EXPECT_EQ(m.prefix, "app");
  EXPECT_EQ(m.content, "abc");
  auto s = decode_as<LogicalMessage>(Bytes().ch('M').u32(77).u8(0).u64(1).str("p").u32(0), {.in_stream = true});
  EXPECT_EQ(s.xid, 77u);
  EXPECT_FALSE(s.transactional);
}

TEST(PgoutputMessages, DataMessagesInsideStreamCarryXid) {
  DecodeOptions s{.in_stream = true};
  EXPECT_EQ(decode_as<Insert>(Bytes().ch('I').u32(31).u32(5).ch('N').u16(0), s).xid, 31u);
  EXPECT_EQ(decode_as<Update>(Bytes().ch('U').u32(32).u32(5).ch('N').u16(0), s).xid, 32u);
  EXPECT_EQ(decode_as<Delete>(Bytes().ch('D').u32(33).u32(5).ch('K').u16(0), s).xid, 33u);
  EXPECT_EQ(decode_as<Truncate>(Bytes().ch('T').u32(34).u32(0).u8(0), s).xid, 34u);
  EXPECT_EQ(decode_as<Type>(Bytes().ch('Y').u32(35).u32(1).str("a").str("b"), s).xid, 35u);
}

TEST(PgoutputMessages, StreamMessages) {
  auto start = decode_as<StreamStart>(Bytes().ch('S').u32(700).u8(1));
  EXPECT_EQ(start.xid, 700u);
  EXPECT_TRUE(start.first_segment);
  decode_as<StreamStop>(Bytes().ch('E'));
  auto commit = decode_as<StreamCommit>(Bytes().ch('c').u32(700).u8(0).u64(10).u64(20).u64(30));
  EXPECT_EQ(commit.xid, 700u);
  EXPECT_EQ(commit.commit_lsn, 10u);
  EXPECT_EQ(commit.end_lsn, 20u);
  EXPECT_EQ(commit.commit_time, 30);
  auto abort = decode_as<StreamAbort>(Bytes().ch('A').u32(700).u32(701));
  EXPECT_EQ(abort.subxact_xid, 701u);
  EXPECT_FALSE(abort.abort_lsn);
  auto v4 = decode_as<StreamAbort>(Bytes().ch('A').u32(700).u32(700).u64(55).u64(66), {.proto_version = 4});
  EXPECT_EQ(v4.abort_lsn, 55u);
  EXPECT_EQ(v4.abort_time, 66);
}

TEST(ReplicationFraming, XLogDataKeepsPayloadView) {
  Bytes b;
  b.ch('w').u64(0x1000).u64(0x2000).u64(12345).ch('B').u64(1).u64(2).u32(3);
  auto msg = decode_server_message(b);
  auto& x = std::get<XLogData>(msg);
  EXPECT_EQ(x.wal_start, 0x1000u);
  EXPECT_EQ(x.wal_end, 0x2000u);
  EXPECT_EQ(x.send_time, 12345);
  ASSERT_EQ(x.data.size(), 21u);
  EXPECT_TRUE(std::holds_alternative<Begin>(decode_message(x.data)));
}

TEST(ReplicationFraming, PrimaryKeepalive) {
  auto k = std::get<PrimaryKeepalive>(decode_server_message(Bytes().ch('k').u64(0xABCDEF).u64(9).u8(1)));
  EXPECT_EQ(k.wal_end, 0xABCDEFu);
  EXPECT_EQ(k.send_time, 9);
  EXPECT_TRUE(k.reply_requested);
}

TEST(ReplicationFraming, StandbyStatusUpdateEncoding) {
  std::string s = encode_standby_status({.write = 0x0102030405060708, .flush = 0x10, .apply = 0x20, .client_time = -1,
                                         .reply_requested = true});
  Bytes expect;
  expect.ch('r').u64(0x0102030405060708).u64(0x10).u64(0x20).u64(~uint64_t{0}).u8(1);
  ASSERT_EQ(s.size(), 34u);
  EXPECT_EQ(std::vector<uint8_t>(s.begin(), s.end()), expect.vec());
}

TEST(Lsn, FormatAndParseRoundTrip) {
  EXPECT_EQ(format_lsn(0x16B374D848), "16/B374D848");
  EXPECT_EQ(format_lsn(0), "0/0");
  EXPECT_EQ(parse_lsn("16/B374D848"), 0x16B374D848u);
  EXPECT_EQ(parse_lsn("0/1544510"), 0x1544510u);
  EXPECT_FALSE(parse_lsn("16B374D848"));
  EXPECT_FALSE(parse_lsn("1/"));
  EXPECT_FALSE(parse_lsn("x/1"));
}

}  // namespace
}  // namespace cdc::pg
