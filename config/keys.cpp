#include "config/keys.h"

#include <array>
#include <limits>

namespace cdc::config {
namespace {

using T = KeyType;
using R = Required;
using C = Config;
using V = KeyValue;

constexpr int64_t kMaxMillis = 24LL * 3600 * 1000;  // one day: anything longer is a typo

// Choice keys map to enums by position: `choices` lists the values in enum order.
template <typename E>
E as_enum(const V& v) {
  return static_cast<E>(v.choice_index);
}

const std::array kKeys{
    KeySpec{.path = "name", .type = T::string, .required = R::always,
            .doc = "Logical server name: `source.name` in every envelope and the default topic prefix. "
                   "Letters, digits, `.`, `_` and `-` (it becomes part of Kafka topic names).",
            .apply = [](C& c, const V& v) { c.name = v.text; }},

    KeySpec{.path = "source", .type = T::section, .required = R::always, .doc = "The database to capture."},
    KeySpec{.path = "source.type", .type = T::choice, .required = R::always,
            .doc = "Source database kind; MariaDB is `mysql`.", .choices = "mysql|postgres",
            .apply = [](C& c, const V& v) { c.source.type = as_enum<SourceType>(v); }},
    KeySpec{.path = "source.host", .type = T::string, .required = R::always, .doc = "Database host name or address.",
            .apply = [](C& c, const V& v) { c.source.host = v.text; }},
    KeySpec{.path = "source.port", .type = T::integer, .default_note = "3306 (mysql), 5432 (postgres)",
            .doc = "Database TCP port.", .min = 1, .max = 65535,
            .apply = [](C& c, const V& v) { c.source.port = static_cast<uint16_t>(v.integer); }},
    KeySpec{.path = "source.user", .type = T::string, .required = R::always,
            .doc = "Replication user (privileges: see `cdc-agent check`).",
            .apply = [](C& c, const V& v) { c.source.user = v.text; }},
    KeySpec{.path = "source.password", .type = T::string, .default_yaml = "\"\"",
            .doc = "Password; better than the password itself: `${env:VAR}`, or under systemd "
                   "`${file:/run/credentials/cdc-agent@<instance>.service/db}`. Never logged or printed.",
            .secret = true, .apply = [](C& c, const V& v) { c.source.password = v.text; }},
    KeySpec{.path = "source.database", .type = T::string, .required = R::for_postgres, .default_yaml = "\"\"",
            .doc = "PostgreSQL: the database to stream (required). MySQL: optional default database.",
            .apply = [](C& c, const V& v) { c.source.database = v.text; }},

    KeySpec{.path = "source.tls", .type = T::section, .doc = "TLS to the database."},
    KeySpec{.path = "source.tls.mode", .type = T::choice, .default_yaml = "disable",
            .doc = "`require` encrypts without checking the certificate; `verify-ca` checks it against "
                   "`ca`; `verify-full` also checks the host name.",
            .choices = "disable|require|verify-ca|verify-full",
            .apply = [](C& c, const V& v) { c.source.tls.mode = as_enum<TlsMode>(v); }},
    KeySpec{.path = "source.tls.ca", .type = T::string, .default_yaml = "\"\"",
            .doc = "PEM file of the CA certificate(s) that signed the server certificate.",
            .apply = [](C& c, const V& v) { c.source.tls.ca = v.text; }},
    KeySpec{.path = "source.tls.cert", .type = T::string, .default_yaml = "\"\"",
            .doc = "PEM client certificate, for certificate authentication (needs `key`).",
            .apply = [](C& c, const V& v) { c.source.tls.cert = v.text; }},
    KeySpec{.path = "source.tls.key", .type = T::string, .default_yaml = "\"\"",
            .doc = "PEM private key of `cert`.",
            .apply = [](C& c, const V& v) { c.source.tls.key = v.text; }},

    KeySpec{.path = "source.include_tables", .type = T::regex_list, .default_yaml = "[]",
            .doc = "Regexes matched against the whole `db.table` (MySQL) or `schema.table` (PostgreSQL) "
                   "name; write `shop\\\\.orders` in YAML double quotes. Empty = every table. ECMAScript syntax, "
                   "at most 1000 characters, repeat counts up to 1000 (2000 atoms once nested repeats are expanded), "
                   "no back-references; matching never backtracks.",
            .apply = [](C& c, const V& v) {
              c.source.include_tables = v.list;
              c.include_table_res = v.regexes;
            }},
    KeySpec{.path = "source.exclude_tables", .type = T::regex_list, .default_yaml = "[]",
            .doc = "Tables to skip even when included; same form as `include_tables`.",
            .apply = [](C& c, const V& v) {
              c.source.exclude_tables = v.list;
              c.exclude_table_res = v.regexes;
            }},
    KeySpec{.path = "source.exclude_columns", .type = T::regex_list, .default_yaml = "[]",
            .doc = "Regexes on `db.table.column`; matching columns are left out of envelopes. Same rules as "
                   "`include_tables`.",
            .apply = [](C& c, const V& v) {
              c.source.exclude_columns = v.list;
              c.exclude_column_res = v.regexes;
            }},
    KeySpec{.path = "source.snapshot", .type = T::choice, .default_yaml = "initial",
            .doc = "`initial`: snapshot the captured tables when no position is stored, then stream. "
                   "`never`: with no stored position, store the server's current position durably and "
                   "stream from it. `initial_only`: snapshot, then exit 0. `when_needed`: also snapshot "
                   "when the stored position is no longer available on the server.",
            .choices = "initial|never|initial_only|when_needed",
            .apply = [](C& c, const V& v) { c.source.snapshot = as_enum<SnapshotMode>(v); }},

    KeySpec{.path = "source.mysql", .type = T::section, .doc = "MySQL/MariaDB only."},
    KeySpec{.path = "source.mysql.server_id", .type = T::integer, .required = R::for_mysql,
            .doc = "Replica server id the agent presents; unique among all replicas of the source.",
            .min = 1, .max = std::numeric_limits<uint32_t>::max(),
            .apply = [](C& c, const V& v) { c.source.mysql.server_id = static_cast<uint32_t>(v.integer); }},

    KeySpec{.path = "source.postgres", .type = T::section, .doc = "PostgreSQL only."},
    KeySpec{.path = "source.postgres.slot", .type = T::string,
            .default_note = "`cdc_<name>`, lowercased, characters outside `[a-z0-9_]` replaced by `_`",
            .doc = "Logical replication slot (created when missing; at most 63 of `[a-z0-9_]`).",
            .apply = [](C& c, const V& v) { c.source.postgres.slot = v.text; }},
    KeySpec{.path = "source.postgres.publication", .type = T::string, .default_note = "the slot name",
            .doc = "Publication to stream (created when missing, before the slot).",
            .apply = [](C& c, const V& v) { c.source.postgres.publication = v.text; }},
    KeySpec{.path = "source.postgres.read_wait_us", .type = T::integer, .default_yaml = "250",
            .doc = "Once the agent has read everything a busy stream sent, it waits this many microseconds "
                   "for more before reading again, so each wakeup takes a batch of rows instead of a few "
                   "(the walsender sends every row as a network packet of its own). Adds at most this much "
                   "latency, and only while rows keep coming; the first row after a quiet spell is read at "
                   "once. 0 = wake up for every arrival.",
            .min = 0, .max = 100000, .apply = [](C& c, const V& v) { c.source.postgres.read_wait_us = v.integer; }},

    KeySpec{.path = "sink", .type = T::section, .doc = "Where envelopes go."},
    KeySpec{.path = "sink.type", .type = T::choice, .default_yaml = "stdout",
            .doc = "`kafka`, or `stdout`: JSON lines `topic<TAB>key<TAB>value` (for trying things out).",
            .choices = "kafka|stdout", .apply = [](C& c, const V& v) { c.sink.type = as_enum<SinkType>(v); }},
    KeySpec{.path = "sink.topic_prefix", .type = T::string, .default_note = "`name`",
            .doc = "Topics are `<topic_prefix>.<db>.<table>`; same characters as `name`.",
            .apply = [](C& c, const V& v) { c.sink.topic_prefix = v.text; }},
    KeySpec{.path = "sink.kafka", .type = T::string_map, .default_yaml = "{}",
            .doc = "librdkafka properties, passed through verbatim (`bootstrap.servers` is required for "
                   "`type: kafka`); values may use `${env:…}`/`${file:…}`.",
            .apply = [](C& c, const V& v) { c.sink.kafka = v.map; }},

    KeySpec{.path = "envelope", .type = T::section, .doc = "Envelope format (see ENVELOPE.md)."},
    KeySpec{.path = "envelope.schemas", .type = T::boolean, .default_yaml = "true",
            .doc = "Wrap key and value as `{\"schema\":…,\"payload\":…}` like Kafka Connect's JsonConverter "
                   "with `schemas.enable=true`.",
            .apply = [](C& c, const V& v) { c.envelope.schemas = v.boolean; }},
    KeySpec{.path = "envelope.tombstones", .type = T::boolean, .default_yaml = "true",
            .doc = "Send a null-value tombstone after each delete, so log compaction can drop the key.",
            .apply = [](C& c, const V& v) { c.envelope.tombstones = v.boolean; }},
    KeySpec{.path = "envelope.decimal_handling", .type = T::choice, .default_yaml = "precise",
            .doc = "DECIMAL/NUMERIC as Connect `Decimal` bytes, as a string, or as a double.",
            .choices = "precise|string|double",
            .apply = [](C& c, const V& v) { c.envelope.decimal = as_enum<event::DecimalHandling>(v); }},
    KeySpec{.path = "envelope.binary_handling", .type = T::choice, .default_yaml = "base64",
            .doc = "Encoding of binary columns.", .choices = "bytes|base64|base64-url-safe|hex",
            .apply = [](C& c, const V& v) { c.envelope.binary = as_enum<event::BinaryHandling>(v); }},
    KeySpec{.path = "envelope.bigint_unsigned_handling", .type = T::choice, .default_yaml = "long",
            .doc = "`long`: BIGINT UNSIGNED as int64; a value above 2^63-1 stops the agent with an error "
                   "naming the column. `precise`: as Connect `Decimal`.",
            .choices = "long|precise",
            .apply = [](C& c, const V& v) {
              c.envelope.bigint_unsigned = as_enum<event::BigintUnsignedHandling>(v);
            }},
    KeySpec{.path = "envelope.transaction_metadata", .type = T::boolean, .default_yaml = "false",
            .doc = "Add the `transaction` block to envelopes and publish BEGIN/END to "
                   "`<prefix>.transaction`.",
            .apply = [](C& c, const V& v) { c.envelope.transaction_metadata = v.boolean; }},

    KeySpec{.path = "heartbeat", .type = T::section, .doc = "Heartbeat messages."},
    KeySpec{.path = "heartbeat.interval_ms", .type = T::integer, .default_yaml = "10000",
            .doc = "Heartbeat period; 0 = off. On PostgreSQL it also keeps the slot advancing while "
                   "captured tables are idle.",
            .min = 0, .max = kMaxMillis, .apply = [](C& c, const V& v) { c.heartbeat.interval_ms = v.integer; }},

    KeySpec{.path = "state", .type = T::section, .doc = "Local state."},
    KeySpec{.path = "state.dir", .type = T::string, .default_note = "`/var/lib/cdc-agent/<name>`",
            .doc = "Offsets and schema history (MySQL); created if missing.",
            .apply = [](C& c, const V& v) { c.state.dir = v.text; }},

    KeySpec{.path = "metrics", .type = T::section, .doc = "Observability endpoint."},
    KeySpec{.path = "metrics.listen", .type = T::string, .default_yaml = "\"\"",
            .doc = "`HOST:PORT` serving Prometheus `/metrics`, `/healthz` and `/readyz`; empty = off.",
            .apply = [](C& c, const V& v) { c.metrics.listen = v.text; }},

    KeySpec{.path = "log", .type = T::section, .doc = "Logging to stderr."},
    KeySpec{.path = "log.level", .type = T::choice, .default_yaml = "info", .doc = "Least severe level logged.",
            .choices = "trace|debug|info|warn|error", .apply = [](C& c, const V& v) { c.log.level = v.text; }},
    KeySpec{.path = "log.format", .type = T::choice, .default_yaml = "text",
            .doc = "`text` lines, or one JSON object per line.", .choices = "text|json",
            .apply = [](C& c, const V& v) { c.log.format = v.text; }},

    KeySpec{.path = "shutdown_timeout_ms", .type = T::integer, .default_yaml = "30000",
            .doc = "After SIGTERM, how long to wait for Kafka to confirm delivery; past it the agent exits "
                   "75 without storing positions of undelivered events.",
            .min = 0, .max = kMaxMillis, .apply = [](C& c, const V& v) { c.shutdown_timeout_ms = v.integer; }},
};

}  // namespace

std::span<const KeySpec> config_keys() { return kKeys; }

const KeySpec* find_key(std::string_view path) {
  for (const auto& k : kKeys)
    if (k.path == path) return &k;
  return nullptr;
}

std::vector<std::string_view> split_choices(std::string_view choices) {
  std::vector<std::string_view> out;
  while (!choices.empty()) {
    size_t bar = choices.find('|');
    out.push_back(choices.substr(0, bar));
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return out;
}

}  // namespace cdc::config
