// A minimal configuration gets CONTRACT.md's defaults, including the ones computed from other keys.
#include <gtest/gtest.h>

#include "config/config.h"

namespace cdc {
namespace {

constexpr const char* kMinimalMysql = R"(name: shop
source:
  type: mysql
  host: 127.0.0.1
  user: cdc
  mysql:
    server_id: 5401
)";

constexpr const char* kMinimalPostgres = R"(name: Shop-EU.1
source:
  type: postgres
  host: db.internal
  user: cdc
  database: shop
)";

TEST(ConfigDefaults, MinimalMysqlGetsContractDefaults) {
  Config c = parse_config(kMinimalMysql);
  EXPECT_EQ(c.name, "shop");
  EXPECT_EQ(c.source.type, SourceType::mysql);
  EXPECT_EQ(c.source.port, 3306);
  EXPECT_EQ(c.source.mysql.server_id, 5401u);
  EXPECT_EQ(c.source.password, "");
  EXPECT_EQ(c.source.database, "");
  EXPECT_EQ(c.source.tls.mode, TlsMode::disable);
  EXPECT_EQ(c.source.snapshot, SnapshotMode::initial);
  EXPECT_TRUE(c.source.include_tables.empty());
  EXPECT_EQ(c.sink.type, SinkType::stdout_);
  EXPECT_EQ(c.sink.topic_prefix, "shop");
  EXPECT_TRUE(c.sink.kafka.empty());
  EXPECT_EQ(c.envelope.prefix, "shop");
  EXPECT_TRUE(c.envelope.schemas);
  EXPECT_TRUE(c.envelope.tombstones);
  EXPECT_EQ(c.envelope.decimal, event::DecimalHandling::precise);
  EXPECT_EQ(c.envelope.binary, event::BinaryHandling::base64);
  EXPECT_EQ(c.envelope.bigint_unsigned, event::BigintUnsignedHandling::long_);
  EXPECT_FALSE(c.envelope.transaction_metadata);
  EXPECT_EQ(c.heartbeat.interval_ms, 10000);
  EXPECT_EQ(c.source.postgres.read_wait_us, 250);
  EXPECT_EQ(c.state.dir, "/var/lib/cdc-agent/shop");
  EXPECT_EQ(c.metrics.listen, "");
  EXPECT_EQ(c.log.level, "info");
  EXPECT_EQ(c.log.format, "text");
  EXPECT_EQ(c.shutdown_timeout_ms, 30000);
}

TEST(ConfigDefaults, PostgresPortSlotAndPublicationFollowName) {
  Config c = parse_config(kMinimalPostgres);
  EXPECT_EQ(c.source.port, 5432);
  EXPECT_EQ(c.source.postgres.slot, "cdc_shop_eu_1");
  EXPECT_EQ(c.source.postgres.publication, "cdc_shop_eu_1");
  EXPECT_EQ(c.sink.topic_prefix, "Shop-EU.1");
}

TEST(ConfigDefaults, DefaultSlotNameSanitises) {
  EXPECT_EQ(default_slot_name("shop"), "cdc_shop");
  EXPECT_EQ(default_slot_name("Shop.EU-1"), "cdc_shop_eu_1");
  EXPECT_EQ(default_slot_name("a_b"), "cdc_a_b");
}

TEST(ConfigDefaults, ExplicitValuesOverrideDefaults) {
  Config c = parse_config(R"(name: shop
source:
  type: postgres
  host: h
  port: 6432
  user: cdc
  database: shop
  snapshot: when_needed
  tls: {mode: verify-full, ca: /etc/ca.pem, cert: /etc/c.pem, key: /etc/k.pem}
  postgres: {slot: my_slot}
sink:
  type: kafka
  topic_prefix: dc1.shop
  kafka:
    bootstrap.servers: k1:9092,k2:9092
    linger.ms: 5
    enable.idempotence: true
envelope:
  schemas: false
  tombstones: no
  decimal_handling: string
  binary_handling: base64-url-safe
  bigint_unsigned_handling: precise
  transaction_metadata: true
heartbeat: {interval_ms: 0}
state: {dir: /srv/cdc}
metrics: {listen: "[::1]:9187"}
log: {level: debug, format: json}
shutdown_timeout_ms: 5000
)");
  EXPECT_EQ(c.source.port, 6432);
  EXPECT_EQ(c.source.snapshot, SnapshotMode::when_needed);
  EXPECT_EQ(c.source.tls.mode, TlsMode::verify_full);
  EXPECT_EQ(c.source.tls.key, "/etc/k.pem");
  EXPECT_EQ(c.source.postgres.slot, "my_slot");
  EXPECT_EQ(c.source.postgres.publication, "my_slot");
  EXPECT_EQ(c.sink.type, SinkType::kafka);
  EXPECT_EQ(c.envelope.prefix, "dc1.shop");
  EXPECT_EQ(c.sink.kafka.at("bootstrap.servers"), "k1:9092,k2:9092");
  EXPECT_EQ(c.sink.kafka.at("linger.ms"), "5");
  EXPECT_EQ(c.sink.kafka.at("enable.idempotence"), "true");
  EXPECT_FALSE(c.envelope.schemas);
  EXPECT_FALSE(c.envelope.tombstones);
  EXPECT_EQ(c.envelope.decimal, event::DecimalHandling::string);
  EXPECT_EQ(c.envelope.binary, event::BinaryHandling::base64_url_safe);
  EXPECT_EQ(c.envelope.bigint_unsigned, event::BigintUnsignedHandling::precise);
  EXPECT_TRUE(c.envelope.transaction_metadata);
  EXPECT_EQ(c.heartbeat.interval_ms, 0);
  EXPECT_EQ(c.state.dir, "/srv/cdc");
  EXPECT_EQ(c.metrics.listen, "[::1]:9187");
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.format, "json");
  EXPECT_EQ(c.shutdown_timeout_ms, 5000);
}

TEST(ConfigDefaults, NullValueMeansDefault) {
  Config c = parse_config(std::string(kMinimalMysql) + "heartbeat:\n  interval_ms:\nsink:\n");
  EXPECT_EQ(c.heartbeat.interval_ms, 10000);
  EXPECT_EQ(c.sink.type, SinkType::stdout_);
}

TEST(ConfigDefaults, EveryChoiceValueMapsToItsEnum) {
  const std::pair<const char*, event::BinaryHandling> cases[] = {
      {"bytes", event::BinaryHandling::bytes},
      {"base64", event::BinaryHandling::base64},
      {"base64-url-safe", event::BinaryHandling::base64_url_safe},
      {"hex", event::BinaryHandling::hex},
  };
  for (const auto& [text, expected] : cases) {
    Config c = parse_config(std::string(kMinimalMysql) + "envelope:\n  binary_handling: " + text + "\n");
    EXPECT_EQ(c.envelope.binary, expected) << text;
  }
  const std::pair<const char*, SnapshotMode> snapshots[] = {
      {"initial", SnapshotMode::initial},
      {"never", SnapshotMode::never},
      {"initial_only", SnapshotMode::initial_only},
      {"when_needed", SnapshotMode::when_needed},
  };
  for (const auto& [text, expected] : snapshots) {
    Config s = parse_config(R"(name: x
source: {type: mysql, host: h, user: u, mysql: {server_id: 1}, snapshot: )" +
                            std::string(text) + "}\n");
    EXPECT_EQ(s.source.snapshot, expected) << text;
  }
}

}  // namespace
}  // namespace cdc
