// Every recorded binlog in the shared collection decodes without error, with checksums verified, and
// yields the row values its MANIFEST.md lists.
#include <gtest/gtest.h>

#include "binlog_test_support.h"

namespace cdc::mysql::test {
namespace {

const char* kAllFiles[] = {
    "apecloud__mysql-bin.000057", "cdcrs__02_query.binlog.000001", "cdcrs__02_query_bigger.binlog.000733",
    "cdcrs__19_30_write_rows.binlog.000018", "cdcrs__31_update_rows_v2.binlog.000001", "cdcrs__folder.binlog.000693",
    "osheroff__mysql-bin.compressed", "rmc__binlog-invisible-columns.000001",
    "rmc__binlog_transaction_with_GTID_TAG.000001", "rmc__json.binlog.000001", "rmc__mariadb-bin.000001", "rmc__master-bin.000001",
    "rmc__minimal_row_metadata.000001", "rmc__mysql-enum-string-set.000001", "rmc__vector.binlog",
    "rmc__ver_trunk_row_v2.001", "zongji__mysql84-minimal.dumpstream.binlog",
};

// rmc__json.binlog.000001 holds a PARTIAL_UPDATE_ROWS_EVENT whose after image is a JSON diff; the decoder
// refuses it with a message naming the column and the server setting to change.
bool refuses_partial_json(const char* f) { return std::string(f) == "rmc__json.binlog.000001"; }

TEST(RecordedBinlogs, EveryFileDecodesWithoutError) {
  CDC_REQUIRE_BINLOGS();
  for (const char* f : kAllFiles) {
    SCOPED_TRACE(f);
    if (refuses_partial_json(f)) continue;
    EXPECT_NO_THROW(decode(f));
  }
}

TEST(RecordedBinlogs, PartialJsonDiffIsRefusedClearly) {
  CDC_REQUIRE_BINLOGS();
  try {
    decode("rmc__json.binlog.000001");
    FAIL() << "expected a DecodeError";
  } catch (const DecodeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("rmc__json.binlog.000001:"), std::string::npos) << m;
    EXPECT_NE(m.find("PARTIAL_UPDATE_ROWS_EVENT"), std::string::npos) << m;
    EXPECT_NE(m.find("binlog_row_value_options"), std::string::npos) << m;
  }
}

TEST(RecordedBinlogs, IntTableInsertAndUpdate) {
  CDC_REQUIRE_BINLOGS();
  Recorder w = decode("cdcrs__19_30_write_rows.binlog.000018");
  ASSERT_EQ(w.changes.size(), 1u);
  EXPECT_EQ(w.changes[0].table, "test.int_table");
  EXPECT_EQ(w.changes[0].after, (std::vector<std::string>{"1", "11", "111", "1111", "11111", "1"}));
  Recorder u = decode("cdcrs__31_update_rows_v2.binlog.000001");
  ASSERT_EQ(u.changes.size(), 2u);
  EXPECT_EQ(u.changes[1].op, event::Op::update);
  EXPECT_EQ(u.changes[1].before, (std::vector<std::string>{"1", "11", "111", "1111", "11111", "1"}));
  EXPECT_EQ(u.changes[1].after, (std::vector<std::string>{"1", "22", "222", "1111", "11111", "1"}));
}

TEST(RecordedBinlogs, LineitemDecimalsAndDates) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("cdcrs__02_query_bigger.binlog.000733");
  ASSERT_GE(r.changes.size(), 8u);
  const Change& upd = r.changes[6];
  EXPECT_EQ(upd.op, event::Op::update);
  EXPECT_EQ(upd.before[4], "99.997");
  EXPECT_EQ(upd.after[4], "88.880");  // `update LINEITEM set L_QUANTITY = 88.880`, scale kept
  EXPECT_EQ(r.changes[0].after[10], "7517");  // DATE 1990-07-31 as days since the epoch
  EXPECT_EQ(r.commits.size(), 11u);  // one per ANONYMOUS_GTID: 6 XIDs and 5 DDL statements
  EXPECT_EQ(r.commits.back().next_pos, 7843u);  // the end of the file
}

TEST(RecordedBinlogs, MinimalMetadataUsesSignednessBit) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("rmc__minimal_row_metadata.000001");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].after[4], "3230202323");
  EXPECT_EQ(r.changes[0].column_names[0], "_0");  // MINIMAL metadata: positional names offline
}

TEST(RecordedBinlogs, MinimalMetadataRequiresNamesWhenLive) {
  CDC_REQUIRE_BINLOGS();
  DecoderOptions o;
  o.naming = ColumnNaming::require;
  EXPECT_THROW(decode("rmc__minimal_row_metadata.000001", o), DecodeError);
}

