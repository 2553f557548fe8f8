// What the live PostgreSQL source publishes for each kind of row change: before images under all four
// replica identities, the unchanged-TOAST placeholder, TRUNCATE, a primary-key change (delete,
// tombstone, create) and a transaction spanning tables, all through the real agent binary and Kafka.
#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/pg_source_support.h"

namespace cdc::pg::test {
namespace {

class PgSourceRowImages : public PgSourceTest {};

// The records of one key, in topic order (one key stays in one partition).
std::vector<Change> of_key(const std::vector<Change>& all, const std::string& key) {
  std::vector<Change> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const Change& c) { return c.key == key; });
  return out;
}

// Records without tombstones in the order PostgreSQL wrote them.
void sort_by_lsn(std::vector<Change>& v) {
  std::sort(v.begin(), v.end(), [](const Change& a, const Change& b) { return a.lsn < b.lsn; });
}

TEST_F(PgSourceRowImages, BeforeImageFollowsReplicaIdentity) {
  std::string def = create_table("ri_default", "(id int PRIMARY KEY, v text, w int)");
  std::string full = create_table("ri_full", "(id int PRIMARY KEY, v text, w int)");
  std::string nothing = create_table("ri_nothing", "(id int PRIMARY KEY, v text, w int)");
  std::string index = create_table("ri_index", "(id int PRIMARY KEY, v text NOT NULL, w int)");
  pg().exec("ALTER TABLE " + full + " REPLICA IDENTITY FULL");
  pg().exec("ALTER TABLE " + nothing + " REPLICA IDENTITY NOTHING");
  pg().exec("CREATE UNIQUE INDEX " + index + "_v ON " + index + " (v)");
  pg().exec("ALTER TABLE " + index + " REPLICA IDENTITY USING INDEX " + index + "_v");
  start_agent({def, full, nothing, index});

  for (const auto& t : {def, full, nothing, index}) pg().exec("INSERT INTO " + t + " VALUES (1, 'a', 10)");
  for (const auto& t : {def, full, index}) pg().exec("UPDATE " + t + " SET w = 11 WHERE id = 1");
  for (const auto& t : {def, full, index}) pg().exec("DELETE FROM " + t + " WHERE id = 1");
  // With NOTHING there is no old row to publish, so PostgreSQL refuses updates of a published table.
  EXPECT_THROW(pg().exec("UPDATE " + nothing + " SET w = 11 WHERE id = 1"), std::runtime_error);

  auto d = changes(def, 4);  // c, u, d, tombstone
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[1].op, 'u');
  EXPECT_FALSE(d[1].has_before());  // DEFAULT, key unchanged: no old image
  EXPECT_EQ(d[2].op, 'd');
  EXPECT_EQ(d[2].before("id"), "1");  // DEFAULT: the key only
  EXPECT_EQ(d[2].before("v"), "null");
  EXPECT_TRUE(d[3].tombstone);
  EXPECT_EQ(d[3].key, "{\"id\":1}");

  auto f = changes(full, 4);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1].before("w"), "10");  // FULL: the whole old row
  EXPECT_EQ(f[1].before("v"), "\"a\"");
  EXPECT_EQ(f[1].after("w"), "11");
  EXPECT_EQ(f[2].before("w"), "11");
  EXPECT_EQ(f[2].before("v"), "\"a\"");
  // The Kafka key is the primary key, not every column that FULL flags as identity.
  EXPECT_EQ(f[2].key, "{\"id\":1}");

  auto n = changes(nothing, 1);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].op, 'c');
  EXPECT_FALSE(n[0].has_before());
  EXPECT_EQ(n[0].after("w"), "10");

  // c, u, d (no tombstone): the delete's old image holds the index columns only, not the primary
  // key, so its Kafka key is unknown and null (never {"id":0} made of defaults); a warning names the fix.
  auto x = changes(index, 3);
  ASSERT_EQ(x.size(), 3u);
  sort_by_lsn(x);  // a null key may land in any partition
  EXPECT_EQ(x[0].key, "{\"id\":1}");
  EXPECT_FALSE(x[1].has_before());  // the identity index columns did not change
  EXPECT_EQ(x[1].key, "{\"id\":1}");
  EXPECT_EQ(x[2].op, 'd');
  EXPECT_EQ(x[2].before("v"), "\"a\"");  // USING INDEX: the index columns
  EXPECT_EQ(x[2].before("w"), "null");
  EXPECT_FALSE(x[2].key) << *x[2].key;
  EXPECT_NE(agent().log().find("REPLICA IDENTITY DEFAULT"), std::string::npos) << agent().log();
}

