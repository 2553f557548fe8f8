// `check` against the test server: every precondition passes, and the problems it must find (a table
// without a primary key, a slot in use) are reported as warnings naming the table or pid and the fix.
#include "postgres/conn/pg_check.h"
#include "postgres/conn/pg_publication.h"

#include <set>

#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using CheckAllPass = PgConnTest;

PgCheckOptions options_for(const PgConnParams& p, const std::string& slot, const std::string& pub,
                           std::vector<std::string> include) {
  return {p, slot, pub, TableFilter(std::move(include), {})};
}

const CheckResult* find(const std::vector<CheckResult>& rs, const std::string& name, CheckStatus status) {
  for (const auto& r : rs)
    if (r.name == name && r.status == status) return &r;
  return nullptr;
}

std::string dump(const std::vector<CheckResult>& rs) {
  std::string out;
  for (const auto& r : rs)
    out += std::string(status_name(r.status)) + " " + r.name + ": " + r.detail + (r.fix.empty() ? "" : " | fix: " + r.fix) + "\n";
  return out;
}

TEST_F(CheckAllPass, EveryCheckPassesOnTheTestServer) {
  std::string t = new_table("id int PRIMARY KEY, v text");
  std::string pub = new_publication(), slot = new_slot();
  auto results = check_postgres(options_for(params, slot, pub, {"public\\." + t}));

  std::set<std::string> names;
  for (const auto& r : results) {
    names.insert(r.name);
    EXPECT_TRUE(r.pass()) << dump(results);
    EXPECT_NE(r.status, CheckStatus::warn) << dump(results);
  }
  for (const char* n : {"connect", "server_version", "wal_level", "replication_role", "replication_connection",
                        "replication_slots", "wal_senders", "tables", "publication", "slot", "primary_keys",
                        "replica_identity", "heartbeat"})
    EXPECT_TRUE(names.contains(n)) << n << " missing:\n" << dump(results);
  const CheckResult* pubr = find(results, "publication", CheckStatus::pass);
  ASSERT_NE(pubr, nullptr);
  EXPECT_NE(pubr->detail.find("FOR TABLE"), std::string::npos) << pubr->detail;
  // check changes nothing.
  EXPECT_FALSE(publication_exists(*sql, pub));
  EXPECT_FALSE(query_slot(*sql, slot).has_value());
}

TEST_F(CheckAllPass, WarnsForTablesWithoutPrimaryKeyAndASlotInUse) {
  std::string keyed = new_table("id int PRIMARY KEY");
  std::string bare = new_table("v text");
  auto& repl = open_repl();
  Stream s = new_stream(keyed, repl);
  start_streaming(repl, {s.slot, 0, s.publication});

  auto results = check_postgres(options_for(params, s.slot, s.publication, {"public\\." + keyed, "public\\." + bare}));
  for (const auto& r : results) EXPECT_TRUE(r.pass()) << dump(results);

  const CheckResult* pk = find(results, "primary_keys", CheckStatus::warn);
  ASSERT_NE(pk, nullptr) << dump(results);
  EXPECT_NE(pk->detail.find(bare), std::string::npos);
  EXPECT_EQ(pk->detail.find(keyed), std::string::npos);
  const CheckResult* ident = find(results, "replica_identity", CheckStatus::warn);
  ASSERT_NE(ident, nullptr) << dump(results);
  EXPECT_NE(ident->fix.find("REPLICA IDENTITY FULL"), std::string::npos);
  const CheckResult* slot = find(results, "slot", CheckStatus::warn);
  ASSERT_NE(slot, nullptr) << dump(results);
  EXPECT_NE(slot->detail.find("pid " + std::to_string(repl.backend_pid())), std::string::npos) << slot->detail;
  // The existing publication covers only `keyed`.
  bool gap = false;
  for (const auto& r : results) gap |= r.name == "publication" && r.detail.find("ADD TABLE") != std::string::npos;
  EXPECT_TRUE(gap) << dump(results);
}

TEST_F(CheckAllPass, WrongPasswordIsTheOnlyResult) {
  PgConnParams p = params;
  p.password = "wrong";
  auto results = check_postgres(options_for(p, "s", "p", {}));
  ASSERT_EQ(results.size(), 1u) << dump(results);
  EXPECT_EQ(results[0].name, "connect");
  EXPECT_EQ(results[0].status, CheckStatus::fail);
  EXPECT_FALSE(results[0].fix.empty());
}

}  // namespace
}  // namespace cdc::pg::test