TEST(RecordedBinlogs, EnumAndSetNamesFromFullMetadata) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("rmc__mysql-enum-string-set.000001");
  ASSERT_EQ(r.changes.size(), 3u);
  EXPECT_EQ(r.changes[0].column_names, (std::vector<std::string>{"f1", "f2", "f3", "f4", "f5"}));
  EXPECT_EQ(r.changes[0].after[2], "var1");
  EXPECT_EQ(r.changes[0].after[3], "one,three");  // bitmap 0b0101
  EXPECT_EQ(r.changes[0].after[0].size(), 100u);
  EXPECT_EQ(r.changes[0].after[1].size(), 298u);
  EXPECT_EQ(r.changes[1].after[0], "field1");
  EXPECT_EQ(r.changes[1].after[2], "variant2");
  EXPECT_EQ(r.changes[1].after[3], "two,four");  // bitmap 0b1010
  EXPECT_EQ(r.changes[2].op, event::Op::del);
  EXPECT_EQ(r.changes[2].before[4].size(), 298u);
}

TEST(RecordedBinlogs, VectorColumnsAsFloatArrays) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("rmc__vector.binlog");
  ASSERT_GE(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].table, "dtb.foo");
  EXPECT_EQ(r.changes[0].after[1], "[1.1,2.2,3.3]");
  EXPECT_EQ(r.changes[1].after[1], "[1.0,-1.0,0.0]");
  EXPECT_EQ(r.changes[2].after[3], "[1.1,2.2,3.3,4.4]");
}

TEST(RecordedBinlogs, TaggedGtid) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("rmc__binlog_transaction_with_GTID_TAG.000001");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].source.gtid, "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3");
  EXPECT_EQ(r.changes[0].after[2], "250.00");
  ASSERT_EQ(r.commits.size(), 1u);
  EXPECT_EQ(r.commits[0].gtid_set, "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-3");
}

TEST(RecordedBinlogs, MariaDbGtidsAnnotateAndFullMetadata) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("rmc__mariadb-bin.000001");
  ASSERT_EQ(r.changes.size(), 2u);
  const Change& c = r.changes[0];
  EXPECT_EQ(c.source.connector, event::Connector::mariadb);
  EXPECT_EQ(c.source.gtid, "0-1-1");
  EXPECT_EQ(c.column_names, (std::vector<std::string>{"id", "topic", "event_type", "event", "created"}));
  EXPECT_EQ(c.after[3], "0x7b22666f6f223a317d");  // binary charset column -> bytes
  EXPECT_EQ(c.after[4], "2022-04-20T22:18:04Z");
  EXPECT_NE(c.source.query.find("insert into outbox"), std::string::npos);
  ASSERT_EQ(r.begins.size(), 2u);  // MariaDB: the GTID event opens the transaction
  EXPECT_EQ(r.commits.back().gtid, "0-1-2");
}

TEST(RecordedBinlogs, CompressedTransactionPayload) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("osheroff__mysql-bin.compressed");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].op, event::Op::update);
  EXPECT_EQ(r.changes[0].after[4], "Western|Action");
  ASSERT_EQ(r.commits.size(), 1u);
  EXPECT_EQ(r.commits[0].next_pos, 724u);  // end of the payload event (236 + 488), not of the inner XID
}

TEST(RecordedBinlogs, ApecloudPayloadsCarryRowsQuery) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("apecloud__mysql-bin.000057");
  ASSERT_EQ(r.changes.size(), 3u);
  EXPECT_EQ(r.changes[0].source.query, "insert into b values(1)");
  EXPECT_EQ(r.changes[1].after[10], "product_3_value");
  EXPECT_EQ(r.changes[2].after[9], "{\"c\":1}");
  EXPECT_EQ(r.commits.back().gtid_set, "76f3e7be-6720-11ed-9cad-0242ac110002:1-13");
}

TEST(RecordedBinlogs, StatementFormatFileWithoutChecksums) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("rmc__ver_trunk_row_v2.001");
  ASSERT_EQ(r.changes.size(), 5u);
  EXPECT_EQ(r.changes[0].after, (std::vector<std::string>{"0", "one"}));
  EXPECT_EQ(r.changes[4].op, event::Op::del);
  EXPECT_FALSE(r.ddls.empty());
}

TEST(RecordedBinlogs, InvisibleColumnsAndUnsignedBigint) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("rmc__binlog-invisible-columns.000001");
  ASSERT_EQ(r.changes.size(), 3u);
  EXPECT_EQ(r.changes[0].after, (std::vector<std::string>{"1", "2", "-3", "4", "0x05", "6000000000"}));
  EXPECT_EQ(r.changes[2].after[0], "111");
}

TEST(RecordedBinlogs, BulkFileThroughput) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode("cdcrs__folder.binlog.000693");
  EXPECT_EQ(r.commits.size(), 663u);  // 523 XIDs + 140 DDL statements, each a transaction
  size_t updates = 0;
  for (const auto& c : r.changes) updates += c.op == event::Op::update;
  EXPECT_GE(updates, 502u);
}

}  // namespace
}  // namespace cdc::mysql::test
