// PgDecoder turns pgoutput streams into Debezium-shaped change events: source fields and sequence,
// `before` by replica identity, primary-key changes as delete + create, TOAST recovery, truncate,
// table filtering, heartbeats, schema versions, streamed transactions, and positioned errors.
#include <gtest/gtest.h>

#include "pg_test_support.h"
#include "pgoutput_builder.h"
#include "util/error.h"

namespace cdc::pg {
namespace {

using test::Bytes;

constexpr Oid kOrders = 16395;
constexpr Oid kOther = 16396;

Bytes relation(Oid oid, std::string_view name, char identity, bool key_flag_all = false) {
  Bytes b;
  b.ch('R').u32(oid).str("shop").str(name).ch(identity).u16(3);
  b.u8(1).str("id").u32(23).u32(0xffffffff);
  b.u8(key_flag_all).str("note").u32(25).u32(0xffffffff);
  b.u8(key_flag_all).str("qty").u32(21).u32(0xffffffff);
  return b;
}
Bytes begin(uint64_t final_lsn, uint32_t xid) { return Bytes().ch('B').u64(final_lsn).u64(1'000'000).u32(xid); }
Bytes commit(uint64_t lsn, uint64_t end) { return Bytes().ch('C').u8(0).u64(lsn).u64(end).u64(1'000'000); }

class PgDecoderEvents : public ::testing::Test {
 protected:
  PgDecoderEvents() {
    catalog.tables["shop.orders"] = {.primary_key = {"id"}, .not_null = {"id", "qty"}};
    catalog.tables["shop.other"] = {.primary_key = {"id"}, .not_null = {"id"}};
  }
  void make(DecoderOptions o = {}) {
    if (o.database.empty()) o.database = "shopdb";
    decoder.emplace(std::move(o), catalog);
  }
  void feed(uint64_t lsn, const Bytes& b) { decoder->feed(lsn, b, sink); }

  test::FakeCatalog catalog;
  test::RecordingSink sink;
  std::optional<PgDecoder> decoder;
};

TEST_F(PgDecoderEvents, InsertCarriesDebeziumSourceFields) {
  make();
  feed(0x100, relation(kOrders, "orders", 'd'));
  feed(0x100, begin(0x180, 731));
  feed(0x110, Bytes().ch('I').u32(kOrders).ch('N').u16(3).text("1").text("first").text("2"));
  feed(0x190, commit(0x180, 0x190));
  ASSERT_EQ(sink.events.size(), 1u);
  const auto& e = sink.events[0];
  EXPECT_EQ(e.op, 'c');
  EXPECT_EQ(e.table, "shop.orders");
  EXPECT_EQ(e.before, "-");
  EXPECT_EQ(e.after, "1|'first'|2");
  EXPECT_EQ(e.source.connector, event::Connector::postgresql);
  EXPECT_EQ(e.source.db, "shopdb");
  EXPECT_EQ(e.source.tx_id, 731);
  EXPECT_EQ(e.source.lsn, 0x110);
  EXPECT_FALSE(e.source.xmin);
  EXPECT_EQ(e.source.ts_ns, (946'684'800'000'000 + 1'000'000) * 1000);
  EXPECT_EQ(e.source.sequence, "[null,\"272\"]");
  EXPECT_EQ(e.tx_id, "731");
  EXPECT_EQ(e.change_id, "p:0000000000000180:0000000000000110:0000000000");
  EXPECT_EQ(sink.commits, (std::vector<uint64_t>{0x190}));

  feed(0x200, begin(0x280, 732));
  feed(0x210, Bytes().ch('I').u32(kOrders).ch('N').u16(3).text("2").null().text("1"));
  feed(0x290, commit(0x280, 0x290));
  EXPECT_EQ(sink.events[1].source.sequence, "[\"400\",\"528\"]");  // [last commit LSN, this LSN]
}

TEST_F(PgDecoderEvents, SchemaComesFromCatalogNotReplicaIdentity) {
  make();
  feed(1, relation(kOrders, "orders", 'f', /*key_flag_all=*/true));
  const event::TableSchema* t = decoder->table(kOrders);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->db, "shopdb");
  EXPECT_EQ(t->ns(), "shop");
  EXPECT_EQ(t->key, (std::vector<uint32_t>{0}));
  EXPECT_FALSE(t->columns[0].optional);
  EXPECT_TRUE(t->columns[1].optional);
  EXPECT_FALSE(t->columns[2].optional);
  EXPECT_EQ(t->columns[2].type, event::FieldType::int16);
}

TEST_F(PgDecoderEvents, UpdateBeforeDependsOnReplicaIdentity) {
  make();
  feed(1, relation(kOrders, "orders", 'd'));
  feed(2, begin(0x50, 1));
  feed(3, Bytes().ch('U').u32(kOrders).ch('N').u16(3).text("1").text("new").text("2"));
  feed(0x60, commit(0x50, 0x60));
  feed(0x61, relation(kOrders, "orders", 'f', true));
  feed(0x62, begin(0x70, 2));
  feed(0x63, Bytes().ch('U').u32(kOrders).ch('O').u16(3).text("1").text("new").text("2").ch('N').u16(3).text("1").text(
                 "newer").text("2"));
  feed(0x80, commit(0x70, 0x80));
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].op, 'u');
  EXPECT_EQ(sink.events[0].before, "-");  // DEFAULT, key unchanged: no old image
  EXPECT_EQ(sink.events[0].after, "1|'new'|2");
  EXPECT_EQ(sink.events[1].op, 'u');
  EXPECT_EQ(sink.events[1].before, "1|'new'|2");  // FULL: the whole old row
}

