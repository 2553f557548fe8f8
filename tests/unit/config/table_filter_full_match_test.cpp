// include/exclude patterns are full-match ECMAScript regexes; exclusion wins over inclusion.
#include <gtest/gtest.h>

#include "config/config.h"

namespace cdc {
namespace {

Config with_filters(const std::string& filters) {
  return parse_config("name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\n" +
                      filters);
}

TEST(TableFilter, EmptyIncludeListTakesEveryTable) {
  Config c = with_filters("");
  EXPECT_TRUE(c.table_included("shop.orders"));
  EXPECT_TRUE(c.table_included("other.t"));
  EXPECT_FALSE(c.column_excluded("shop.orders.id"));
}

TEST(TableFilter, PatternsMustMatchTheWholeName) {
  Config c = with_filters("  include_tables: [\"shop\\\\.orders\", 'shop\\.customer.*']\n");
  EXPECT_TRUE(c.table_included("shop.orders"));
  EXPECT_FALSE(c.table_included("shop.orders_archive"));
  EXPECT_FALSE(c.table_included("myshop.orders"));
  EXPECT_FALSE(c.table_included("shopXorders"));
  EXPECT_TRUE(c.table_included("shop.customer"));
  EXPECT_TRUE(c.table_included("shop.customers"));
  EXPECT_EQ(c.source.include_tables, (std::vector<std::string>{"shop\\.orders", "shop\\.customer.*"}));
}

TEST(TableFilter, ExcludeWinsOverInclude) {
  Config c = with_filters("  include_tables: ['shop\\..*']\n  exclude_tables: ['shop\\.tmp_.*']\n");
  EXPECT_TRUE(c.table_included("shop.orders"));
  EXPECT_FALSE(c.table_included("shop.tmp_import"));
  EXPECT_FALSE(c.table_included("crm.users"));
}

TEST(TableFilter, ColumnsMatchDbTableColumn) {
  Config c = with_filters("  exclude_columns: ['shop\\.customers\\.(ssn|card_.*)']\n");
  EXPECT_TRUE(c.column_excluded("shop.customers.ssn"));
  EXPECT_TRUE(c.column_excluded("shop.customers.card_number"));
  EXPECT_FALSE(c.column_excluded("shop.customers.ssn_hash"));
  EXPECT_FALSE(c.column_excluded("shop.orders.ssn"));
}

}  // namespace
}  // namespace cdc
