#include "tests/integration/mysql_source_support.h"

#include <fcntl.h>
#include <mysql.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <iostream>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace cdc::test::msrc {
namespace {

using Clock = std::chrono::steady_clock;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string agent_binary() {
  return env_or("CDC_BINARY_DIR", CDC_TEST_BINARY_DIR) + "/src/main/cdc-agent";
}

// Unique within the machine for this run: pid plus a per-process counter.
std::string unique_suffix() {
  static std::atomic<int> n{0};
  return std::to_string(::getpid()) + "_" + std::to_string(n++);
}

uint32_t next_server_id() {
  // Replica ids of other test families live below 300000 (mysql_conn_* use 70000 + pid*8).
  static std::atomic<uint32_t> n{0};
  return 300000 + static_cast<uint32_t>(::getpid() % 100000) * 16 + n++ % 16;
}

}  // namespace

// ---- RootSql ------------------------------------------------------------------------------

RootSql::RootSql(const TestEnv& env) : conn_(mysql_init(nullptr)) {
  if (!conn_) throw std::runtime_error("mysql_init: out of memory");
  const std::string socket = env.get("CDC_TEST_MYSQL_SOCKET");
  if (socket.empty()) throw std::runtime_error("RootSql: no CDC_TEST_MYSQL_SOCKET (external server?)");
  unsigned timeout = 10;
  mysql_options(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!mysql_real_connect(conn_, "localhost", "root", nullptr, nullptr, 0, socket.c_str(), 0)) {
    std::string msg = mysql_error(conn_);
    mysql_close(conn_);
    conn_ = nullptr;
    throw std::runtime_error("root connect via " + socket + " failed: " + msg);
  }
}

RootSql::~RootSql() {
  if (conn_) mysql_close(conn_);
}

Rows RootSql::query(std::string_view sql) {
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0)
    throw std::runtime_error("MySQL: " + std::string(mysql_error(conn_)) + " in: " + std::string(sql));
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> res(mysql_store_result(conn_), &mysql_free_result);
  Rows rows;
  if (!res) {
    if (mysql_field_count(conn_) != 0) throw std::runtime_error("MySQL: reading result: " + std::string(mysql_error(conn_)));
    return rows;
  }
  const unsigned ncols = mysql_num_fields(res.get());
  while (MYSQL_ROW r = mysql_fetch_row(res.get())) {
    const unsigned long* len = mysql_fetch_lengths(res.get());
    Row row;
    for (unsigned c = 0; c < ncols; ++c)
      row.push_back(r[c] ? std::optional<std::string>(std::string(r[c], len[c])) : std::nullopt);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string RootSql::scalar(std::string_view sql) {
  Rows rows = query(sql);
  if (rows.empty() || rows[0].empty() || !rows[0][0]) throw std::runtime_error("no scalar from: " + std::string(sql));
  return *rows[0][0];
}

// ---- offsets, processes, polling ------------------------------------------------------------

std::optional<Offset> read_offset(const std::filesystem::path& state_dir) {
  std::ifstream in(state_dir / "offsets");
  if (!in) return std::nullopt;
  Offset o;
  bool any = false;
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "file") o.file = v, any = true;
    if (k == "pos") o.pos = std::stoull(v);
    if (k == "gtid_set") o.gtid_set = v;
  }
  if (!any) return std::nullopt;
  return o;
}

AgentProcess::AgentProcess(const std::filesystem::path& config, const std::filesystem::path& log) {
  const std::string program = agent_binary();
  std::vector<std::string> args{program, "run", "-c", config.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0 || pid_ <= 0) throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
}

AgentProcess::~AgentProcess() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    wait_exit(10s);
  }
}

std::optional<int> AgentProcess::wait_exit(std::chrono::milliseconds wait) {
  auto deadline = Clock::now() + wait;
  while (!status_) {
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      break;
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(20ms);
  }
  return status_;
}