TEST_F(PgDecoderEvents, PrimaryKeyChangeIsDeleteThenCreate) {
  make();
  feed(1, relation(kOrders, "orders", 'd'));
  feed(2, begin(0x50, 9));
  feed(3, Bytes().ch('U').u32(kOrders).ch('K').u16(3).text("2").null().null().ch('N').u16(3).text("10").null().text("3"));
  feed(0x60, commit(0x50, 0x60));
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].op, 'd');
  EXPECT_EQ(sink.events[0].before, "2|null|null");
  EXPECT_EQ(sink.events[0].after, "-");
  EXPECT_EQ(sink.events[1].op, 'c');
  EXPECT_EQ(sink.events[1].before, "-");
  EXPECT_EQ(sink.events[1].after, "10|null|3");
  EXPECT_LT(sink.events[0].change_id, sink.events[1].change_id);
}

TEST_F(PgDecoderEvents, UnchangedToastRecoveredFromOldImageElsePlaceholder) {
  make();
  feed(1, relation(kOrders, "orders", 'f', true));
  feed(2, begin(0x50, 9));
  feed(3, Bytes().ch('U').u32(kOrders).ch('O').u16(3).text("1").text("big").text("1").ch('N').u16(3).text("1").toast().text(
              "2"));
  feed(4, Bytes().ch('U').u32(kOrders).ch('N').u16(3).text("1").toast().text("3"));
  feed(0x60, commit(0x50, 0x60));
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].after, "1|'big'|2");
  EXPECT_EQ(sink.events[1].after, "1|'__debezium_unavailable_value'|3");
}

TEST_F(PgDecoderEvents, DeleteAndTruncate) {
  make();
  feed(1, relation(kOrders, "orders", 'd'));
  feed(1, relation(kOther, "other", 'd'));
  feed(2, begin(0x50, 9));
  feed(3, Bytes().ch('D').u32(kOrders).ch('K').u16(3).text("5").null().null());
  feed(4, Bytes().ch('T').u32(2).u8(1).u32(kOrders).u32(kOther));
  feed(0x60, commit(0x50, 0x60));
  ASSERT_EQ(sink.events.size(), 3u);
  EXPECT_EQ(sink.events[0].op, 'd');
  EXPECT_EQ(sink.events[0].before, "5|null|null");
  EXPECT_EQ(sink.events[1].op, 't');
  EXPECT_EQ(sink.events[1].table, "shop.orders");
  EXPECT_EQ(sink.events[1].before, "-");
  EXPECT_EQ(sink.events[1].after, "-");
  EXPECT_EQ(sink.events[2].table, "shop.other");
}

TEST_F(PgDecoderEvents, UncapturedTablesAreDroppedButCommitsStillAdvance) {
  make({.capture = [](const std::string&, const std::string& t) { return t == "orders"; }});
  feed(1, relation(kOther, "other", 'd'));
  EXPECT_EQ(catalog.table_lookups, 0);  // no catalog query for tables we drop
  feed(2, begin(0x50, 9));
  feed(3, Bytes().ch('I').u32(kOther).ch('N').u16(3).text("1").null().null());
  feed(4, Bytes().ch('T').u32(1).u8(0).u32(kOther));
  feed(0x60, commit(0x50, 0x60));
  EXPECT_TRUE(sink.events.empty());
  EXPECT_EQ(sink.commits, (std::vector<uint64_t>{0x60}));
  EXPECT_EQ(decoder->table(kOther), nullptr);
}

