// Without a server: which include patterns count as exact table names (FOR TABLE publications), the
// schema a pattern is confined to, full-match filtering, and the verdict on a slot's catalog state.
#include <gtest/gtest.h>

#include "postgres/conn/pg_publication.h"
#include "postgres/conn/pg_slot.h"

namespace cdc::pg {
namespace {

TEST(TablePatterns, ExactOnlyWhenEveryPatternIsOneLiteralSchemaDotTable) {
  auto exact = exact_tables({"shop\\.orders", "crm\\.customer_2$x"});
  ASSERT_TRUE(exact);
  EXPECT_EQ(*exact, (std::vector<QualifiedName>{{"shop", "orders"}, {"crm", "customer_2$x"}}));

  EXPECT_FALSE(exact_tables({}));                              // every table
  EXPECT_FALSE(exact_tables({"shop\\.orders", "shop\\.o.*"}));  // one regex spoils the list
  EXPECT_FALSE(exact_tables({"shop.orders"}));                 // unescaped dot matches any character
  EXPECT_FALSE(exact_tables({"shop\\.orders\\.x"}));           // not schema.table
  EXPECT_FALSE(exact_tables({"shop\\."}));
  EXPECT_FALSE(exact_tables({"(shop)\\.orders"}));
}

TEST(TablePatterns, LiteralSchemaIsThePartBeforeTheFirstEscapedDot) {
  EXPECT_EQ(literal_schema("shop\\.customer.*"), "shop");
  EXPECT_EQ(literal_schema("shop\\.orders"), "shop");
  EXPECT_FALSE(literal_schema("sh.p\\.orders"));
  EXPECT_FALSE(literal_schema("(a|b)\\..*"));
  EXPECT_FALSE(literal_schema(".*"));
}

TEST(TablePatterns, FilterMatchesWholeNamesAndExcludeWins) {
  TableFilter f({"shop\\.customer.*", "shop\\.orders"}, {"shop\\.customer_audit"});
  EXPECT_TRUE(f.matches("shop.customer"));
  EXPECT_TRUE(f.matches("shop.customer_x"));
  EXPECT_TRUE(f.matches("shop.orders"));
  EXPECT_FALSE(f.matches("shop.orders_old"));
  EXPECT_FALSE(f.matches("xshop.orders"));
  EXPECT_FALSE(f.matches("shop.customer_audit"));
  EXPECT_TRUE(TableFilter({}, {}).matches("any.table"));
  try {
    TableFilter bad({"shop\\.(orders"}, {});
    FAIL() << "accepted a broken regex";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    EXPECT_NE(std::string(e.what()).find("include_tables"), std::string::npos);
  }
}

SlotState healthy() {
  SlotState s;
  s.name = "cdc_shop";
  s.plugin = "pgoutput";
  s.slot_type = "logical";
  s.database = "shop";
  s.wal_status = "reserved";
  s.confirmed_flush_lsn = 0x16B3748;
  return s;
}

TEST(SlotVerdict, HealthySlotPasses) { EXPECT_TRUE(validate_slot(healthy(), "shop").empty()); }

TEST(SlotVerdict, LostOrInvalidatedSlotIsSourceUnusableWithTheFix) {
  for (auto mutate : {+[](SlotState& s) { s.wal_status = "lost"; }, +[](SlotState& s) { s.conflicting = true; },
                      +[](SlotState& s) { s.invalidation_reason = "wal_removed"; }}) {
    SlotState s = healthy();
    mutate(s);
    try {
      validate_slot(s, "shop");
      ADD_FAILURE() << "accepted an invalidated slot";
    } catch (const Error& e) {
      std::string msg = e.what();
      EXPECT_EQ(e.code(), ExitCode::source_unusable);
      EXPECT_NE(msg.find("pg_drop_replication_slot('cdc_shop')"), std::string::npos) << msg;
      EXPECT_NE(msg.find("0/16B3748"), std::string::npos) << msg;
    }
  }
}

TEST(SlotVerdict, ForeignSlotIsAConfigurationError) {
  for (auto mutate : {+[](SlotState& s) { s.plugin = "wal2json"; }, +[](SlotState& s) { s.database = "other"; },
                      +[](SlotState& s) { s.slot_type = "physical"; }}) {
    SlotState s = healthy();
    mutate(s);
    try {
      validate_slot(s, "shop");
      ADD_FAILURE() << "accepted a foreign slot";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::config) << e.what();
      EXPECT_NE(std::string(e.what()).find("source.postgres.slot"), std::string::npos) << e.what();
    }
  }
}

TEST(SlotVerdict, UnreservedSlotIsAWarning) {
  SlotState s = healthy();
  s.wal_status = "unreserved";
  auto w = validate_slot(s, "shop");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("unreserved"), std::string::npos);
}

TEST(ServerVersion, FormatsBothNumberingSchemes) {
  EXPECT_EQ(format_server_version(150004), "15.4");
  EXPECT_EQ(format_server_version(160000), "16.0");
  EXPECT_EQ(format_server_version(90624), "9.6.24");
}

}  // namespace
}  // namespace cdc::pg
