// Helpers of the tests/fault/agent_* tests, which break one thing under the real `cdc-agent run`
// (built on the integration fixtures: tests/integration/mysql_source_support.h, pg_source_support.h).
#pragma once
#include <sys/mount.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace cdc::test {

// Sets `key: value` under sink.kafka in a generated agent configuration, which writes that mapping
// either in flow style (`kafka: { bootstrap.servers: "…" }`) or in block style (one key per line).
inline void set_kafka_property(const std::filesystem::path& config, const std::string& key, const std::string& value) {
  std::stringstream buf;
  buf << std::ifstream(config).rdbuf();
  std::string yaml = buf.str();
  const std::string old_entry = key + ": ";
  auto at = yaml.find(old_entry);
  if (at != std::string::npos) {
    auto end = yaml.find_first_of(",}\n", at);
    yaml.replace(at, end - at, old_entry + value);
  } else {
    at = yaml.find("bootstrap.servers:");
    if (at == std::string::npos) throw std::runtime_error("no sink.kafka.bootstrap.servers in " + config.string());
    auto line_start = yaml.rfind('\n', at) + 1;
    auto brace = yaml.rfind('{', at);
    if (brace != std::string::npos && brace >= line_start)  // flow style
      yaml.insert(at, old_entry + value + ", ");
    else  // block style: same indentation as bootstrap.servers
      yaml.insert(at, old_entry + value + "\n" + std::string(at - line_start, ' '));
  }
  std::ofstream(config, std::ios::trunc) << yaml;
}

// The first line of `log` containing `needle` ("" when none): the agent's error, to show in the test output.
inline std::string line_with(const std::string& log, const std::string& needle) {
  auto at = log.find(needle);
  if (at == std::string::npos) return "";
  auto start = log.rfind('\n', at);
  start = start == std::string::npos ? 0 : start + 1;
  return log.substr(start, log.find('\n', at) - start);
}

// The sequence number of `domain` in a MariaDB GTID list ("0-1-42,1-1-7" -> 42); -1 when absent.
inline int64_t mariadb_gtid_seq(const std::string& gtids, const std::string& domain = "0") {
  std::stringstream list(gtids);
  for (std::string g; std::getline(list, g, ',');) {
    const auto first = g.find('-'), last = g.rfind('-');
    if (first != std::string::npos && last != first && g.substr(0, first) == domain) return std::stoll(g.substr(last + 1));
  }
  return -1;
}

// A tmpfs of `size_kb` mounted on `dir` (created when missing) for the object's lifetime: a small,
// private file system the test can fill up or remount read-only. Needs CAP_SYS_ADMIN; ok() says
// whether the mount worked (why not: error()).
class TmpfsMount {
 public:
  TmpfsMount(std::filesystem::path dir, int size_kb) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    const std::string opts = "size=" + std::to_string(size_kb) + "k,mode=0750";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) == 0)
      mounted_ = true;
    else
      error_ = std::strerror(errno);
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool ok() const { return mounted_; }
  const std::string& error() const { return error_; }

  // Makes the file system read-only (EROFS for every write from then on).
  void remount_read_only() {
    if (::mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) != 0)
      throw std::runtime_error("remount read-only " + dir_.string() + ": " + std::strerror(errno));
  }
  // Writes `name` until the file system is full (ENOSPC); returns the bytes written.
  size_t fill(const std::string& name) {
    std::ofstream out(dir_ / name, std::ios::binary);
    const std::string block(4096, 'f');
    size_t written = 0;
    while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) written += block.size();
    return written;
  }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace cdc::test
