// Shared fixture of the pg_source_* integration tests: runs the real cdc-agent binary against the test
// environment's PostgreSQL and dev Kafka with a generated configuration, and reads the topics back.
// Every test gets its own tables, slot, publication and topic prefix, and drops them at the end, so the
// tests run in parallel against one long-lived server.
#pragma once
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "postgres/pgoutput.h"
#include "tests/support/test_env.h"

extern char** environ;

namespace cdc::pg::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits until `done` holds, checking every 100 ms; false after `timeout`.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  for (auto deadline = Clock::now() + timeout; Clock::now() < deadline; std::this_thread::sleep_for(100ms))
    if (done()) return true;
  return done();
}

// One `cdc-agent run -c CONFIG` process, stdout and stderr going to DIR/agent.log.
class Agent {
 public:
  Agent(const std::string& config, const std::string& dir) : log_(dir + "/agent.log") {
    const char* bin_dir = std::getenv("CDC_BINARY_DIR");
    if (!bin_dir) throw std::runtime_error("CDC_BINARY_DIR is not set; run this test through ctest");
    std::string binary = std::string(bin_dir) + "/src/main/cdc-agent";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<std::string> args{binary, "run", "-c", config};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start " + binary);
  }
  ~Agent() {
    if (pid_ > 0) kill9();
  }
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  pid_t pid() const { return pid_; }
  std::string log() const { return read_file(log_); }

  // SIGTERM, then waits for the drain; returns the exit code (-1 when it had to be killed).
  int terminate(std::chrono::milliseconds timeout = 40s) {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    return wait(timeout);
  }
  void kill9() {
    if (pid_ <= 0) return;  // never kill(-1, …): that would signal every process we may signal
    ::kill(pid_, SIGKILL);
    wait(10s);
  }
  // Exit code once the process ended by itself within `timeout`, else SIGKILL and -1.
  int wait(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return code_;
    for (auto deadline = Clock::now() + timeout; Clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
    return code_ = -1;
  }
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
    pid_ = -1;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  // A field of /proc/PID/status in kB (VmHWM = peak RSS); -1 when unreadable.
  long status_kb(const std::string& field) const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(in, line);)
      if (line.starts_with(field + ":")) return std::stol(line.substr(field.size() + 1));
    return -1;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  int code_ = -1;
};

// One Kafka record of a row-change topic, parsed (schemas: false).
struct Change {
  std::optional<std::string> key;
  std::string value;  // "" for a tombstone
  bool tombstone = false;
  char op = 0;
  uint64_t lsn = 0;
  int64_t tx_id = 0;
  // Minified JSON of after.<col> / before.<col>; nullopt when the image is null.
  std::optional<std::string> after(const std::string& col) const { return field("after", col); }
  std::optional<std::string> before(const std::string& col) const { return field("before", col); }
  bool has_before() const { return image_present("before"); }

 private:
  std::optional<std::string> field(const char* image, const std::string& col) const;
  bool image_present(const char* image) const;
};

inline std::optional<std::string> Change::field(const char* image, const std::string& col) const {
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.parse(value);
  simdjson::dom::element img = doc[image];
  if (img.is_null()) return std::nullopt;
  simdjson::dom::element v;
  if (img[col].get(v) != simdjson::SUCCESS) throw std::runtime_error(std::string("no field ") + image + "." + col);
  return simdjson::minify(v);
}

inline bool Change::image_present(const char* image) const {
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.parse(value);
  return !doc[image].is_null();
}

inline Change parse_change(const cdc::test::KafkaRecord& r) {
  Change c;
  c.key = r.key;
  if (!r.value) {
    c.tombstone = true;
    return c;
  }
  c.value = *r.value;
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.parse(c.value);
  std::string_view op = doc["op"].get_string();
  c.op = op.empty() ? 0 : op[0];
  c.lsn = static_cast<uint64_t>(int64_t(doc["source"]["lsn"]));
  c.tx_id = int64_t(doc["source"]["txId"]);
  return c;
}

// Minified JSON text, for comparing expected and delivered values whatever their spacing.
inline std::string minify_json(const std::string& text) {
  simdjson::dom::parser p;
  return simdjson::minify(p.parse(simdjson::padded_string(text)));
}

