// The catalog answers what pgoutput does not carry: primary keys in key order (not replica identity),
// the base of a domain, an enum's labels in sort order, array elements, and which tables the
// include/exclude patterns select.
#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using CatalogKeysTypes = PgConnTest;

Oid oid_of(PgConnection& c, const std::string& regclass_or_type, const char* cast) {
  return static_cast<Oid>(c.exec("SELECT '" + regclass_or_type + "'::" + cast + "::oid").int64(0, 0));
}

TEST_F(CatalogKeysTypes, PrimaryKeyColumnsInKeyOrderWithoutIncludedColumns) {
  std::string t = new_table("a int, b text, c int, d int, PRIMARY KEY (c, a) INCLUDE (d)");
  Oid rel = oid_of(*sql, "public." + t, "regclass");
  EXPECT_EQ(primary_key_columns(*sql, rel), (std::vector<std::string>{"c", "a"}));

  std::string bare = new_table("a int UNIQUE NOT NULL");
  EXPECT_TRUE(primary_key_columns(*sql, oid_of(*sql, "public." + bare, "regclass")).empty());
}

TEST_F(CatalogKeysTypes, KeysComeFromThePrimaryKeyNotTheReplicaIdentity) {
  std::string t = new_table("id int PRIMARY KEY, v text");
  sql->exec("ALTER TABLE public." + t + " REPLICA IDENTITY FULL");
  Oid rel = oid_of(*sql, "public." + t, "regclass");
  EXPECT_EQ(replica_identity(*sql, rel), 'f');
  EXPECT_EQ(primary_key_columns(*sql, rel), (std::vector<std::string>{"id"}));
  EXPECT_FALSE(replica_identity(*sql, 4294967000u).has_value());
}

TEST_F(CatalogKeysTypes, EnumLabelsFollowSortOrderNotCreationOrder) {
  std::string e = unique_name("mood");
  sql->exec("CREATE TYPE public." + e + " AS ENUM ('sad', 'ok', 'happy')");
  on_teardown("DROP TYPE IF EXISTS public." + e);
  sql->exec("ALTER TYPE public." + e + " ADD VALUE 'meh' BEFORE 'ok'");
  auto info = type_info(*sql, oid_of(*sql, "public." + e, "regtype"));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, e);
  EXPECT_EQ(info->schema, "public");
  EXPECT_EQ(info->type_type, 'e');
  EXPECT_EQ(info->category, 'E');
  EXPECT_EQ(info->enum_labels, (std::vector<std::string>{"sad", "meh", "ok", "happy"}));
}

TEST_F(CatalogKeysTypes, DomainOverDomainResolvesToTheStorageTypeAndTypmod) {
  std::string money = unique_name("money"), price = unique_name("price");
  sql->exec("CREATE DOMAIN public." + money + " AS numeric(10,2)");
  sql->exec("CREATE DOMAIN public." + price + " AS public." + money + " CHECK (VALUE >= 0)");
  on_teardown("DROP DOMAIN IF EXISTS public." + money);
  on_teardown("DROP DOMAIN IF EXISTS public." + price);
  auto info = type_info(*sql, oid_of(*sql, "public." + price, "regtype"));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->type_type, 'd');
  EXPECT_EQ(info->base_type, 1700u);                 // numeric
  EXPECT_EQ(info->base_typmod, ((10 << 16) | 2) + 4);  // numeric(10,2) as atttypmod encodes it
}

TEST_F(CatalogKeysTypes, ArrayAndUnknownTypes) {
  auto arr = type_info(*sql, 1007);  // _int4
  ASSERT_TRUE(arr);
  EXPECT_EQ(arr->name, "_int4");
  EXPECT_EQ(arr->category, 'A');
  EXPECT_EQ(arr->element_type, 23u);
  EXPECT_FALSE(type_info(*sql, 4294967000u).has_value());
}

TEST_F(CatalogKeysTypes, ListTablesAppliesIncludeAndExcludeAsFullMatches) {
  std::string keyed = new_table("id int PRIMARY KEY");
  std::string bare = new_table("v text");
  std::string excluded = new_table("id int PRIMARY KEY");
  std::string stem = keyed.substr(0, keyed.rfind('_'));  // pgc_t_<pid>
  TableFilter f({"public\\." + stem + "_.*"}, {"public\\." + excluded});
  auto tables = list_tables(*sql, f);
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(t.name);
  EXPECT_NE(std::find(names.begin(), names.end(), keyed), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), bare), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), excluded), names.end());
  for (const auto& t : tables) {
    EXPECT_EQ(t.schema, "public");
    EXPECT_TRUE(t.selectable);
    EXPECT_TRUE(t.owned);
    EXPECT_EQ(t.has_primary_key, t.name != bare) << t.name;
    EXPECT_EQ(t.replica_identity, 'd');
  }
  // Full match: a pattern naming a prefix selects nothing.
  EXPECT_TRUE(list_tables(*sql, TableFilter({"public\\." + stem}, {})).empty());
}

}  // namespace
}  // namespace cdc::pg::test
