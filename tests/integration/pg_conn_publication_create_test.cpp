// The publication is created FOR TABLE when every include pattern names one table, FOR TABLES IN SCHEMA
// otherwise (so later tables are captured), used as it is when it exists (with a warning per included
// table it misses), and a user who may not create it gets exit 77 with the statement a superuser runs.
#include "postgres/conn/pg_publication.h"

#include <set>

#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using PublicationCreate = PgConnTest;

std::set<std::string> published(PgConnection& c, const std::string& pub) {
  PgResult r = c.exec_params("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = $1", {pub});
  std::set<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.insert(r.str(i, 0));
  return out;
}

TEST_F(PublicationCreate, ExactPatternsGiveForTable) {
  std::string a = new_table("id int PRIMARY KEY"), b = new_table("id int PRIMARY KEY");
  new_table("id int PRIMARY KEY");  // not included
  std::string pub = new_publication();
  TableFilter f({"public\\." + a, "public\\." + b}, {});

  PublicationStatus st = ensure_publication(*sql, pub, f);
  EXPECT_TRUE(st.created);
  EXPECT_NE(st.sql.find(" FOR TABLE "), std::string::npos) << st.sql;
  EXPECT_TRUE(st.warnings.empty());
  EXPECT_EQ(published(*sql, pub), (std::set<std::string>{"public." + a, "public." + b}));

  PublicationStatus again = ensure_publication(*sql, pub, f);
  EXPECT_FALSE(again.created);
  EXPECT_TRUE(again.warnings.empty());
}

TEST_F(PublicationCreate, ExactPatternForAMissingTableIsAWarning) {
  std::string a = new_table("id int PRIMARY KEY");
  std::string pub = new_publication(), ghost = unique_name("ghost");
  PublicationStatus st = ensure_publication(*sql, pub, TableFilter({"public\\." + a, "public\\." + ghost}, {}));
  EXPECT_TRUE(st.created);
  ASSERT_EQ(st.warnings.size(), 1u);
  EXPECT_NE(st.warnings[0].find(ghost), std::string::npos) << st.warnings[0];
  EXPECT_EQ(published(*sql, pub), (std::set<std::string>{"public." + a}));

  std::string pub2 = new_publication();
  EXPECT_THROW(ensure_publication(*sql, pub2, TableFilter({"public\\." + ghost}, {})), Error);
  EXPECT_FALSE(publication_exists(*sql, pub2));
}

TEST_F(PublicationCreate, RegexPatternsGiveForTablesInSchemaCoveringLaterTables) {
  std::string schema = unique_name("s");
  sql->exec("CREATE SCHEMA " + schema);
  on_teardown("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  sql->exec("CREATE TABLE " + schema + ".orders (id int PRIMARY KEY)");
  std::string pub = new_publication();

  PublicationStatus st = ensure_publication(*sql, pub, TableFilter({schema + "\\.ord.*"}, {}));
  EXPECT_TRUE(st.created);
  EXPECT_NE(st.sql.find("FOR TABLES IN SCHEMA \"" + schema + "\""), std::string::npos) << st.sql;
  sql->exec("CREATE TABLE " + schema + ".order_lines (id int PRIMARY KEY)");
  EXPECT_EQ(published(*sql, pub), (std::set<std::string>{schema + ".orders", schema + ".order_lines"}));
}

TEST_F(PublicationCreate, ExistingPublicationIsKeptAndGapsAreWarned) {
  std::string a = new_table("id int PRIMARY KEY"), b = new_table("id int PRIMARY KEY");
  std::string pub = new_publication();
  sql->exec("CREATE PUBLICATION " + pub + " FOR TABLE public." + a + " WITH (publish = 'insert')");

  PublicationStatus st = ensure_publication(*sql, pub, TableFilter({"public\\." + a, "public\\." + b}, {}));
  EXPECT_FALSE(st.created);
  ASSERT_EQ(st.warnings.size(), 2u);
  std::string all = st.warnings[0] + "\n" + st.warnings[1];
  EXPECT_NE(all.find("ALTER PUBLICATION \"" + pub + "\" ADD TABLE \"public\".\"" + b + "\""), std::string::npos) << all;
  EXPECT_NE(all.find("publish ="), std::string::npos) << all;
  EXPECT_EQ(published(*sql, pub), (std::set<std::string>{"public." + a}));
}

TEST_F(PublicationCreate, UserWhoMayNotCreateItGetsAuthWithTheStatement) {
  std::string a = new_table("id int PRIMARY KEY");
  std::string role = unique_name("weak");
  sql->exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
  on_teardown("DROP ROLE IF EXISTS " + role);
  PgConnParams p = params;
  p.user = role;
  p.password = "pw-" + role;
  PgConnection weak(p);
  std::string pub = new_publication();

  for (const auto& pattern : {"public\\." + a, "public\\." + a.substr(0, a.rfind('_')) + "_.*"}) {
    try {
      ensure_publication(weak, pub, TableFilter({pattern}, {}));
      ADD_FAILURE() << "created publication as " << role << " for " << pattern;
    } catch (const Error& e) {
      std::string msg = e.what();
      EXPECT_EQ(e.code(), ExitCode::auth) << msg;
      EXPECT_NE(msg.find("have a superuser run: CREATE PUBLICATION \"" + pub + "\""), std::string::npos) << msg;
    }
  }
  EXPECT_FALSE(publication_exists(*sql, pub));
}

}  // namespace
}  // namespace cdc::pg::test