TEST_F(PgDecoderEvents, LogicalMessagesAreSwallowedAndNonTransactionalOnesAdvance) {
  make();
  feed(0x40, Bytes().ch('M').u8(0).u64(0x40).str("cdc-agent-heartbeat").u32(2).raw("hb"));
  feed(0x41, relation(kOrders, "orders", 'd'));
  feed(0x42, begin(0x50, 9));
  feed(0x43, Bytes().ch('M').u8(1).u64(0x43).str("app").u32(1).raw("x"));
  feed(0x60, commit(0x50, 0x60));
  EXPECT_TRUE(sink.events.empty());
  EXPECT_EQ(sink.commits, (std::vector<uint64_t>{0x40, 0x60}));
}

TEST_F(PgDecoderEvents, RelationResentUnchangedKeepsSchemaChangedMakesNewVersion) {
  make();
  feed(1, relation(kOrders, "orders", 'd'));
  const event::TableSchema* v1 = decoder->table(kOrders);
  feed(2, relation(kOrders, "orders", 'd'));
  EXPECT_EQ(decoder->table(kOrders), v1);
  Bytes altered;
  altered.ch('R').u32(kOrders).str("shop").str("orders").ch('d').u16(2);
  altered.u8(1).str("id").u32(23).u32(0xffffffff).u8(0).str("note").u32(1043).u32(24);
  feed(3, altered);
  const event::TableSchema* v2 = decoder->table(kOrders);
  EXPECT_NE(v2, v1);
  EXPECT_EQ(v2->version, v1->version + 1);
  EXPECT_EQ(v1->columns.size(), 3u);  // the old version stays valid for events in flight
  EXPECT_EQ(v2->columns.size(), 2u);
}

TEST_F(PgDecoderEvents, CatalogResolvesEnumsAndReportsUnknownTypes) {
  catalog.types[17000] = {.oid = 17000, .name = "mood", .category = 'E', .enum_labels = {"sad", "happy"}};
  catalog.tables["shop.typed"] = {.primary_key = {"m"}, .not_null = {}};
  std::vector<std::string> unknown;
  make({.on_unknown_type = [&](const std::string& t, const std::string& c, Oid o) {
    unknown.push_back(t + "." + c + ":" + std::to_string(o));
  }});
  Bytes r;
  r.ch('R').u32(50).str("shop").str("typed").ch('d').u16(2);
  r.u8(1).str("m").u32(17000).u32(0xffffffff).u8(0).str("p").u32(600).u32(0xffffffff);
  feed(1, r);
  const event::TableSchema* t = decoder->table(50);
  EXPECT_EQ(t->columns[0].semantic, "io.debezium.data.Enum");
  EXPECT_EQ(unknown, (std::vector<std::string>{"shop.typed.p:600"}));
}

TEST_F(PgDecoderEvents, ErrorsNameTheLsnAndColumn) {
  make();
  feed(1, relation(kOrders, "orders", 'd'));
  EXPECT_THROW(feed(0x10, Bytes().ch('I').u32(kOrders).ch('N').u16(3).text("1").null().null()), DecodeError);
  feed(0x20, begin(0x50, 9));
  try {
    feed(0x16B374D848, Bytes().ch('I').u32(kOrders).ch('N').u16(3).text("x").null().null());
    FAIL();
  } catch (const DecodeError& e) {
    std::string w = e.what();
    EXPECT_NE(w.find("shop.orders.id"), std::string::npos) << w;
    EXPECT_NE(w.find("16/B374D848"), std::string::npos) << w;
  }
  EXPECT_THROW(feed(0x30, Bytes().ch('I').u32(999).ch('N').u16(0)), DecodeError);
  EXPECT_THROW(feed(0x31, Bytes().ch('I').u32(kOrders).ch('N').u16(2).null().null()), DecodeError);
  EXPECT_THROW(feed(0x32, begin(0x60, 10)), DecodeError);
}

