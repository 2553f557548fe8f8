// Where keys come from, when tombstones follow, how topics are named, and that the cached schema of a
// table follows its version.
#include <gtest/gtest.h>

#include <string>

#include "event/envelope.h"
#include "event_fixtures.h"

namespace cdc::event {
namespace {

using testing::is_valid_json;

ChangeEvent event_for(const TableSchema& t, Op op) {
  ChangeEvent e;
  e.table = &t;
  e.op = op;
  e.source = testing::mysql_source(Connector::mysql);
  return e;
}

// An insert of customer 1 into `t`.
ChangeEvent customer_created(const TableSchema& t) {
  ChangeEvent c = event_for(t, Op::create);
  c.has_after = true;
  testing::fill_customer(c.after, 1, "a", "1.00");
  return c;
}

TEST(EnvelopeKeys, DeleteKeysFromBeforeOthersFromAfter) {
  const EnvelopeOptions o = testing::options(false);
  const TableSchema t = testing::mysql_customers(o);
  EnvelopeWriter w(o);
  ChangeEvent d = event_for(t, Op::del);
  d.has_before = true;
  testing::fill_customer(d.before, 5, "x", "1.00");
  std::string key;
  ASSERT_TRUE(w.key(d, key));
  EXPECT_EQ(key, R"({"id":5})");

  ChangeEvent u = event_for(t, Op::update);
  u.has_before = u.has_after = true;
  testing::fill_customer(u.before, 5, "x", "1.00");
  testing::fill_customer(u.after, 6, "x", "1.00");
  key.clear();
  ASSERT_TRUE(w.key(u, key));
  EXPECT_EQ(key, R"({"id":6})");
}

TEST(EnvelopeKeys, CompositeKeysFollowKeyOrder) {
  EnvelopeOptions o = testing::options(false);
  TableSchema t = testing::mysql_customers(o);
  t.key = {1, 0};
  EnvelopeWriter w(o);
  ChangeEvent c = event_for(t, Op::create);
  c.has_after = true;
  testing::fill_customer(c.after, 5, "n", "1.00");
  std::string key;
  ASSERT_TRUE(w.key(c, key));
  EXPECT_EQ(key, R"({"name":"n","id":5})");
}

TEST(EnvelopeKeys, KeylessTablesHaveNullKeysAndNoTombstones) {
  const EnvelopeOptions o = testing::options(true);
  TableSchema t = testing::mysql_customers(o);
  t.key.clear();
  EnvelopeWriter w(o);
  ChangeEvent d = event_for(t, Op::del);
  d.has_before = true;
  testing::fill_customer(d.before, 5, "x", "1.00");
  std::string key = "untouched";
  EXPECT_FALSE(w.key(d, key));
  EXPECT_EQ(key, "untouched");
  EXPECT_FALSE(w.wants_tombstone(d));
  std::string value;
  w.value(d, value);
  EXPECT_TRUE(is_valid_json(value));
}

TEST(EnvelopeKeys, TombstonesFollowDeletesOnlyWhenEnabled) {
  EnvelopeOptions o = testing::options(false);
  const TableSchema t = testing::mysql_customers(o);
  const ChangeEvent d = event_for(t, Op::del);
  EXPECT_TRUE(EnvelopeWriter(o).wants_tombstone(d));
  EXPECT_FALSE(EnvelopeWriter(o).wants_tombstone(event_for(t, Op::update)));
  o.tombstones = false;
  EXPECT_FALSE(EnvelopeWriter(o).wants_tombstone(d));
}

TEST(EnvelopeTopics, PrefixNamespaceTableWithIllegalCharactersReplaced) {
  const EnvelopeOptions o = testing::options(false);
  TableSchema t = testing::mysql_customers(o);
  EnvelopeWriter w(o);
  EXPECT_EQ(w.topic(t), "shop.inventory.customers");
  t.table = "order items$ü";
  EXPECT_EQ(w.topic(t), "shop.inventory.order_items__");
  EXPECT_EQ(w.heartbeat_topic(), "__debezium-heartbeat.shop");
  EXPECT_EQ(w.transaction_topic(), "shop.transaction");
}

TEST(EnvelopeSchemaCache, ANewTableVersionRendersANewSchema) {
  const EnvelopeOptions o = testing::options(true);
  TableSchema t = testing::mysql_customers(o);
  EnvelopeWriter w(o);
  ChangeEvent c = customer_created(t);
  std::string first, again;
  w.value(c, first);
  w.value(c, again);
  EXPECT_EQ(first, again);

  t.columns.push_back(col::int32("added", true));  // a DDL: new version of the same table
  t.version = 2;
  c.after.values.emplace_back();
  std::string after_ddl;
  w.value(c, after_ddl);
  EXPECT_TRUE(is_valid_json(after_ddl));
  EXPECT_NE(after_ddl.find(R"({"type":"int32","optional":true,"field":"added"})"), std::string::npos);
  EXPECT_NE(after_ddl.find(R"("added":null)"), std::string::npos);
}

TEST(EnvelopeSchemaCache, AnotherTableAtTheSameAddressIsNotServedTheOldCache) {
  // The cache is keyed by the TableSchema's address. A schema replaced in place (same address, same
  // version, another table) must be rendered anew: assignment gives it a new uid.
  const EnvelopeOptions o = testing::options(true);
  TableSchema t = testing::mysql_customers(o);
  EnvelopeWriter w(o);
  ChangeEvent c = customer_created(t);
  std::string first;
  w.value(c, first);
  EXPECT_EQ(w.table_topic(t, Connector::mysql), "shop.inventory.customers");

  TableSchema other = testing::mysql_customers(o);
  other.table = "suppliers";
  t = other;  // same address, same version
  std::string second;
  w.value(c, second);
  EXPECT_EQ(w.table_topic(t, Connector::mysql), "shop.inventory.suppliers");
  EXPECT_NE(second.find("shop.inventory.suppliers.Value"), std::string::npos) << second.substr(0, 300);
  EXPECT_EQ(second.find("customers"), std::string::npos);
}

TEST(EnvelopeValue, AppendsToTheCallersBuffer) {
  const EnvelopeOptions o = testing::options(false);
  const TableSchema t = testing::mysql_customers(o);
  EnvelopeWriter w(o);
  ChangeEvent c = customer_created(t);
  std::string out = "prefix:";
  w.value(c, out);
  EXPECT_EQ(out.rfind("prefix:{\"before\":null,", 0), 0u);
}

TEST(EnvelopeValue, MissingRowValuesRenderAsNull) {
  // A row shorter than the schema (a source that has not filled trailing columns) must not read past it.
  const EnvelopeOptions o = testing::options(false);
  const TableSchema t = testing::mysql_customers(o);
  EnvelopeWriter w(o);
  ChangeEvent c = event_for(t, Op::create);
  c.has_after = true;
  c.after.reset(1);
  c.after.set_int(0, 9);
  std::string out;
  w.value(c, out);
  EXPECT_TRUE(is_valid_json(out));
  EXPECT_NE(out.find(R"("after":{"id":9,"name":"","balance":null,"bio":null,"created_at":"1970-01-01T00:00:00Z","avatar":null})"),
            std::string::npos);
}

}  // namespace
}  // namespace cdc::event