// A table without a primary key gets a null Kafka key (CONTRACT.md), also when its replica identity is
// a unique index, whose columns pgoutput flags as key columns.
TEST_F(PgSourceRowImages, IdentityIndexWithoutPrimaryKeyGivesNullKeys) {
  std::string t = create_table("nopk_index", "(id int NOT NULL, v text NOT NULL, w int)");
  pg().exec("CREATE UNIQUE INDEX " + t + "_id ON " + t + " (id)");
  pg().exec("ALTER TABLE " + t + " REPLICA IDENTITY USING INDEX " + t + "_id");
  start_agent({t});

  pg().exec("INSERT INTO " + t + " VALUES (1, 'a', 10)");
  pg().exec("UPDATE " + t + " SET w = 11 WHERE id = 1");
  pg().exec("UPDATE " + t + " SET id = 2 WHERE id = 1");
  pg().exec("DELETE FROM " + t + " WHERE id = 2");

  auto r = changes(t, 4);  // c, u, u, d; no tombstone without a key
  ASSERT_EQ(r.size(), 4u);
  sort_by_lsn(r);  // null keys land in any partition
  EXPECT_EQ(r[0].op, 'c');
  EXPECT_EQ(r[1].op, 'u');
  EXPECT_EQ(r[2].op, 'u');  // no primary key, so no key change to split into delete + create
  EXPECT_EQ(r[2].before("id"), "1");
  EXPECT_EQ(r[2].after("id"), "2");
  EXPECT_EQ(r[3].op, 'd');
  EXPECT_EQ(r[3].before("id"), "2");
  for (const auto& c : r) EXPECT_FALSE(c.key) << c.op << " has key " << *c.key;
}

TEST_F(PgSourceRowImages, UnchangedToastTruncateAndKeyChange) {
  std::string toast = create_table("toast", "(id int PRIMARY KEY, big text, tags text[], n int)");
  std::string keyed = create_table("keyed", "(id int PRIMARY KEY, v text)");
  pg().exec("ALTER TABLE " + toast + " ALTER COLUMN big SET STORAGE EXTERNAL");
  start_agent({toast, keyed});

  pg().exec("INSERT INTO " + toast + " SELECT 1, string_agg(md5(g::text), ''), ARRAY['a'], 1 FROM generate_series(1, 400) g");
  pg().exec("UPDATE " + toast + " SET n = 2 WHERE id = 1");
  pg().exec("INSERT INTO " + keyed + " VALUES (1, 'one')");
  pg().exec("UPDATE " + keyed + " SET id = 2 WHERE id = 1");
  pg().exec("TRUNCATE " + keyed);

  auto t = changes(toast, 2);
  ASSERT_EQ(t.size(), 2u);
  std::string big = pg().scalar("SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g");
  EXPECT_EQ(t[0].after("big"), "\"" + big + "\"");
  EXPECT_EQ(t[1].op, 'u');
  EXPECT_EQ(t[1].after("big"), "\"__debezium_unavailable_value\"");  // never null
  EXPECT_EQ(t[1].after("tags"), "[\"a\"]");  // small enough to be inline: sent as is
  EXPECT_EQ(t[1].after("n"), "2");

  auto k = changes(keyed, 5);  // c(1), d(1), tombstone(1), c(2), t
  ASSERT_EQ(k.size(), 5u);
  auto one = of_key(k, "{\"id\":1}");
  ASSERT_EQ(one.size(), 3u);
  EXPECT_EQ(one[0].op, 'c');
  EXPECT_EQ(one[1].op, 'd');
  EXPECT_EQ(one[1].before("id"), "1");
  EXPECT_EQ(one[1].before("v"), "null");  // DEFAULT identity: the old image holds the key only
  EXPECT_TRUE(one[2].tombstone);
  auto two = of_key(k, "{\"id\":2}");
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].op, 'c');
  EXPECT_EQ(two[0].after("v"), "\"one\"");
  auto truncates = std::count_if(k.begin(), k.end(), [](const Change& c) { return c.op == 't'; });
  EXPECT_EQ(truncates, 1);
}

TEST_F(PgSourceRowImages, MultiTableTransactionArrivesWhole) {
  std::string a = create_table("tx_a", "(id int PRIMARY KEY, v int)");
  std::string b = create_table("tx_b", "(id int PRIMARY KEY, v int)");
  std::string skipped = create_table("tx_skipped", "(id int PRIMARY KEY)");  // not captured
  start_agent({a, b});

  pg().exec("BEGIN; INSERT INTO " + a + " SELECT g, g FROM generate_series(1, 50) g; INSERT INTO " + b +
            " SELECT g, -g FROM generate_series(1, 30) g; INSERT INTO " + skipped + " VALUES (1); UPDATE " + a +
            " SET v = 0 WHERE id = 7; COMMIT;");
  auto ra = changes(a, 51);
  auto rb = changes(b, 30);
  EXPECT_EQ(ra.size(), 51u);
  EXPECT_EQ(rb.size(), 30u);
  auto seven = of_key(ra, "{\"id\":7}");
  ASSERT_EQ(seven.size(), 2u);
  EXPECT_EQ(seven[1].after("v"), "0");
  // One transaction: one txId in every event.
  for (const auto& c : rb) EXPECT_EQ(c.tx_id, ra[0].tx_id);
  EXPECT_TRUE(cdc::test::consume_topic(env.kafka_bootstrap(), topic(skipped), 1s).empty());
  // Delivered, so the slot moves past the commit (acks go out about once a second).
  Lsn last = 0;
  for (const auto& c : ra) last = std::max(last, c.lsn);
  EXPECT_TRUE(eventually([&] { return confirmed_flush() > last; }, 15s))
      << format_lsn(confirmed_flush()) << " <= " << format_lsn(last);
}

}  // namespace
}  // namespace cdc::pg::test
