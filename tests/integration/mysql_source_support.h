// Shared by the mysql_source_* integration tests: they drive the real `cdc-agent run` binary against the
// test environment's MariaDB and Kafka and read the topics back. Each test gets its own database,
// replica server_id, topic prefix and state directory, so tests can run in parallel.
#pragma once
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/test_env.h"

struct st_mysql;

namespace cdc::test::msrc {

using namespace std::chrono_literals;

// root@localhost over the server's unix socket: DDL in per-test databases, SET GLOBAL, PURGE. The
// `cdc` user may not create databases or change global settings.
class RootSql {
 public:
  explicit RootSql(const TestEnv& env);
  ~RootSql();
  RootSql(const RootSql&) = delete;
  RootSql& operator=(const RootSql&) = delete;

  Rows query(std::string_view sql);  // throws std::runtime_error with the server's message
  void exec(std::string_view sql) { query(sql); }
  std::string scalar(std::string_view sql);

 private:
  st_mysql* conn_ = nullptr;
};

// The agent's state.dir/offsets file, as far as these tests need it.
struct Offset {
  std::string file;
  uint64_t pos = 0;
  std::string gtid_set;
};
std::optional<Offset> read_offset(const std::filesystem::path& state_dir);

// `cdc-agent run -c CONFIG` as a child process, stdout and stderr going to `log`.
class AgentProcess {
 public:
  AgentProcess(const std::filesystem::path& config, const std::filesystem::path& log);
  ~AgentProcess();  // SIGKILL when still running, so a failed test leaves no agent behind
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  // The exit status once the process ended (128+N when killed by signal N), else nullopt after `wait`.
  std::optional<int> wait_exit(std::chrono::milliseconds wait);
  bool running() { return !wait_exit(0ms).has_value(); }
  // SIGTERM, then wait for the drain; the exit status (nullopt when it did not end in time).
  std::optional<int> terminate(std::chrono::milliseconds wait = 40s);
  void kill9();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Polls `cond` every 50 ms until it holds or `timeout` passes.
bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

// Value of a Kafka header, "" when absent.
std::string header(const KafkaRecord& r, std::string_view name);

// Parses each record value (tombstones skipped) and calls `fn(value)`; one parser for many records.
void for_each_value(const std::vector<KafkaRecord>& records,
                    const std::function<void(const KafkaRecord&, simdjson::dom::element)>& fn);
// after.<field> (or before.<field> when the after image is null) as an integer.
int64_t row_int(simdjson::dom::element value, const char* field);

// Compares JSON values: strings and structure exactly, numbers by value (1.5 == 1.50, 2 == 2.0).
bool json_equal(simdjson::dom::element a, simdjson::dom::element b);
// Connect Decimal (precise): base64 of the minimal big-endian two's-complement unscaled integer of a
// decimal text as the server prints it ("-1234.11" -> "/h3t"); independent of the agent's code.
std::string connect_decimal_base64(std::string_view decimal_text);

// A test's own world: a fresh database, replica server_id, topic prefix and state directory.
class SourceTest : public EnvTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes the agent's YAML. `envelope_extra` is appended inside `envelope: {schemas: false, ...}`.
  void write_config(const std::string& envelope_extra = "");
  // Starts the agent and waits until its first offset is stored (from then on, writes are captured).
  void start_agent();
  // SIGTERM and wait; returns the exit status (fails the test when it did not stop in time).
  int stop_agent();
  std::string agent_log() const;

  std::string topic(const std::string& table) const { return prefix + "." + db + "." + table; }
  // Records of `table`'s topic, sorted by change id (tombstones included).
  std::vector<KafkaRecord> records(const std::string& table, size_t min_records,
                                   std::chrono::milliseconds timeout = 30s) const;
  std::optional<Offset> offset() const { return read_offset(state_dir()); }
  std::filesystem::path state_dir() const { return dir / "state"; }

  std::string db;      // unique database, created in SetUp, dropped in TearDown
  std::string prefix;  // topic prefix (config `name`)
  uint32_t server_id = 0;
  std::string snapshot_mode = "never";  // source.snapshot in the generated config
  std::filesystem::path dir;  // config, log and state
  std::unique_ptr<RootSql> sql;
  std::unique_ptr<AgentProcess> agent;
};

}  // namespace cdc::test::msrc
