// The publication the PostgreSQL source streams (CONTRACT.md "PostgreSQL slot and publication"). It is
// created before the slot, because PostgreSQL refuses to stream a publication that does not exist: FOR
// TABLE when every include pattern names one table, otherwise FOR TABLES IN SCHEMA so that tables created
// later are captured (the agent filters the rest). An existing publication is used as it is.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "postgres/conn/pg_catalog.h"
#include "postgres/conn/pg_connection.h"

namespace cdc::pg {

struct QualifiedName {
  std::string schema;
  std::string table;
  bool operator==(const QualifiedName&) const = default;
};

// The tables named when every include pattern is one literal "schema\.table" (letters, digits, '_' and
// '$', with exactly one escaped dot); nullopt when any pattern is a real regex or the list is empty.
std::optional<std::vector<QualifiedName>> exact_tables(const std::vector<std::string>& include_patterns);

// The schema a pattern is confined to, when the part before its first escaped dot is literal
// ("shop\.customer.*" -> "shop"); nullopt otherwise.
std::optional<std::string> literal_schema(std::string_view pattern);

struct PublicationPlan {
  std::string sql;  // the CREATE PUBLICATION statement
  bool by_schema = false;  // FOR TABLES IN SCHEMA: needs a superuser (PostgreSQL 15+)
  std::vector<TableInfo> tables;  // the included tables that exist now
  std::vector<std::string> warnings;
};

// What ensure_publication would create for `filter`. Throws cdc::Error(config) when the patterns select
// nothing that exists (no table, and no schema for a schema-wide publication).
PublicationPlan plan_publication(PgConnection& c, const std::string& publication, const TableFilter& filter);

struct PublicationStatus {
  bool created = false;
  std::string sql;  // the statement run, when created
  std::vector<std::string> warnings;  // e.g. included tables an existing publication does not cover
};

bool publication_exists(PgConnection& c, const std::string& publication);

// Warnings for an existing publication: included tables it does not cover, operations it does not publish.
std::vector<std::string> publication_gaps(PgConnection& c, const std::string& publication,
                                          const std::vector<TableInfo>& included);

// Creates the publication when missing. Throws cdc::Error(auth) naming the statement for a superuser to
// run when the user may not create it.
PublicationStatus ensure_publication(PgConnection& c, const std::string& publication, const TableFilter& filter);

}  // namespace cdc::pg