class PgSourceTest : public cdc::test::EnvTest {
 protected:
  void SetUp() override {
    EnvTest::SetUp();
    if (IsSkipped()) return;
    static std::atomic<int> n{0};
    // pid and clock: unique also across runs against a long-lived server (and in a pid namespace).
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count() % 100000000;
    name_ = "pgs_" + std::to_string(::getpid()) + "_" + std::to_string(ms) + "_" + std::to_string(n++);
    pg_ = std::make_unique<cdc::test::PgConn>(env.pg_conninfo());
    std::string pattern = (std::filesystem::temp_directory_path() / "cdc-pg-source-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }

  void TearDown() override {
    if (!pg_) return;
    if (agent_) agent_->kill9();
    // A fresh connection: a test may have restarted the server under the old one.
    cdc::test::PgConn pg(env.pg_conninfo());
    // The walsender of a killed agent may hold the slot for a moment.
    eventually([&] { return pg.scalar("SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" +
                                      name_ + "'") == "0"; },
               10s);
    pg.exec("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + name_ + "'");
    pg.exec("DROP PUBLICATION IF EXISTS " + name_);
    for (const auto& t : tables_) pg.exec("DROP TABLE IF EXISTS " + t + " CASCADE");
    for (const auto& sql : cleanup_) pg.exec(sql);
    if (HasFailure() && agent_) std::cerr << "---- agent log ----\n" << agent_->log() << "----\n";
    std::error_code ec;
    if (!HasFailure()) std::filesystem::remove_all(dir_, ec);
  }

  // SQL run at the end, after the tables are dropped (DROP TYPE …).
  void at_end(std::string sql) { cleanup_.push_back(std::move(sql)); }

  // Opens a new connection for pg() (after a server restart).
  void reconnect() { pg_ = std::make_unique<cdc::test::PgConn>(env.pg_conninfo()); }

  cdc::test::PgConn& pg() { return *pg_; }
  const std::string& name() const { return name_; }

  // A table name unique to this test, dropped at the end; `ddl` is the column list, e.g. "(id int PRIMARY KEY)".
  std::string create_table(const std::string& suffix, const std::string& ddl) {
    std::string t = name_ + "_" + suffix;
    tables_.push_back(t);
    pg_->exec("CREATE TABLE " + t + " " + ddl);
    return t;
  }

  // The agent's configuration, capturing `tables` (in schema public), with `extra` YAML appended.
  std::string write_config(const std::vector<std::string>& tables, const std::string& extra = {}) {
    std::string include;
    for (const auto& t : tables) include += std::string(include.empty() ? "" : ", ") + "\"public\\\\." + t + "\"";
    std::string yaml = "name: " + name_ +
                       "\nsource:\n  type: postgres\n  host: " + env.get("CDC_TEST_PG_HOST") +
                       "\n  port: " + env.get("CDC_TEST_PG_PORT") + "\n  user: " + env.get("CDC_TEST_PG_USER") +
                       "\n  password: " + env.get("CDC_TEST_PG_PASSWORD") + "\n  database: " +
                       env.get("CDC_TEST_PG_DB") + "\n  include_tables: [" + include +
                       "]\n  snapshot: " + snapshot_mode + "\n  postgres:\n    slot: " + name_ + "\n    publication: " + name_ +
                       "\nsink:\n  type: kafka\n  kafka:\n    bootstrap.servers: " + bootstrap() +
                       "\nenvelope:\n  schemas: false\nstate:\n  dir: " + dir_ + "/state\nlog:\n  level: info\n" +
                       extra;
    std::string path = dir_ + "/agent.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  // Starts the agent and waits until it streams from its slot. A slot is already `active` while
  // CREATE_REPLICATION_SLOT still waits for a consistent point (long on a busy server), and a transaction
  // committed before that point is legitimately not in the slot: so wait for the agent's own word that
  // START_REPLICATION was sent, which follows the slot's creation.
  Agent& start_agent(const std::vector<std::string>& tables, const std::string& extra = {}) {
    agent_ = std::make_unique<Agent>(write_config(tables, extra), dir_);
    bool streaming = eventually(
        [&] {
          if (!agent_->running()) return true;
          return agent_->log().find("streaming slot") != std::string::npos &&
                 pg_->scalar("SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" + name_ +
                             "'") == "1";
        },
        60s);
    if (!streaming || !agent_->running())
      throw std::runtime_error("the agent did not start streaming:\n" + agent_->log());
    return *agent_;
  }
  Agent& agent() { return *agent_; }

  // The Kafka the agent writes to: the environment's, unless a test set its own (a private DevKafka).
  std::string bootstrap() const { return bootstrap_.empty() ? env.kafka_bootstrap() : bootstrap_; }
  void use_bootstrap(std::string b) { bootstrap_ = std::move(b); }

  std::string topic(const std::string& table) const { return name_ + ".public." + table; }

  // Every record of the table's topic, waiting until at least `min` arrived.
  std::vector<Change> changes(const std::string& table, size_t min, std::chrono::milliseconds timeout = 60s) {
    std::vector<Change> out;
    for (const auto& r : cdc::test::consume_topic(bootstrap(), topic(table), timeout, min))
      out.push_back(parse_change(r));
    return out;
  }

  Lsn confirmed_flush() {
    auto v = pg_->query("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + name_ + "'");
    if (v.empty() || !v[0][0]) return 0;
    return parse_lsn(*v[0][0]).value_or(0);
  }
  Lsn current_lsn() { return *parse_lsn(pg_->scalar("SELECT pg_current_wal_lsn()")); }
  std::string state_dir() const { return dir_ + "/state"; }

  std::string snapshot_mode = "never";  // source.snapshot in the generated config

 private:
  std::unique_ptr<cdc::test::PgConn> pg_;
  std::unique_ptr<Agent> agent_;
  std::string name_, dir_, bootstrap_;
  std::vector<std::string> tables_, cleanup_;
};

}  // namespace cdc::pg::test
