#include "postgres/conn/pg_connection.h"

#include <array>

#include "util/parse_number.h"

namespace cdc::pg {
namespace {

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// libpq reports connection failures as text only (no SQLSTATE), so the server's English messages are
// matched. A server with a non-English lc_messages falls through to "retriable", which is the safe side:
// the agent retries, then exits 75 with the server's message.
[[noreturn]] void throw_connect_error(const PgConnParams& p, PGconn* conn) {
  std::string msg = trim(conn ? PQerrorMessage(conn) : "out of memory");
  std::string where = "PostgreSQL " + p.describe() + ": ";
  if (conn && PQconnectionNeedsPassword(conn))
    throw PgError(ExitCode::auth, where + "the server requires a password and none was given; set source.password");
  if (contains(msg, "authentication failed") || contains(msg, "no pg_hba.conf entry") ||
      (contains(msg, "role \"") && contains(msg, "does not exist")))
    throw PgError(ExitCode::auth, where + msg +
                                      "; fix: check source.user / source.password, and that pg_hba.conf admits this "
                                      "user from this host (for replication=database the database column applies)");
  if (contains(msg, "must be superuser or replication role") || contains(msg, "permission denied"))
    throw PgError(ExitCode::auth, where + msg + "; fix: ALTER ROLE " + p.user +
                                      " REPLICATION (on Amazon RDS/Aurora: GRANT rds_replication TO " + p.user + ")");
  if (contains(msg, "database \"") && contains(msg, "does not exist"))
    throw PgError(ExitCode::config, where + msg + "; fix: set source.database to an existing database");
  if (contains(msg, "certificate") || contains(msg, "server does not support SSL") || contains(msg, "sslmode"))
    throw PgError(ExitCode::config, where + msg + "; fix: check source.tls (mode, ca, cert, key)");
  throw PgRetriableError(ExitCode::temporary, where + msg);
}

bool retriable_sqlstate(std::string_view s) {
  // 08 connection exception, 53 insufficient resources, 57P01-03 shutdown / crash / starting up.
  return s.starts_with("08") || s.starts_with("53") || s == "57P01" || s == "57P02" || s == "57P03";
}

}  // namespace

std::string PgConnParams::describe() const {
  return (host.empty() ? std::string("localhost") : host) + ":" + std::to_string(port) + "/" + dbname;
}

PgConnParams params_from_config(const SourceConfig& src) {
  PgConnParams p;
  p.host = src.host;
  p.port = src.port;
  p.user = src.user;
  p.password = src.password;
  p.dbname = src.database;
  switch (src.tls.mode) {
    case TlsMode::disable: p.sslmode = "disable"; break;
    case TlsMode::require: p.sslmode = "require"; break;
    case TlsMode::verify_ca: p.sslmode = "verify-ca"; break;
    case TlsMode::verify_full: p.sslmode = "verify-full"; break;
  }
  p.sslrootcert = src.tls.ca;
  p.sslcert = src.tls.cert;
  p.sslkey = src.tls.key;
  return p;
}

int PgResult::col(const char* name) const {
  int c = PQfnumber(r_.get(), name);
  if (c < 0) throw Error(ExitCode::internal, std::string("PostgreSQL result has no column ") + name);
  return c;
}

int64_t PgResult::int64(int row, int c) const {
  auto text = get(row, c);
  int64_t v = 0;
  if (!parse_number(text, v))
    throw Error(ExitCode::internal, "PostgreSQL returned a non-integer '" + std::string(text) + "' in column " +
                                        PQfname(r_.get(), c));
  return v;
}

PgConnection::PgConnection(const PgConnParams& params, Kind kind) : params_(params) {
  std::string port = std::to_string(params.port);
  std::string timeout = std::to_string(params.connect_timeout_s);
  std::vector<const char*> keys, values;
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    keys.push_back(k);
    values.push_back(v.c_str());
  };
  add("host", params.host);
  add("port", port);
  add("user", params.user);
  add("password", params.password);
  add("dbname", params.dbname);
  add("sslmode", params.sslmode);
  add("sslrootcert", params.sslrootcert);
  add("sslcert", params.sslcert);
  add("sslkey", params.sslkey);
  add("connect_timeout", timeout);
  add("application_name", params.application_name);
  add("options", params.options);
  // Tuple text arrives in the client encoding; the agent writes UTF-8 JSON.
  static const std::string utf8 = "UTF8", on = "1", idle = "30", interval = "10", count = "3", database = "database";
  add("client_encoding", utf8);
  // A silently dead server must surface within about a minute, not after the kernel's two hours.
  add("keepalives", on);
  add("keepalives_idle", idle);
  add("keepalives_interval", interval);
  add("keepalives_count", count);
  if (kind == Kind::replication) add("replication", database);
  keys.push_back(nullptr);
  values.push_back(nullptr);

