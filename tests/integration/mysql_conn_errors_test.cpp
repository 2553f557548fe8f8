// Each way a replica connection fails maps to what the operator must do: a position the server no
// longer has is "source unusable" naming the position and the fix; a wrong password is an auth error;
// an unreachable server and a killed connection are transient (the source reconnects with backoff).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

#include "tests/integration/mysql_conn_test_util.h"
#include "tests/support/tcp_proxy.h"

namespace cdc::mysql::test {
namespace {

// The error thrown by `fn`, or a failure when nothing is thrown.
template <class Fn>
std::optional<Error> error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no cdc::Error thrown";
  return std::nullopt;
}

// A loopback port that nothing listens on: bound and released.
unsigned closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// "mysql-bin.000001" -> "mysql-bin.000000": named like the server's files but older than all of them,
// exactly what a purged file looks like to the server (purging the shared test server for real would
// break other tests streaming from it).
std::string before_first(const std::string& first) {
  std::string name = first;
  for (size_t i = name.rfind('.') + 1; i < name.size(); ++i) name[i] = '0';
  return name;
}

TEST(MysqlConnErrors, PurgedBinlogFileIsSourceUnusableNamingThePosition) {
  CDC_REQUIRE_TEST_ENV(env);
  BinlogConnection conn(connect_options(env));
  conn.connect();
  std::string missing = before_first(conn.binary_logs().at(0).name);
  DumpRequest req;
  req.server_id = test_server_id(1);
  req.file = missing;
  req.pos = 4;
  conn.start_dump(req);
  auto err = error_of([&] {
    while (true) conn.next_event(1000);
  });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), ExitCode::source_unusable) << err->what();
  EXPECT_NE(std::string(err->what()).find(missing + ":4"), std::string::npos) << err->what();
  EXPECT_NE(std::string(err->what()).find("delete the offset file"), std::string::npos) << err->what();
  EXPECT_FALSE(conn.connected());
}

TEST(MysqlConnErrors, WrongPasswordIsAnAuthError) {
  CDC_REQUIRE_TEST_ENV(env);
  ConnectOptions opts = connect_options(env);
  opts.password += "-wrong";
  BinlogConnection conn(opts);
  auto err = error_of([&] { conn.connect(); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), ExitCode::auth) << err->what();
  EXPECT_EQ(std::string(err->what()).find(opts.password), std::string::npos) << "password leaked into the error";
}

TEST(MysqlConnErrors, UnreachableServerIsTransient) {
  ConnectOptions opts;
  opts.host = "127.0.0.1";
  opts.port = closed_port();
  opts.user = "nobody";
  opts.connect_timeout_s = 2;
  BinlogConnection conn(opts);
  EXPECT_THROW(conn.connect(), TransientError);
}

TEST(MysqlConnErrors, RequiredTlsAgainstAPlainServerIsAConfigError) {
  CDC_REQUIRE_TEST_ENV(env);
  ConnectOptions opts = connect_options(env);
  opts.tls.mode = "require";
  BinlogConnection conn(opts);
  try {
    conn.connect();
    GTEST_SKIP() << "the test server offers TLS (cipher " << conn.tls_cipher() << ")";
  } catch (const TransientError& e) {
    FAIL() << "a TLS mismatch does not go away by retrying: " << e.what();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config) << e.what();
  }
}

TEST(MysqlConnErrors, VerifyModesWithoutACaAreAConfigError) {
  ConnectOptions opts;
  opts.tls.mode = "verify-full";
  BinlogConnection conn(opts);
  auto err = error_of([&] { conn.connect(); });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), ExitCode::config);
  EXPECT_NE(std::string(err->what()).find("source.tls.ca"), std::string::npos) << err->what();
}

TEST(MysqlConnErrors, KilledStreamIsTransient) {
  CDC_REQUIRE_TEST_ENV(env);
  cdc::test::MysqlConn sql(env.mysql());
  BinlogConnection conn(connect_options(env));
  conn.connect();
  std::string id = conn.query("SELECT CONNECTION_ID() AS id").get(0, "id").value();
  MasterStatus st = conn.show_master_status();
  DumpRequest req;
  req.server_id = test_server_id(2);
  req.file = st.file;
  req.pos = static_cast<uint32_t>(st.pos);
  conn.start_dump(req);
  while (conn.next_event(300)) {
  }
  sql.exec("KILL " + id);
  EXPECT_THROW(
      {
        for (int i = 0; i < 50; ++i) conn.next_event(200);
      },
      TransientError);
  EXPECT_FALSE(conn.connected());
}

TEST(MysqlConnErrors, SilentConnectionIsTransientAfterMissedHeartbeats) {
  CDC_REQUIRE_TEST_ENV(env);
  ConnectOptions opts = connect_options(env);
  cdc::test::TcpProxy proxy(opts.host, opts.port);  // frozen below: silent, not closed
  opts.port = proxy.port();
  BinlogConnection conn(opts);
  conn.connect();
  MasterStatus st = conn.show_master_status();
  DumpRequest req;
  req.server_id = test_server_id(5);
  req.file = st.file;
  req.pos = static_cast<uint32_t>(st.pos);
  req.heartbeat_ms = 300;
  conn.start_dump(req);
  while (conn.next_event(300)) {
  }
  proxy.freeze();
  auto start = std::chrono::steady_clock::now();
  try {
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) conn.next_event(200);
    FAIL() << "a silent connection was not noticed";
  } catch (const TransientError& e) {
    EXPECT_NE(std::string(e.what()).find("heartbeat"), std::string::npos) << e.what();
  }
  // Three heartbeat periods, but at least 5 s: a busy server may delay a heartbeat.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(4500));
}

// Exit 69, not a retry: reconnecting would only end the other stream in turn.
TEST(MysqlConnErrors, SecondReplicaWithTheSameServerIdEndsTheFirstAsSourceUnusable) {
  CDC_REQUIRE_TEST_ENV(env);
  DumpRequest req;
  req.server_id = test_server_id(3);
  BinlogConnection first(connect_options(env)), second(connect_options(env));
  first.connect();
  second.connect();
  MasterStatus st = first.show_master_status();
  req.file = st.file;
  req.pos = static_cast<uint32_t>(st.pos);
  first.start_dump(req);
  while (first.next_event(300)) {
  }
  second.start_dump(req);
  auto err = error_of([&] {
    for (int i = 0; i < 50; ++i) first.next_event(200);
  });
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), ExitCode::source_unusable) << err->what();
  EXPECT_NE(std::string(err->what()).find("source.mysql.server_id"), std::string::npos) << err->what();
  // The newer connection keeps streaming: a restarted agent replaces its own stale connection.
  EXPECT_NO_THROW(second.next_event(200));
}

}  // namespace
}  // namespace cdc::mysql::test