TEST_F(PgDecoderEvents, StreamedTransactionPublishedOnlyAtCommitWithoutAbortedSubtransaction) {
  make({.proto_version = 2});
  feed(0x10, Bytes().ch('S').u32(500).u8(1));
  Bytes r = relation(kOrders, "orders", 'd');
  Bytes streamed_rel;
  streamed_rel.ch('R').u32(500).raw(std::string_view(reinterpret_cast<const char*>(r.vec().data()) + 1, r.vec().size() - 1));
  feed(0x11, streamed_rel);
  feed(0x12, Bytes().ch('I').u32(500).u32(kOrders).ch('N').u16(3).text("1").null().text("1"));
  feed(0x13, Bytes().ch('I').u32(501).u32(kOrders).ch('N').u16(3).text("2").null().text("1"));  // subxact 501
  feed(0x14, Bytes().ch('E'));
  EXPECT_TRUE(sink.events.empty());
  feed(0x15, Bytes().ch('A').u32(500).u32(501));  // ROLLBACK TO SAVEPOINT
  feed(0x16, Bytes().ch('S').u32(500).u8(0));
  feed(0x17, Bytes().ch('I').u32(500).u32(kOrders).ch('N').u16(3).text("3").null().text("1"));
  feed(0x18, Bytes().ch('E'));
  EXPECT_TRUE(sink.events.empty());
  EXPECT_TRUE(sink.commits.empty());
  feed(0x30, Bytes().ch('c').u32(500).u8(0).u64(0x20).u64(0x30).u64(7));
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].after, "1|null|1");
  EXPECT_EQ(sink.events[0].source.lsn, 0x12);
  EXPECT_EQ(sink.events[0].source.tx_id, 500);
  EXPECT_EQ(sink.events[1].after, "3|null|1");
  EXPECT_EQ(sink.commits, (std::vector<uint64_t>{0x30}));
}

TEST_F(PgDecoderEvents, AbortedStreamedTransactionPublishesNothing) {
  make({.proto_version = 2});
  feed(1, relation(kOrders, "orders", 'd'));
  feed(0x10, Bytes().ch('S').u32(600).u8(1));
  feed(0x12, Bytes().ch('I').u32(600).u32(kOrders).ch('N').u16(3).text("1").null().text("1"));
  feed(0x14, Bytes().ch('E'));
  feed(0x15, Bytes().ch('A').u32(600).u32(600));
  feed(0x20, Bytes().ch('c').u32(600).u8(0).u64(0x20).u64(0x30).u64(7));  // unknown by now: an empty commit
  EXPECT_TRUE(sink.events.empty());
  EXPECT_EQ(sink.commits, (std::vector<uint64_t>{0x30}));
}

// REPLICA IDENTITY USING INDEX on another unique index: a delete's old row holds the index columns only,
// so its Kafka key is null (never a primary key made of defaults) and a warning names the fix.
TEST_F(PgDecoderEvents, IdentityIndexWithoutPrimaryKeyGivesDeletesANullKey) {
  std::vector<std::string> warnings;
  make({.on_warning = [&](const std::string& w) { warnings.push_back(w); }});
  Bytes r;
  r.ch('R').u32(kOrders).str("shop").str("orders").ch('i').u16(3);
  r.u8(0).str("id").u32(23).u32(0xffffffff);
  r.u8(1).str("note").u32(25).u32(0xffffffff);  // the identity index
  r.u8(0).str("qty").u32(21).u32(0xffffffff);
  feed(1, r);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("shop.orders"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("REPLICA IDENTITY DEFAULT"), std::string::npos) << warnings[0];
  feed(0x10, begin(0x40, 5));
  feed(0x11, Bytes().ch('I').u32(kOrders).ch('N').u16(3).text("7").text("a").text("1"));
  feed(0x12, Bytes().ch('D').u32(kOrders).ch('K').u16(3).null().text("a").null());
  feed(0x40, commit(0x40, 0x41));
  ASSERT_EQ(sink.events.size(), 2u);
  ASSERT_NE(sink.events[0].schema, nullptr);
  EXPECT_EQ(sink.events[0].schema->key, (std::vector<uint32_t>{0}));  // inserts keep the primary key
  EXPECT_TRUE(sink.events[1].schema->key.empty());
  EXPECT_EQ(sink.events[1].schema->columns.size(), 3u);

  // Back to DEFAULT: the same columns, the primary key again for deletes, no warning.
  feed(0x50, relation(kOrders, "orders", 'd'));
  EXPECT_EQ(warnings.size(), 1u);
  feed(0x51, begin(0x60, 6));
  feed(0x52, Bytes().ch('D').u32(kOrders).ch('K').u16(3).text("7").null().null());
  feed(0x60, commit(0x60, 0x61));
  ASSERT_EQ(sink.events.size(), 3u);
  EXPECT_EQ(sink.events[2].schema->key, (std::vector<uint32_t>{0}));
}