std::optional<int> AgentProcess::terminate(std::chrono::milliseconds wait) {
  if (!status_ && pid_ > 0) ::kill(pid_, SIGTERM);
  return wait_exit(wait);
}

void AgentProcess::kill9() {
  if (!status_ && pid_ > 0) ::kill(pid_, SIGKILL);
  wait_exit(10s);
}

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (cond()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

std::string header(const KafkaRecord& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v.value_or("");
  return "";
}

// ---- JSON and decimals ----------------------------------------------------------------------

void for_each_value(const std::vector<KafkaRecord>& records,
                    const std::function<void(const KafkaRecord&, simdjson::dom::element)>& fn) {
  simdjson::dom::parser p;
  for (const auto& r : records)
    if (r.value) fn(r, p.parse(*r.value));
}

int64_t row_int(simdjson::dom::element value, const char* field) {
  simdjson::dom::element img = value["after"];
  if (img.is_null()) img = value["before"];
  return int64_t(img[field]);
}

bool json_equal(simdjson::dom::element a, simdjson::dom::element b) {
  using T = simdjson::dom::element_type;
  auto numeric = [](T t) { return t == T::INT64 || t == T::UINT64 || t == T::DOUBLE; };
  if (numeric(a.type()) && numeric(b.type())) {
    if (a.type() == b.type() && a.type() == T::INT64) return int64_t(a) == int64_t(b);
    if (a.type() == b.type() && a.type() == T::UINT64) return uint64_t(a) == uint64_t(b);
    return double(a) == double(b);
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case T::STRING: return std::string_view(a) == std::string_view(b);
    case T::BOOL: return bool(a) == bool(b);
    case T::NULL_VALUE: return true;
    case T::ARRAY: {
      simdjson::dom::array x = a, y = b;
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j)
        if (!json_equal(*i, *j)) return false;
      return true;
    }
    case T::OBJECT: {
      simdjson::dom::object x = a, y = b;
      if (x.size() != y.size()) return false;
      for (auto [k, v] : x) {
        simdjson::dom::element w;
        if (y[k].get(w) || !json_equal(v, w)) return false;
      }
      return true;
    }
    default: return false;
  }
}

