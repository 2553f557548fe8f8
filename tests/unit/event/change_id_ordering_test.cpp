// Change ids sort the same lexicographically as the positions they encode, have a fixed width, and
// parse back to those positions.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "event/change_id.h"
#include "util/error.h"

namespace cdc::event {
namespace {

std::string mysql(uint64_t f, uint64_t p, uint64_t i) {
  std::string s;
  change_id::append_mysql(s, f, p, i);
  return s;
}
std::string pg(uint64_t c, uint64_t e, uint64_t i) {
  std::string s;
  change_id::append_postgres(s, c, e, i);
  return s;
}

TEST(ChangeId, DocumentedFormats) {
  EXPECT_EQ(mysql(3, 154, 2), "m:0000000003:00000000000000000154:0000000002");
  EXPECT_EQ(pg(0x16B3A58, 0x16B3A10, 0), "p:00000000016B3A58:00000000016B3A10:0000000000");
  EXPECT_EQ(mysql(3, 154, 2).size(), change_id::kMysqlLength);
  EXPECT_EQ(pg(1, 2, 3).size(), change_id::kPostgresLength);
}

TEST(ChangeId, StringOrderEqualsTupleOrder) {
  std::mt19937_64 rng(42);
  std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> tuples;
  for (int i = 0; i < 2000; ++i) {
    // Mix small and huge magnitudes so that widths differ before padding.
    const uint64_t a = rng() >> (rng() % 64);
    const uint64_t b = rng() >> (rng() % 64);
    const uint64_t c = (rng() >> (rng() % 64)) % (change_id::kMaxIndex + 1);
    tuples.emplace_back(a % 10'000'000'000, b % 10'000'000'000'000'000'000ULL, c);
  }
  for (size_t i = 1; i < tuples.size(); ++i) {
    const auto& x = tuples[i - 1];
    const auto& y = tuples[i];
    const auto [xa, xb, xc] = x;
    const auto [ya, yb, yc] = y;
    EXPECT_EQ(x < y, mysql(xa, xb, xc) < mysql(ya, yb, yc));
    EXPECT_EQ(x < y, pg(xa, xb, xc) < pg(ya, yb, yc));
  }
}

TEST(ChangeId, ParseIsTheInverse) {
  const auto m = change_id::parse(mysql(12, 987654321, 77));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->source, 'm');
  EXPECT_EQ(m->major, 12u);
  EXPECT_EQ(m->minor, 987654321u);
  EXPECT_EQ(m->index, 77u);
  const auto p = change_id::parse(pg(0xFFFFFFFFFFFFFFFF, 0xAB, change_id::kMaxIndex));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->source, 'p');
  EXPECT_EQ(p->major, 0xFFFFFFFFFFFFFFFFu);
  EXPECT_EQ(p->minor, 0xABu);
  EXPECT_EQ(p->index, change_id::kMaxIndex);
  EXPECT_FALSE(change_id::parse("m:1:2:3"));
  EXPECT_FALSE(change_id::parse("p:00000000016b3a58:00000000016B3A10:0000000000"));  // lower-case hex
}

TEST(ChangeId, OversizedFieldsAreRefusedNotWrapped) {
  std::string s;
  EXPECT_THROW(change_id::append_mysql(s, 10'000'000'000, 0, 0), Error);
  EXPECT_THROW(change_id::append_postgres(s, 0, 0, change_id::kMaxIndex + 1), Error);
}

TEST(ChangeId, SnapshotRowsSortBetweenTheSnapshotPointAndTheFirstStreamedChange) {
  std::string snap;
  change_id::append_mysql_snapshot(snap, 3, 154, 999999);
  EXPECT_LT(mysql(3, 153 - 19, 5), snap);  // an earlier transaction
  EXPECT_LT(snap, mysql(3, 154, 0));        // the first streamed transaction starts at the snapshot point
  std::string psnap;
  change_id::append_postgres_snapshot(psnap, 0x1000, 999999);
  EXPECT_LT(psnap, pg(0x1000, 0xFF0, 0));   // a transaction committing at the consistent point itself
}

TEST(ChangeId, BinlogFileIndexIsTheNumericExtension) {
  EXPECT_EQ(change_id::binlog_file_index("mysql-bin.000042"), 42u);
  EXPECT_EQ(change_id::binlog_file_index("mariadb-bin.1000000"), 1000000u);
  EXPECT_FALSE(change_id::binlog_file_index("mysql-bin"));
  EXPECT_FALSE(change_id::binlog_file_index("mysql-bin.index"));
}

}  // namespace
}  // namespace cdc::event
