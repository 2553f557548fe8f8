#include "config/derived.h"

#include <cctype>

#include "util/parse_number.h"

namespace cdc::config {
namespace {

constexpr size_t kMaxPgIdentifier = 63;  // NAMEDATALEN - 1

// Kafka topic names allow [a-zA-Z0-9._-]; name and topic_prefix become part of every topic name.
bool valid_topic_part(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

bool valid_slot(std::string_view s) {
  if (s.empty() || s.size() > kMaxPgIdentifier) return false;
  for (unsigned char c : s)
    if (!(std::islower(c) || std::isdigit(c) || c == '_')) return false;
  return true;
}

// HOST:PORT or [IPv6]:PORT, port 1..65535; an IPv6 address needs its brackets ("::1:9187" is not one).
bool valid_listen(std::string_view s) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view host = s.substr(0, colon);
  if (host.front() == '[' ? host.back() != ']' : host.find(':') != std::string_view::npos) return false;
  std::string_view port = s.substr(colon + 1);
  unsigned value = 0;
  return parse_number(port, value) && value >= 1 && value <= 65535;
}

void derive_defaults(Config& cfg, const Diagnostics& d) {
  if (!d.given("source.port")) cfg.source.port = cfg.source.type == SourceType::mysql ? 3306 : 5432;
  if (!d.given("sink.topic_prefix")) cfg.sink.topic_prefix = cfg.name;
  cfg.envelope.prefix = cfg.sink.topic_prefix;
  if (!d.given("source.postgres.slot")) cfg.source.postgres.slot = default_slot_name(cfg.name);
  if (!d.given("source.postgres.publication")) cfg.source.postgres.publication = cfg.source.postgres.slot;
  if (!d.given("state.dir")) cfg.state.dir = "/var/lib/cdc-agent/" + cfg.name;
}

void check_not_empty(Diagnostics& d, std::string_view path, const std::string& value) {
  if (d.valid(path) && value.empty()) d.error(d.line_of(path), path, "must not be empty");
}

void check_names(const Config& cfg, Diagnostics& d) {
  check_not_empty(d, "name", cfg.name);
  check_not_empty(d, "source.host", cfg.source.host);
  check_not_empty(d, "source.user", cfg.source.user);
  if (d.valid("name") && !cfg.name.empty() && !valid_topic_part(cfg.name))
    d.error(d.line_of("name"), "name",
            "'" + cfg.name + "' may only contain letters, digits, '.', '_' and '-' (it is part of topic names)");
  if (d.valid("sink.topic_prefix") && !valid_topic_part(cfg.sink.topic_prefix))
    d.error(d.line_of("sink.topic_prefix"), "sink.topic_prefix",
            "'" + cfg.sink.topic_prefix + "' may only contain letters, digits, '.', '_' and '-'");
}

void check_postgres(const Config& cfg, Diagnostics& d) {
  if (cfg.source.type != SourceType::postgres) return;
  check_not_empty(d, "source.database", cfg.source.database);
  const auto& pg = cfg.source.postgres;
  if (d.given("source.postgres.slot")) {
    if (d.valid("source.postgres.slot") && !valid_slot(pg.slot))
      d.error(d.line_of("source.postgres.slot"), "source.postgres.slot",
              "'" + pg.slot + "' must be 1 to 63 characters of [a-z0-9_]");
  } else if (d.valid("name") && pg.slot.size() > kMaxPgIdentifier) {
    d.error(d.line_of("source.postgres.slot"), "source.postgres.slot",
            "the default '" + pg.slot + "' is longer than 63 characters; set a shorter slot name");
  }
  if (d.valid("source.postgres.publication") && (pg.publication.empty() || pg.publication.size() > kMaxPgIdentifier))
    d.error(d.line_of("source.postgres.publication"), "source.postgres.publication", "must be 1 to 63 characters");
}

// A section for the other database is almost always a copy-paste mistake; say so instead of ignoring it.
void check_source_sections(const Config& cfg, Diagnostics& d) {
  if (!d.valid("source.type")) return;
  bool mysql = cfg.source.type == SourceType::mysql;
  const char* other = mysql ? "source.postgres" : "source.mysql";
  if (d.given(other))
    d.error(d.line_of(other), other,
            std::string("only applies when source.type is ") + (mysql ? "postgres" : "mysql"));
}

void check_tls(const Config& cfg, Diagnostics& d) {
  const auto& tls = cfg.source.tls;
  if (tls.mode == TlsMode::disable) {
    for (const char* key : {"source.tls.ca", "source.tls.cert", "source.tls.key"})
      if (d.given(key)) d.error(d.line_of(key), key, "has no effect while source.tls.mode is disable");
    return;
  }
  if (!tls.cert.empty() && tls.key.empty())
    d.error(d.line_of("source.tls.cert"), "source.tls.key", "required when source.tls.cert is set");
  if (tls.cert.empty() && !tls.key.empty())
    d.error(d.line_of("source.tls.key"), "source.tls.cert", "required when source.tls.key is set");
}

void check_sink(const Config& cfg, Diagnostics& d) {
  if (!d.valid("sink.type") || cfg.sink.type != SinkType::kafka) return;
  auto it = cfg.sink.kafka.find("bootstrap.servers");
  if (it == cfg.sink.kafka.end() || it->second.empty())
    d.error(d.line_of("sink.kafka"), "sink.kafka.bootstrap.servers", "required when sink.type is kafka");
}

void check_metrics(const Config& cfg, Diagnostics& d) {
  if (d.valid("metrics.listen") && !cfg.metrics.listen.empty() && !valid_listen(cfg.metrics.listen))
    d.error(d.line_of("metrics.listen"), "metrics.listen",
            "'" + cfg.metrics.listen + "' is not HOST:PORT (e.g. 127.0.0.1:9187); empty turns metrics off");
}

}  // namespace

void derive_and_check(Config& cfg, Diagnostics& d) {
  derive_defaults(cfg, d);
  check_names(cfg, d);
  check_postgres(cfg, d);
  check_source_sections(cfg, d);
  check_tls(cfg, d);
  check_sink(cfg, d);
  check_metrics(cfg, d);
}

}  // namespace cdc::config
