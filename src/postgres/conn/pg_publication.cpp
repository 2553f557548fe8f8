#include "postgres/conn/pg_publication.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace cdc::pg {
namespace {

bool literal_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '$';
}

// Splits a pattern at its escaped dots when everything else is literal; nullopt for any other regex syntax.
std::optional<std::vector<std::string>> literal_parts(std::string_view pattern) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '.') {
      parts.emplace_back();
      ++i;
    } else if (literal_char(pattern[i])) {
      parts.back() += pattern[i];
    } else {
      return std::nullopt;
    }
  }
  return parts;
}

std::string join_names(PgConnection& c, const std::vector<TableInfo>& tables) {
  std::string out;
  for (const auto& t : tables) out += (out.empty() ? "" : ", ") + c.quote_ident(t.schema) + "." + c.quote_ident(t.name);
  return out;
}

bool schema_exists(PgConnection& c, const std::string& schema) {
  return c.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema}, "looking up schema " + schema).rows() > 0;
}

[[noreturn]] void nothing_selected(PgConnection& c, const std::string& what) {
  throw Error(ExitCode::config, "source.include_tables: " + what + " in database " + c.params().dbname +
                                    ", so there is nothing to publish; fix the patterns or create the tables");
}

}  // namespace

std::optional<std::vector<QualifiedName>> exact_tables(const std::vector<std::string>& include_patterns) {
  if (include_patterns.empty()) return std::nullopt;
  std::vector<QualifiedName> out;
  for (const auto& p : include_patterns) {
    auto parts = literal_parts(p);
    if (!parts || parts->size() != 2 || (*parts)[0].empty() || (*parts)[1].empty()) return std::nullopt;
    out.push_back({(*parts)[0], (*parts)[1]});
  }
  return out;
}

std::optional<std::string> literal_schema(std::string_view pattern) {
  auto dot = pattern.find("\\.");
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  auto parts = literal_parts(pattern.substr(0, dot));
  if (!parts || parts->size() != 1) return std::nullopt;
  return (*parts)[0];
}

PublicationPlan plan_publication(PgConnection& c, const std::string& publication, const TableFilter& filter) {
  PublicationPlan plan;
  plan.tables = list_tables(c, filter);
  std::string head = "CREATE PUBLICATION " + c.quote_ident(publication);
  const auto& patterns = filter.include_patterns();

  if (auto exact = exact_tables(patterns)) {
    for (const auto& want : *exact) {
      bool found = std::any_of(plan.tables.begin(), plan.tables.end(),
                               [&](const TableInfo& t) { return t.schema == want.schema && t.name == want.table; });
      if (!found && filter.matches(want.schema + "." + want.table))
        plan.warnings.push_back("table " + want.schema + "." + want.table + " (source.include_tables) does not exist, "
                                "so publication " + publication + " will not cover it; once it exists: ALTER "
                                "PUBLICATION " + c.quote_ident(publication) + " ADD TABLE " + c.quote_ident(want.schema) +
                                "." + c.quote_ident(want.table));
    }
    if (plan.tables.empty()) nothing_selected(c, "none of the named tables exists");
    plan.sql = head + " FOR TABLE " + join_names(c, plan.tables);
    return plan;
  }

  if (c.server_version() < 150000) {
    // Before PostgreSQL 15 a publication lists tables or takes all of them (FOR ALL TABLES).
    if (plan.tables.empty()) nothing_selected(c, "no table matches");
    plan.warnings.push_back("PostgreSQL " + format_server_version(c.server_version()) +
                            " cannot publish whole schemas: tables created later that match source.include_tables "
                            "are not captured until added with ALTER PUBLICATION " + c.quote_ident(publication) +
                            " ADD TABLE …");
    plan.sql = head + " FOR TABLE " + join_names(c, plan.tables);
    return plan;
  }

  std::set<std::string> schemas;
  for (const auto& t : plan.tables) schemas.insert(t.schema);
  for (const auto& p : patterns)
    if (auto s = literal_schema(p); s && !schemas.contains(*s) && schema_exists(c, *s)) schemas.insert(*s);
  if (schemas.empty()) nothing_selected(c, "no table matches and no schema named by the patterns exists");
  plan.by_schema = true;
  plan.sql = head + " FOR TABLES IN SCHEMA ";
  bool first = true;
  for (const auto& s : schemas) {
    plan.sql += (first ? "" : ", ") + c.quote_ident(s);
    first = false;
  }
  return plan;
}

bool publication_exists(PgConnection& c, const std::string& publication) {
  return c.exec_params("SELECT 1 FROM pg_publication WHERE pubname = $1", {publication},
                       "looking up publication " + publication)
             .rows() > 0;
}

std::vector<std::string> publication_gaps(PgConnection& c, const std::string& publication,
                                          const std::vector<TableInfo>& included) {
  std::vector<std::string> warnings;
  std::string pub = c.quote_ident(publication);
  PgResult ops = c.exec_params("SELECT pubinsert, pubupdate, pubdelete FROM pg_publication WHERE pubname = $1",
                               {publication}, "reading publication " + publication);
  if (ops.rows() == 1 && !(ops.boolean(0, 0) && ops.boolean(0, 1) && ops.boolean(0, 2)))
    warnings.push_back("publication " + publication + " does not publish every insert, update and delete; fix: "
                       "ALTER PUBLICATION " + pub + " SET (publish = 'insert, update, delete, truncate')");

  PgResult r = c.exec_params("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1",
                             {publication}, "reading the tables of publication " + publication);
  std::set<std::pair<std::string, std::string>> covered;
  for (int i = 0; i < r.rows(); ++i) covered.emplace(r.str(i, 0), r.str(i, 1));
  for (const auto& t : included) {
    // Partitioned parents hold no rows; pg_publication_tables lists their partitions instead.
    if (t.partitioned || covered.contains({t.schema, t.name})) continue;
    warnings.push_back("publication " + publication + " does not cover included table " + t.qualified() +
                       ", so its changes are not streamed; fix: ALTER PUBLICATION " + pub + " ADD TABLE " +
                       c.quote_ident(t.schema) + "." + c.quote_ident(t.name));
  }
  return warnings;
}

PublicationStatus ensure_publication(PgConnection& c, const std::string& publication, const TableFilter& filter) {
  PublicationStatus st;
  if (publication_exists(c, publication)) {
    st.warnings = publication_gaps(c, publication, list_tables(c, filter));
    return st;
  }
  PublicationPlan plan = plan_publication(c, publication, filter);
  st.warnings = plan.warnings;
  try {
    c.exec(plan.sql, "creating publication " + publication);
  } catch (const PgError& e) {
    if (e.sqlstate() == "42710") {  // created concurrently by someone else: use it as it is
      st.warnings = publication_gaps(c, publication, plan.tables);
      return st;
    }
    if (e.code() != ExitCode::auth) throw;
    throw PgError(ExitCode::auth,
                  std::string(e.what()) + "; fix: have a superuser run: " + plan.sql +
                      (plan.by_schema ? "" : " (or let " + c.params().user + " own the tables and hold CREATE on the "
                                             "database)"),
                  e.sqlstate());
  }
  spdlog::info("created publication {}: {}", publication, plan.sql);
  st.created = true;
  st.sql = plan.sql;
  return st;
}

}  // namespace cdc::pg
