// Connection failures map to the exit codes operators act on: rejected credentials and a user without
// REPLICATION are auth (77, no restart loop), a database that does not exist is configuration (78), an
// unreachable server is retriable (75 once retries run out). The password never appears in a message.
#include "tests/integration/pg_conn_support.h"

namespace cdc::pg::test {
namespace {

using AuthFailure = PgConnTest;

template <class Conn>
std::string connect_error(const PgConnParams& p, ExitCode want) {
  try {
    Conn c(p);
    ADD_FAILURE() << "connected";
  } catch (const PgRetriableError& e) {
    EXPECT_EQ(want, ExitCode::temporary) << e.what();
    return e.what();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), want) << e.what();
    return e.what();
  }
  return {};
}

TEST_F(AuthFailure, WrongPasswordIsAuth) {
  PgConnParams p = params;
  p.password = "not-the-password-" + unique_name("pw");
  std::string msg = connect_error<PgConnection>(p, ExitCode::auth);
  EXPECT_EQ(msg.find(p.password), std::string::npos) << "password leaked: " << msg;
  EXPECT_NE(msg.find("source.password"), std::string::npos) << msg;
  connect_error<PgReplicationConnection>(p, ExitCode::auth);
}

TEST_F(AuthFailure, MissingPasswordIsAuth) {
  PgConnParams p = params;
  p.password.clear();
  // libpq would otherwise fall back to ~/.pgpass or PGPASSWORD of whoever runs the test.
  setenv("PGPASSFILE", "/nonexistent", 1);
  unsetenv("PGPASSWORD");
  connect_error<PgConnection>(p, ExitCode::auth);
}

TEST_F(AuthFailure, UserWithoutReplicationIsAuthOnTheReplicationConnection) {
  std::string role = unique_name("norepl");
  sql->exec("CREATE ROLE " + role + " LOGIN NOREPLICATION PASSWORD 'pw-" + role + "'");
  on_teardown("DROP ROLE IF EXISTS " + role);
  PgConnParams p = params;
  p.user = role;
  p.password = "pw-" + role;
  EXPECT_NO_THROW(PgConnection{p});
  std::string msg = connect_error<PgReplicationConnection>(p, ExitCode::auth);
  EXPECT_NE(msg.find("REPLICATION"), std::string::npos) << msg;
}

TEST_F(AuthFailure, UnknownDatabaseIsConfiguration) {
  PgConnParams p = params;
  p.dbname = unique_name("nodb");
  std::string msg = connect_error<PgConnection>(p, ExitCode::config);
  EXPECT_NE(msg.find("source.database"), std::string::npos) << msg;
}

TEST_F(AuthFailure, UnreachableServerIsRetriable) {
  PgConnParams p = params;
  p.host = "127.0.0.1";
  p.port = 1;  // nothing listens on tcpmux
  p.connect_timeout_s = 2;
  std::string msg = connect_error<PgConnection>(p, ExitCode::temporary);
  EXPECT_NE(msg.find("127.0.0.1:1"), std::string::npos) << msg;
}

TEST_F(AuthFailure, RequiredTlsAgainstAServerWithoutTlsIsConfiguration) {
  PgConnParams p = params;
  p.sslmode = "require";
  if (sql->exec("SHOW ssl").str(0, 0) == "on") {
    PgConnection tls(p);
    EXPECT_EQ(tls.exec("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").str(0, 0), "true");
    return;
  }
  std::string msg = connect_error<PgConnection>(p, ExitCode::config);
  EXPECT_NE(msg.find("source.tls"), std::string::npos) << msg;
}

}  // namespace
}  // namespace cdc::pg::test
