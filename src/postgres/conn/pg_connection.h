// libpq connections to the PostgreSQL source: connection parameters, result handles, and the mapping from
// libpq/server failures to the agent's exit codes (cdc::Error). Everything that touches a socket for the
// PostgreSQL source goes through PgConnection; the replication stream lives in pg_replication.h.
#pragma once
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "util/error.h"

namespace cdc::pg {

struct PgConnParams {
  std::string host;  // empty = libpq default (local socket)
  uint16_t port = 5432;
  std::string user;
  std::string password;  // secret: never logged, never part of an error message
  std::string dbname;
  std::string sslmode = "disable";  // disable | require | verify-ca | verify-full
  std::string sslrootcert, sslcert, sslkey;
  int connect_timeout_s = 10;
  std::string application_name = "cdc-agent";
  // libpq "options": server settings for the session, e.g. "-c DateStyle=ISO" (the walsender's value
  // formatting depends on them, see postgres/pg_types.h). Empty = server defaults.
  std::string options;

  // "host:port/dbname", for messages.
  std::string describe() const;
};

// Maps the source section of the configuration (tls.mode, tls.ca/cert/key, …) to libpq parameters.
PgConnParams params_from_config(const SourceConfig& src);

// A server or libpq failure. sqlstate() is empty when the failure happened before the server answered.
class PgError : public Error {
 public:
  PgError(ExitCode code, const std::string& what, std::string sqlstate = {})
      : Error(code, what), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The connection broke, the server is restarting or out of connections: reconnecting later may work.
// Carries ExitCode::temporary for when the retries run out.
class PgRetriableError : public PgError {
 public:
  using PgError::PgError;
};

// Owns a PGresult.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return r_ ? PQntuples(r_.get()) : 0; }
  int cols() const { return r_ ? PQnfields(r_.get()) : 0; }
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string_view get(int row, int col) const {
    return {PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col))};
  }
  std::string str(int row, int col) const { return std::string(get(row, col)); }
  // Column by name; throws cdc::Error(internal) when the server did not return it.
  int col(const char* name) const;
  bool boolean(int row, int col) const { return get(row, col) == "t"; }
  int64_t int64(int row, int col) const;
  PGresult* raw() const { return r_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_{nullptr, &PQclear};
};

// One libpq connection. `replication` opens a walsender connection (replication=database) that accepts
// replication commands (IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT, START_REPLICATION) next to plain SQL.
class PgConnection {
 public:
  enum class Kind { sql, replication };
  // Throws cdc::Error: auth (77) for rejected credentials or a missing REPLICATION attribute, config (78)
  // for a database that does not exist or unusable TLS files, PgRetriableError otherwise.
  PgConnection(const PgConnParams& params, Kind kind = Kind::sql);
  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;

  // Runs one command (simple query protocol) and expects tuples or command-ok; `what` names it in errors.
  PgResult exec(const std::string& sql, std::string_view what = {});
  // Parameterised SQL (text parameters, nullopt = NULL). Not available on replication connections.
  PgResult exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                       std::string_view what = {});

  std::string quote_ident(std::string_view ident) const;
  std::string quote_literal(std::string_view text) const;

  int server_version() const { return PQserverVersion(conn_.get()); }  // e.g. 150004
  int backend_pid() const { return PQbackendPID(conn_.get()); }
  bool ok() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
  const PgConnParams& params() const { return params_; }
  PGconn* raw() const { return conn_.get(); }

  // The failure behind `res` (null = no result: the connection broke).
  struct ServerError {
    std::string sqlstate;  // empty when the server did not answer
    std::string message;   // primary message, else libpq's connection message
    std::string detail;
    bool connection_lost = false;
  };
  ServerError server_error(const PGresult* res) const;
  // Throws for a failed result, naming the server and `what`: connection loss, shutdown and resource
  // exhaustion as PgRetriableError; privilege errors with ExitCode::auth; anything else internal.
  [[noreturn]] void raise(const PGresult* res, std::string_view what) const;
  // Runs `sql` and returns the result whatever its status, for callers that map errors themselves.
  PgResult exec_unchecked(const std::string& sql);

 private:
  PgResult check(PGresult* res, std::string_view what);

  PgConnParams params_;
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_{nullptr, &PQfinish};
};

// "major.minor" from PQserverVersion's number (150004 -> "15.4", 90624 -> "9.6.24").
std::string format_server_version(int version_num);

}  // namespace cdc::pg
