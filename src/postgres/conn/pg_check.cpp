#include "postgres/conn/pg_check.h"

#include <algorithm>
#include <map>
#include <optional>

#include "postgres/conn/pg_publication.h"
#include "postgres/conn/pg_replication.h"
#include "postgres/conn/pg_slot.h"

namespace cdc::pg {
namespace {

using S = CheckStatus;

// "a, b, c … and 7 more": detail lines stay readable for databases with thousands of tables.
std::string name_list(const std::vector<std::string>& names, size_t max = 10) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += " … and " + std::to_string(names.size() - max) + " more";
  return out;
}

std::string quoted_list(PgConnection& c, const std::vector<const TableInfo*>& tables) {
  std::string out;
  for (const auto* t : tables) out += (out.empty() ? "" : ", ") + c.quote_ident(t->schema) + "." + c.quote_ident(t->name);
  return out;
}

int64_t scalar(PgConnection& c, const std::string& sql) { return c.exec(sql).int64(0, 0); }

class Checker {
 public:
  explicit Checker(const PgCheckOptions& o) : o_(o) {}

  std::vector<CheckResult> run() {
    std::optional<PgConnection> conn;
    try {
      conn.emplace(o_.conn);
      add("connect", S::pass, "connected to " + o_.conn.describe() + " as " + o_.conn.user);
    } catch (const Error& e) {
      add("connect", S::fail, e.what(), "check source.host/port/user/password/database/tls");
      return std::move(out_);
    }
    PgConnection& c = *conn;
    std::vector<TableInfo> tables;
    step("server", [&] { server(c); });
    step("replication_role", [&] { role(c); });
    step("replication_connection", [&] { replication_connection(); });
    step("capacity", [&] { capacity(c); });
    step("tables", [&] {
      tables = list_tables(c, o_.tables);
      table_privileges(c, tables);
    });
    step("publication", [&] { publication(c, tables); });
    step("slot", [&] { slot(c); });
    step("primary_keys", [&] { keys(c, tables); });
    step("heartbeat", [&] { heartbeat(c); });
    return std::move(out_);
  }

 private:
  // A query that fails inside one check (a missing privilege on a catalog view, say) fails that check only.
  template <class F>
  void step(const char* name, F&& f) {
    try {
      f();
    } catch (const Error& e) {
      add(name, S::fail, e.what());
    }
  }

  void add(std::string name, S s, std::string detail, std::string fix = {}) {
    out_.push_back({std::move(name), s, std::move(detail), std::move(fix)});
  }