  conn_.reset(PQconnectdbParams(keys.data(), values.data(), 0));
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) throw_connect_error(params_, conn_.get());
}

PgConnection::ServerError PgConnection::server_error(const PGresult* res) const {
  ServerError e;
  auto field = [res](int code) {
    const char* v = res ? PQresultErrorField(res, code) : nullptr;
    return std::string(v ? v : "");
  };
  e.sqlstate = field(PG_DIAG_SQLSTATE);
  e.message = field(PG_DIAG_MESSAGE_PRIMARY);
  e.detail = field(PG_DIAG_MESSAGE_DETAIL);
  if (e.message.empty()) e.message = trim(res ? PQresultErrorMessage(res) : "");
  if (e.message.empty()) e.message = trim(PQerrorMessage(conn_.get()));
  if (e.message.empty()) e.message = "unexpected result status";
  e.connection_lost = !res || PQstatus(conn_.get()) == CONNECTION_BAD;
  return e;
}

void PgConnection::raise(const PGresult* res, std::string_view what) const {
  ServerError e = server_error(res);
  std::string text = "PostgreSQL " + params_.describe() + (what.empty() ? "" : ": " + std::string(what)) + ": " +
                     e.message + (e.detail.empty() ? "" : " (" + e.detail + ")") +
                     (e.sqlstate.empty() ? "" : " [SQLSTATE " + e.sqlstate + "]");
  if (e.connection_lost || retriable_sqlstate(e.sqlstate)) throw PgRetriableError(ExitCode::temporary, text, e.sqlstate);
  if (e.sqlstate.starts_with("28") || e.sqlstate == "42501") throw PgError(ExitCode::auth, text, e.sqlstate);
  throw PgError(ExitCode::internal, text, e.sqlstate);
}

PgResult PgConnection::check(PGresult* raw, std::string_view what) {
  PgResult res(raw);
  auto st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) raise(raw, what);
  return res;
}

PgResult PgConnection::exec(const std::string& sql, std::string_view what) {
  return check(PQexec(conn_.get(), sql.c_str()), what.empty() ? std::string_view(sql) : what);
}

PgResult PgConnection::exec_unchecked(const std::string& sql) { return PgResult(PQexec(conn_.get(), sql.c_str())); }

PgResult PgConnection::exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                                   std::string_view what) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* r = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0);
  return check(r, what.empty() ? std::string_view(sql) : what);
}

std::string PgConnection::quote_ident(std::string_view ident) const {
  std::unique_ptr<char, decltype(&PQfreemem)> q(PQescapeIdentifier(conn_.get(), ident.data(), ident.size()),
                                                &PQfreemem);
  if (!q) throw Error(ExitCode::internal, "cannot quote identifier: " + trim(PQerrorMessage(conn_.get())));
  return q.get();
}

std::string PgConnection::quote_literal(std::string_view text) const {
  std::unique_ptr<char, decltype(&PQfreemem)> q(PQescapeLiteral(conn_.get(), text.data(), text.size()), &PQfreemem);
  if (!q) throw Error(ExitCode::internal, "cannot quote literal: " + trim(PQerrorMessage(conn_.get())));
  return q.get();
}

std::string format_server_version(int v) {
  if (v >= 100000) return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

}  // namespace cdc::pg