// ROLLBACK TO SAVEPOINT a, where a's child savepoint b was released into it: pgoutput sends one Stream
// Abort per subtransaction (b, then a). The Relation message came inside b, and still describes the
// relation for the changes after the rollback.
TEST_F(PgDecoderEvents, NestedSubtransactionAbortKeepsItsRelationMessage) {
  make({.proto_version = 2});
  Bytes r = relation(kOrders, "orders", 'd');
  Bytes streamed_rel;  // tagged with subtransaction 702
  streamed_rel.ch('R').u32(702).raw(std::string_view(reinterpret_cast<const char*>(r.vec().data()) + 1, r.vec().size() - 1));
  auto insert = [](uint32_t sub, std::string_view id) {
    return Bytes().ch('I').u32(sub).u32(kOrders).ch('N').u16(3).text(id).null().text("1");
  };
  feed(0x10, Bytes().ch('S').u32(700).u8(1));
  feed(0x11, streamed_rel);
  feed(0x12, insert(702, "1"));  // savepoint b
  feed(0x13, insert(701, "2"));  // back in savepoint a after RELEASE b
  feed(0x14, Bytes().ch('E'));
  feed(0x15, Bytes().ch('A').u32(700).u32(702));
  feed(0x16, Bytes().ch('A').u32(700).u32(701));
  feed(0x17, Bytes().ch('S').u32(700).u8(0));
  feed(0x18, insert(700, "3"));
  feed(0x19, insert(703, "4"));  // a later savepoint, kept
  feed(0x1a, Bytes().ch('E'));
  // A small transaction commits while the large one is still open: it is published at once.
  feed(0x1b, begin(0x1d, 800));
  feed(0x1b, r);  // pgoutput describes the relation again outside the streamed transaction
  feed(0x1c, Bytes().ch('I').u32(kOrders).ch('N').u16(3).text("9").null().text("1"));
  feed(0x1d, commit(0x1d, 0x1e));
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].after, "9|null|1");
  feed(0x30, Bytes().ch('c').u32(700).u8(0).u64(0x20).u64(0x30).u64(7));
  ASSERT_EQ(sink.events.size(), 3u);
  EXPECT_EQ(sink.events[1].after, "3|null|1");
  EXPECT_EQ(sink.events[2].after, "4|null|1");
  EXPECT_EQ(sink.events[2].source.tx_id, 700);  // the top-level transaction
  EXPECT_EQ(sink.commits, (std::vector<uint64_t>{0x1e, 0x30}));
}

TEST_F(PgDecoderEvents, FirstSegmentAgainStartsTheStreamedTransactionOver) {
  make({.proto_version = 2});
  feed(1, relation(kOrders, "orders", 'd'));
  auto insert = [](std::string_view id) {
    return Bytes().ch('I').u32(900).u32(kOrders).ch('N').u16(3).text(id).null().text("1");
  };
  feed(0x10, Bytes().ch('S').u32(900).u8(1));
  feed(0x11, insert("1"));
  feed(0x12, Bytes().ch('E'));
  feed(0x13, Bytes().ch('A').u32(900).u32(901));
  feed(0x20, Bytes().ch('S').u32(900).u8(1));  // streamed again from its start
  feed(0x21, insert("1"));
  feed(0x22, Bytes().ch('E'));
  feed(0x30, Bytes().ch('c').u32(900).u8(0).u64(0x30).u64(0x31).u64(7));
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].after, "1|null|1");
}

TEST_F(PgDecoderEvents, StreamedMessagesGoToTheGivenSpool) {
  struct CountingSpool : MemoryStreamSpool {
    void append(Xid top, Xid sub, Lsn lsn, std::span<const uint8_t> payload) override {
      appended.push_back({top, sub});
      MemoryStreamSpool::append(top, sub, lsn, payload);
    }
    std::vector<std::pair<Xid, Xid>> appended;
  } spool;
  make({.proto_version = 2, .spool = &spool});
  feed(1, relation(kOrders, "orders", 'd'));
  feed(0x10, Bytes().ch('S').u32(600).u8(1));
  feed(0x12, Bytes().ch('I').u32(601).u32(kOrders).ch('N').u16(3).text("1").null().text("1"));
  feed(0x14, Bytes().ch('E'));
  EXPECT_EQ(spool.appended, (std::vector<std::pair<Xid, Xid>>{{600, 601}}));
  feed(0x20, Bytes().ch('c').u32(600).u8(0).u64(0x20).u64(0x30).u64(7));
  ASSERT_EQ(sink.events.size(), 1u);
}

}  // namespace
}  // namespace cdc::pg
