// The decoder remembers each table_id's last TABLE_MAP byte for byte: a repeated TABLE_MAP (one before the
// rows of every statement) reuses what the first one resolved to, without parsing it or asking the
// include filter again, and the rows decode exactly as before.
#include <gtest/gtest.h>

#include "binlog_test_support.h"
#include "mysql/binlog_file.h"

namespace cdc::mysql::test {
namespace {

constexpr uint8_t kTableMapEvent = 19;

size_t count_table_maps(const std::string& name) {
  std::string data = read_binlog_file(binlog(name));
  size_t n = 0;
  for_each_event(Bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size()), [&](Bytes ev, uint64_t) {
    if (ev.size() > 4 && ev[4] == kTableMapEvent) ++n;
  });
  return n;
}

TEST(TableMapCache, RepeatedTableMapsAskTheFilterOnceAndDecodeTheSame) {
  CDC_REQUIRE_BINLOGS();
  const std::string file = "cdcrs__02_query_bigger.binlog.000733";
  const size_t maps = count_table_maps(file);

  Recorder all = decode(file);  // no filter
  size_t lineitem_rows = 0;
  for (const auto& c : all.changes) lineitem_rows += c.table == "test.LINEITEM";
  ASSERT_GT(lineitem_rows, 1u);

  std::map<std::string, int> asked;
  DecoderOptions o = offline_options();
  o.include = [&](const std::string& db, const std::string& table) {
    ++asked[db + "." + table];
    return table == "LINEITEM";
  };
  Recorder only = decode(file, o);

  // The filter was asked far less often than there are TABLE_MAPs, and about both tables.
  size_t calls = 0;
  for (const auto& [t, n] : asked) calls += static_cast<size_t>(n);
  EXPECT_GT(maps, 2 * calls) << "TABLE_MAPs " << maps << ", filter calls " << calls;
  EXPECT_EQ(asked.count("test.LINEITEM"), 1u);
  EXPECT_EQ(asked.count("test.Demo"), 1u);

  // Excluded stays excluded, included decodes every row, value for value.
  ASSERT_EQ(only.changes.size(), lineitem_rows);
  size_t i = 0;
  for (const auto& c : all.changes) {
    if (c.table != "test.LINEITEM") continue;
    const auto& got = only.changes[i++];
    EXPECT_EQ(got.table, c.table);
    EXPECT_EQ(got.op, c.op);
    EXPECT_EQ(got.before, c.before);
    EXPECT_EQ(got.after, c.after);
  }
}

}  // namespace
}  // namespace cdc::mysql::test
