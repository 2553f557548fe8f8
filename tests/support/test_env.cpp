#include "tests/support/test_env.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace cdc::test {
namespace {

constexpr std::string_view kServerVars[] = {"CDC_TEST_PG_HOST", "CDC_TEST_MYSQL_HOST",
                                            "CDC_TEST_KAFKA_BOOTSTRAP"};

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::move(fallback);
}

// libpq keyword/value quoting: single quotes, with \ and ' escaped.
std::string pg_quote(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string shell_quote(std::string_view v) {
  std::string out = "'";
  for (char c : v) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TestEnv TestEnv::load() {
  TestEnv env;
  const std::string file = env_or("CDC_TEST_ENV_FILE", "");
  std::ifstream in(file);
  if (!file.empty() && in) {
    env.available_ = true;
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq != std::string::npos && eq > 0) env.values_[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  for (char** e = environ; *e; ++e) {
    const std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (kv.starts_with("CDC_TEST_") && eq != std::string_view::npos)
      env.values_[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  for (auto var : kServerVars)
    if (!env.get(var).empty()) env.available_ = true;
  if (!env.available_)
    env.skip_reason_ =
        "no test environment: CDC_TEST_ENV_FILE " +
        (file.empty() ? std::string("is not set") : "(" + file + ") does not exist") +
        "; run through ctest (fixture test_env) or tests/env/up DIR";
  return env;
}

std::string TestEnv::get(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string() : it->second;
}

std::string TestEnv::pg_conninfo(std::string_view dbname) const {
  const std::string db = dbname.empty() ? get("CDC_TEST_PG_DB") : std::string(dbname);
  std::string port = get("CDC_TEST_PG_PORT");
  return "host=" + pg_quote(get("CDC_TEST_PG_HOST")) +
         " port=" + pg_quote(port.empty() ? "5432" : port) +
         " user=" + pg_quote(get("CDC_TEST_PG_USER")) +
         " password=" + pg_quote(get("CDC_TEST_PG_PASSWORD")) + " dbname=" + pg_quote(db) +
         " connect_timeout=10";
}

MysqlParams TestEnv::mysql() const {
  MysqlParams p;
  p.host = get("CDC_TEST_MYSQL_HOST");
  const std::string port = get("CDC_TEST_MYSQL_PORT");
  if (!port.empty()) std::from_chars(port.data(), port.data() + port.size(), p.port);
  p.user = get("CDC_TEST_MYSQL_USER");
  p.password = get("CDC_TEST_MYSQL_PASSWORD");
  p.db = get("CDC_TEST_MYSQL_DB");
  p.socket = get("CDC_TEST_MYSQL_SOCKET");
  return p;
}

int TestEnv::ctl(std::string_view command) const {
  if (env_dir().empty()) throw std::runtime_error("ctl: no CDC_TEST_ENV_DIR (external servers?)");
  const std::string script = env_or("CDC_SOURCE_DIR", CDC_TEST_SOURCE_DIR) + "/tests/env/ctl";
  const std::string cmd = shell_quote(script) + " " + shell_quote(env_dir()) + " " +
                          std::string(command) + " </dev/null";
  const int rc = std::system(cmd.c_str());
  return rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void EnvTest::SetUp() {
  env = TestEnv::load();
  if (!env.available()) GTEST_SKIP() << env.skip_reason();
}

// ---- KafkaControl -------------------------------------------------------------------------

KafkaControl::KafkaControl(std::string host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("KafkaControl: want host:port, got " + host_port);
  host_ = host_port.substr(0, colon);
  const std::string port = host_port.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_);
  if (ec != std::errc{} || end != port.data() + port.size())
    throw std::invalid_argument("KafkaControl: bad port in " + host_port);
}

std::string KafkaControl::send(std::string_view command) const {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  timeval tv{10, 0};  // the mock cluster answers in microseconds; 10 s means it is gone
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  if (::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error("KafkaControl: not an IPv4 address: " + host_);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("KafkaControl: connect " + host_ + ":" + std::to_string(port_) + ": " +
                             std::strerror(errno));
  const std::string line = std::string(command) + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
    throw std::runtime_error("KafkaControl: send failed");
  std::string reply;
  char c;
  while (::recv(fd, &c, 1, 0) == 1 && c != '\n') reply += c;
  if (reply.empty())
    throw std::runtime_error("KafkaControl: no answer to '" + std::string(command) + "'");
  return reply;
}

void KafkaControl::must(std::string_view command) const {
  const std::string reply = send(command);
  if (!reply.starts_with("ok"))
    throw std::runtime_error("KafkaControl '" + std::string(command) + "': " + reply);
}

void KafkaControl::broker_down(int id) const { must("broker-down " + std::to_string(id)); }
void KafkaControl::broker_up(int id) const { must("broker-up " + std::to_string(id)); }
void KafkaControl::set_rtt(int id, int ms) const {
  must("rtt " + std::to_string(id) + " " + std::to_string(ms));
}
void KafkaControl::push_errors(std::string_view api, int count, std::string_view errors) const {
  must("push-errors " + std::string(api) + " " + std::to_string(count) + " " + std::string(errors));
}
void KafkaControl::topic_error(std::string_view topic, std::string_view error) const {
  must("topic-error " + std::string(topic) + " " + std::string(error));
}
void KafkaControl::create_topic(std::string_view topic, int partitions, int replication) const {
  must("create-topic " + std::string(topic) + " " + std::to_string(partitions) + " " +
       std::to_string(replication));
}

}  // namespace cdc::test
