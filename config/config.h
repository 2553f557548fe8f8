// The agent's configuration: one YAML file (CONTRACT.md "Configuration"), loaded and validated in full
// before anything connects. Every problem is collected and thrown at once as ConfigError (exit 78), each
// message naming `file:line: dotted.key: what is wrong`.
#pragma once
#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "event/options.h"
#include "util/error.h"

namespace cdc {

enum class SourceType { mysql, postgres };
enum class TlsMode { disable, require, verify_ca, verify_full };
enum class SnapshotMode { initial, never, initial_only, when_needed };
enum class SinkType { kafka, stdout_ };

struct TlsConfig {
  TlsMode mode = TlsMode::disable;
  std::string ca;    // PEM file paths; empty = not set
  std::string cert;
  std::string key;
};

struct SourceConfig {
  SourceType type = SourceType::mysql;
  std::string host;
  uint16_t port = 3306;  // default follows type: 3306 mysql, 5432 postgres
  std::string user;
  std::string password;  // secret: never log or print it
  std::string database;
  TlsConfig tls;
  // The patterns as written, for code that must reason about them (e.g. building a publication);
  // filtering itself goes through Config::table_included / column_excluded.
  std::vector<std::string> include_tables;
  std::vector<std::string> exclude_tables;
  std::vector<std::string> exclude_columns;
  SnapshotMode snapshot = SnapshotMode::initial;
  struct {
    uint32_t server_id = 0;
  } mysql;
  struct {
    std::string slot;         // default cdc_<name>, sanitised
    std::string publication;  // default: slot
    int64_t read_wait_us = 250;  // once a busy stream is read up, wait this long for more before reading again
  } postgres;
};

struct SinkConfig {
  SinkType type = SinkType::stdout_;
  std::string topic_prefix;                   // default: name
  std::map<std::string, std::string> kafka;   // librdkafka properties, verbatim (may hold secrets)
};

struct Config {
  std::string name;
  SourceConfig source;
  SinkConfig sink;
  event::EnvelopeOptions envelope;  // .prefix = sink.topic_prefix
  struct {
    int64_t interval_ms = 10000;  // 0 = off
  } heartbeat;
  struct {
    std::string dir;  // default /var/lib/cdc-agent/<name>
  } state;
  struct {
    std::string listen;  // HOST:PORT; empty = off
  } metrics;
  struct {
    std::string level = "info";
    std::string format = "text";
  } log;
  int64_t shutdown_timeout_ms = 30000;

  // "db.table" (MySQL) or "schema.table" (PostgreSQL): on the include list (or it is empty) and not on
  // the exclude list. Regex matching is not free: callers evaluate it once per table, not per row.
  bool table_included(std::string_view db_dot_table) const;
  // "db.table.column" matches one of source.exclude_columns.
  bool column_excluded(std::string_view db_table_column) const;

  // Compiled from source.{include_tables,exclude_tables,exclude_columns} by the loader (ECMAScript,
  // matched against the whole name).
  std::vector<std::regex> include_table_res;
  std::vector<std::regex> exclude_table_res;
  std::vector<std::regex> exclude_column_res;
};

// All configuration errors of one file, in file order. what() joins them with newlines.
class ConfigError : public Error {
 public:
  explicit ConfigError(std::vector<std::string> messages);
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

// Reads and validates `path`; messages are prefixed with `path` as given. Throws ConfigError.
Config load_config(const std::string& path);
// Same for YAML text; `origin` stands in for the file name in messages.
Config parse_config(std::string_view yaml, std::string_view origin = "config.yaml");

// The default PostgreSQL slot name for a logical server name: cdc_<name>, lowercased, every character
// outside [a-z0-9_] replaced by '_'.
std::string default_slot_name(std::string_view name);

}  // namespace cdc