std::string connect_decimal_base64(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  // Unscaled magnitude as big-endian bytes: the digits without the point, in the column's scale.
  std::vector<uint8_t> mag{0};
  for (char c : text) {
    if (c < '0' || c > '9') continue;
    int carry = c - '0';
    for (auto it = mag.rbegin(); it != mag.rend(); ++it) {
      int v = *it * 10 + carry;
      *it = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    while (carry) {
      mag.insert(mag.begin(), static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  mag.insert(mag.begin(), 0);  // room for the sign bit
  if (negative) {              // two's complement: invert and add one
    for (auto& b : mag) b = static_cast<uint8_t>(~b);
    for (auto it = mag.rbegin(); it != mag.rend(); ++it)
      if (++*it != 0) break;
  }
  // Minimal form: drop leading bytes that only repeat the sign.
  while (mag.size() > 1 && ((mag[0] == 0 && !(mag[1] & 0x80)) || (mag[0] == 0xff && (mag[1] & 0x80))))
    mag.erase(mag.begin());
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < mag.size(); i += 3) {
    uint32_t v = uint32_t{mag[i]} << 16 | (i + 1 < mag.size() ? uint32_t{mag[i + 1]} << 8 : 0) |
                 (i + 2 < mag.size() ? mag[i + 2] : 0);
    out += k[v >> 18 & 63];
    out += k[v >> 12 & 63];
    out += i + 1 < mag.size() ? k[v >> 6 & 63] : '=';
    out += i + 2 < mag.size() ? k[v & 63] : '=';
  }
  return out;
}

// ---- SourceTest ---------------------------------------------------------------------------

void SourceTest::SetUp() {
  EnvTest::SetUp();
  if (IsSkipped()) return;
  std::string suffix = unique_suffix();
  db = "msrc_" + suffix;
  prefix = "msrc" + suffix;
  server_id = next_server_id();
  dir = std::filesystem::temp_directory_path() / ("cdc-msrc-" + suffix);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  sql = std::make_unique<RootSql>(env);
  sql->exec("CREATE DATABASE " + db + " CHARACTER SET utf8mb4");
  write_config();
}

void SourceTest::TearDown() {
  if (agent) agent->kill9();
  if (HasFailure()) {
    std::string log = agent_log();
    std::cerr << "---- agent log (" << dir / "agent.log" << ", last 6000 bytes) ----\n"
              << (log.size() > 6000 ? log.substr(log.size() - 6000) : log) << "\n";
  }
  if (sql) sql->exec("DROP DATABASE IF EXISTS " + db);
  if (!HasFailure() && !dir.empty()) std::filesystem::remove_all(dir);
}

void SourceTest::write_config(const std::string& envelope_extra) {
  // The agent decodes the rows of every table in the binlog before filtering, so with the default
  // bigint_unsigned_handling (long) another test's BIGINT UNSIGNED extremes would stop this test's agent.
  std::string extra = envelope_extra;
  if (extra.find("bigint_unsigned_handling") == std::string::npos)
    extra = "bigint_unsigned_handling: precise" + (extra.empty() ? "" : ", " + extra);
  std::ofstream out(dir / "agent.yaml");
  out << "name: " << prefix << "\n"
      << "source:\n"
      << "  type: mysql\n"
      << "  host: " << env.get("CDC_TEST_MYSQL_HOST") << "\n"
      << "  port: " << env.get("CDC_TEST_MYSQL_PORT") << "\n"
      << "  user: " << env.get("CDC_TEST_MYSQL_USER") << "\n"
      << "  password: " << env.get("CDC_TEST_MYSQL_PASSWORD") << "\n"
      << "  snapshot: " << snapshot_mode << "\n"
      << "  include_tables: [\"" << db << "\\\\..*\"]\n"
      << "  mysql: { server_id: " << server_id << " }\n"
      << "sink:\n"
      << "  type: kafka\n"
      << "  kafka: { bootstrap.servers: \"" << env.kafka_bootstrap() << "\" }\n"
      << "envelope: { schemas: false, " << extra << " }\n"
      << "heartbeat: { interval_ms: 0 }\n"
      << "state: { dir: " << state_dir().string() << " }\n"
      << "log: { level: debug }\n";
}

void SourceTest::start_agent() {
  bool had_offset = offset().has_value();
  size_t log_mark = agent_log().size();  // the log is appended to across restarts
  agent = std::make_unique<AgentProcess>(dir / "agent.yaml", dir / "agent.log");
  if (had_offset) {
    // Resuming: wait until the dump is running, so the test's next writes are read live.
    ASSERT_TRUE(wait_for([&] { return agent_log().find("streaming binlog from", log_mark) != std::string::npos ||
                                      !agent->running(); }, 20s));
  } else {
    ASSERT_TRUE(wait_for([&] { return offset().has_value() || !agent->running(); }, 20s))
        << "the agent stored no start position";
  }
  ASSERT_TRUE(agent->running()) << "the agent exited early with " << agent->wait_exit(0ms).value_or(-1);
}

int SourceTest::stop_agent() {
  auto rc = agent->terminate();
  EXPECT_TRUE(rc.has_value()) << "the agent did not stop within 40 s of SIGTERM";
  return rc.value_or(-1);
}

std::string SourceTest::agent_log() const {
  std::ifstream in(dir / "agent.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<KafkaRecord> SourceTest::records(const std::string& table, size_t min_records,
                                             std::chrono::milliseconds timeout) const {
  auto recs = consume_topic(env.kafka_bootstrap(), topic(table), timeout, min_records);
  std::stable_sort(recs.begin(), recs.end(), [](const KafkaRecord& a, const KafkaRecord& b) {
    return header(a, "cdc.change_id") < header(b, "cdc.change_id");
  });
  return recs;
}

}  // namespace cdc::test::msrc