  void server(PgConnection& c) {
    int v = c.server_version();
    int major = v / 10000;
    std::string ver = "PostgreSQL " + format_server_version(v);
    if (v < 100000)
      add("server_version", S::fail, ver + "; logical replication with pgoutput needs 10 or newer", "upgrade PostgreSQL");
    else
      add("server_version", major == 15 || major == 16 ? S::pass : S::warn,
          ver + (major == 15 || major == 16 ? "" : " (supported; releases tested: 15 and 16)"));
    std::string wal = c.exec("SHOW wal_level").str(0, 0);
    if (wal == "logical")
      add("wal_level", S::pass, "wal_level = logical");
    else
      add("wal_level", S::fail, "wal_level = " + wal + "; logical decoding needs logical",
          "ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
  }

  void role(PgConnection& c) {
    PgResult r = c.exec(
        "SELECT rolsuper, rolreplication, EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication'"
        " AND pg_has_role(current_user, g.oid, 'member')) FROM pg_roles WHERE rolname = current_user");
    bool super = r.boolean(0, 0), repl = r.boolean(0, 1), rds = r.boolean(0, 2);
    if (super || repl || rds)
      add("replication_role", S::pass,
          o_.conn.user + (super ? " is a superuser" : repl ? " has REPLICATION" : " is a member of rds_replication"));
    else
      add("replication_role", S::fail, o_.conn.user + " has neither REPLICATION nor rds_replication",
          "ALTER ROLE " + c.quote_ident(o_.conn.user) + " REPLICATION (on Amazon RDS/Aurora: GRANT rds_replication TO " +
              c.quote_ident(o_.conn.user) + ")");
  }

  void replication_connection() {
    try {
      PgReplicationConnection repl(o_.conn);
      SystemIdentity id = repl.identify_system();
      add("replication_connection", S::pass,
          "walsender connection works (system " + id.systemid + ", timeline " + std::to_string(id.timeline) +
              ", WAL at " + format_lsn(id.xlogpos) + ")");
    } catch (const Error& e) {
      add("replication_connection", S::fail, e.what(),
          "allow a replication=database connection: the user needs REPLICATION and pg_hba.conf must admit it for "
          "database " + o_.conn.dbname);
    }
  }

  void capacity(PgConnection& c) {
    bool slot_exists = query_slot(c, o_.slot).has_value();
    int64_t max_slots = scalar(c, "SELECT current_setting('max_replication_slots')::int");
    int64_t used = scalar(c, "SELECT count(*) FROM pg_replication_slots");
    std::string slots = std::to_string(used) + " of max_replication_slots = " + std::to_string(max_slots) + " in use";
    if (slot_exists || used < max_slots)
      add("replication_slots", S::pass, slots + (slot_exists ? " (slot " + o_.slot + " exists)" : ""));
    else
      add("replication_slots", S::fail, slots + "; no slot free for " + o_.slot,
          "raise max_replication_slots (needs a restart) or drop unused slots (SELECT pg_drop_replication_slot(name) "
          "FROM pg_replication_slots WHERE NOT active — only those nothing else needs)");

    int64_t max_senders = scalar(c, "SELECT current_setting('max_wal_senders')::int");
    int64_t senders = scalar(c, "SELECT count(*) FROM pg_stat_replication");
    std::string s = std::to_string(senders) + " of max_wal_senders = " + std::to_string(max_senders) + " in use";
    if (senders < max_senders)
      add("wal_senders", S::pass, s);
    else
      add("wal_senders", S::fail, s + "; no WAL sender free", "raise max_wal_senders (needs a restart)");
  }

  void table_privileges(PgConnection& c, const std::vector<TableInfo>& tables) {
    if (tables.empty()) {
      add("tables", S::warn, "no existing table matches source.include_tables / exclude_tables",
          "check the patterns (full-match regexes on schema.table)");
      return;
    }
    std::vector<const TableInfo*> denied;
    for (const auto& t : tables)
      if (!t.selectable) denied.push_back(&t);
    if (denied.empty()) {
      add("tables", S::pass, std::to_string(tables.size()) + " included tables, all readable");
      return;
    }
    std::vector<std::string> names;
    for (const auto* t : denied) names.push_back(t->qualified());
    add("tables", S::fail, o_.conn.user + " may not SELECT " + name_list(names),
        "GRANT SELECT ON " + quoted_list(c, denied) + " TO " + c.quote_ident(o_.conn.user));
  }

  void publication(PgConnection& c, const std::vector<TableInfo>& tables) {
    if (publication_exists(c, o_.publication)) {
      auto gaps = publication_gaps(c, o_.publication, tables);
      add("publication", gaps.empty() ? S::pass : S::warn,
          "publication " + o_.publication + " exists" + (gaps.empty() ? " and covers every included table" : ""));
      for (auto& g : gaps) add("publication", S::warn, g);
      return;
    }
    try {
      PublicationPlan plan = plan_publication(c, o_.publication, o_.tables);
      bool can = plan.by_schema ? scalar(c, "SELECT rolsuper::int FROM pg_roles WHERE rolname = current_user") == 1
                                : scalar(c, "SELECT has_database_privilege(current_database(), 'CREATE')::int") == 1 &&
                                      std::all_of(plan.tables.begin(), plan.tables.end(),
                                                  [](const TableInfo& t) { return t.owned; });
      if (can)
        add("publication", S::pass, "publication " + o_.publication + " is missing and will be created: " + plan.sql);
      else
        add("publication", S::fail,
            "publication " + o_.publication + " is missing and " + o_.conn.user + " may not create it" +
                (plan.by_schema ? " (FOR TABLES IN SCHEMA needs a superuser)" : " (needs CREATE on the database and ownership of the tables)"),
            "have a superuser run: " + plan.sql);
      for (auto& w : plan.warnings) add("publication", S::warn, w);
    } catch (const Error& e) {
      add("publication", S::fail, e.what(), "fix source.include_tables, or create publication " + o_.publication);
    }
  }

  void slot(PgConnection& c) {
    auto st = query_slot(c, o_.slot);
    if (!st) {
      add("slot", S::pass, "replication slot " + o_.slot + " does not exist yet and will be created");
      return;
    }
    try {
      auto warnings = validate_slot(*st, o_.conn.dbname);
      std::string detail = "replication slot " + o_.slot + " exists, confirmed_flush_lsn " +
                           format_lsn(st->confirmed_flush_lsn) +
                           (st->wal_status.empty() ? "" : ", wal_status " + st->wal_status);
      if (st->active)
        add("slot", S::warn, detail + "; in use by pid " + std::to_string(st->active_pid),
            "if that is not a running cdc-agent for this configuration, stop it or choose another postgres.slot");
      else
        add("slot", warnings.empty() ? S::pass : S::warn, detail);
      for (auto& w : warnings) add("slot", S::warn, w);
    } catch (const Error& e) {
      add("slot", S::fail, e.what());
    }
  }

  void keys(PgConnection& c, const std::vector<TableInfo>& tables) {
    std::vector<std::string> no_pk;
    std::vector<const TableInfo*> no_identity;
    std::map<char, int> identities;
    for (const auto& t : tables) {
      if (t.partitioned) continue;
      ++identities[t.replica_identity];
      if (!t.has_primary_key) no_pk.push_back(t.qualified());
      // Without a replica identity PostgreSQL rejects UPDATE and DELETE on a table in a publication.
      if ((t.replica_identity == 'd' && !t.has_primary_key) || t.replica_identity == 'n') no_identity.push_back(&t);
    }
    if (no_pk.empty())
      add("primary_keys", S::pass, "every included table has a primary key");
    else
      add("primary_keys", S::warn, "without a primary key, so their Kafka keys are null: " + name_list(no_pk),
          "add primary keys where per-key ordering matters");
    if (!no_identity.empty()) {
      std::vector<std::string> names;
      for (const auto* t : no_identity) names.push_back(t->qualified());
      add("replica_identity", S::warn,
          "no replica identity, so PostgreSQL rejects UPDATE and DELETE on them once published: " + name_list(names),
          "ALTER TABLE … REPLICA IDENTITY FULL for each: " + quoted_list(c, no_identity));
    }
    static const std::map<char, std::string> kind = {{'d', "default"}, {'f', "full"}, {'i', "index"}, {'n', "nothing"}};
    std::string detail;
    for (auto [k, n] : identities) detail += (detail.empty() ? "" : ", ") + kind.at(k) + ": " + std::to_string(n);
    add("replica_identity", S::info, "replica identities of included tables: " + (detail.empty() ? "none" : detail));
  }

  void heartbeat(PgConnection& c) {
    if (scalar(c, "SELECT has_function_privilege('pg_logical_emit_message(boolean,text,text)', 'EXECUTE')::int") == 1)
      add("heartbeat", S::pass, "may call pg_logical_emit_message (keeps the slot advancing when tables are idle)");
    else
      add("heartbeat", S::warn, o_.conn.user + " may not call pg_logical_emit_message; an idle slot holds WAL back",
          "GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) TO " + c.quote_ident(o_.conn.user));
  }

  const PgCheckOptions& o_;
  std::vector<CheckResult> out_;
};

}  // namespace

std::string_view status_name(CheckStatus s) {
  switch (s) {
    case S::pass: return "PASS";
    case S::warn: return "WARN";
    case S::fail: return "FAIL";
    case S::info: return "INFO";
  }
  return "?";
}

std::vector<CheckResult> check_postgres(const PgCheckOptions& opts) { return Checker(opts).run(); }

}  // namespace cdc::pg
