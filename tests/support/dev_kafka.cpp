#include "tests/support/dev_kafka.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace cdc::test {
namespace {

using namespace std::chrono_literals;

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Waits for `pid` to exit for up to `limit`; true once it is reaped.
bool reap_within(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

std::string dev_kafka_program() {
  if (const char* p = std::getenv("CDC_DEV_KAFKA"); p && *p) return p;
  return CDC_TEST_DEV_KAFKA;
}

DevKafka::DevKafka(int brokers) {
  char tmpl[] = "/tmp/cdc-dev-kafka.XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("DevKafka: mkdtemp failed");
  dir_ = tmpl;
  const std::string program = dev_kafka_program();
  std::vector<std::string> args = {program,
                                   "--brokers",
                                   std::to_string(brokers),
                                   "--bootstrap-file",
                                   dir_ + "/bootstrap",
                                   "--control-file",
                                   dir_ + "/control"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const std::string log = dir_ + "/log";
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    std::filesystem::remove_all(dir_);
    throw std::runtime_error("DevKafka: cannot start " + program + ": " + std::strerror(rc));
  }

  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while ((bootstrap_ = read_first_line(dir_ + "/bootstrap")).empty()) {
    if (std::chrono::steady_clock::now() > deadline || ::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      const std::string why = read_first_line(log);
      stop();
      throw std::runtime_error("DevKafka: " + program + " did not start: " + why);
    }
    std::this_thread::sleep_for(20ms);
  }
  control_ = read_first_line(dir_ + "/control");
}

DevKafka::~DevKafka() { stop(); }

void DevKafka::stop() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!reap_within(pid_, 5s)) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

}  // namespace cdc::test
