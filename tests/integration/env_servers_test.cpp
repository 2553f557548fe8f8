// The test environment (tests/env/up) gives working servers: an idempotent acks=all producer
// round-trips through the dev Kafka cluster (read back by librdkafka and by kcat), production
// survives a broker going down and up, and PostgreSQL / MariaDB accept and return a marker row
// with the settings CDC needs (logical WAL, full row-based binlog).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "tests/support/dev_kafka.h"
#include "tests/support/test_env.h"

namespace cdc::test {
namespace {

using namespace std::chrono_literals;

// Unique per run, so reruns against long-lived (external) servers never see old data.
std::string unique_name(const std::string& prefix) {
  return prefix + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000007);
}

// Runs a shell command and returns its stdout.
std::string run(const std::string& cmd) {
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen((cmd + " </dev/null").c_str(), "r"), &pclose);
  if (!pipe) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe.get())) > 0;) out.append(buf, n);
  return out;
}

std::multiset<std::string> lines_of(const std::string& text) {
  std::multiset<std::string> lines;
  for (size_t pos = 0, nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1)
    lines.insert(text.substr(pos, nl - pos));
  return lines;
}

class EnvServers : public EnvTest {};

TEST_F(EnvServers, IdempotentProducerRoundTripsThroughKafkaAndKcat) {
  const std::string topic = unique_name("env_roundtrip");
  const int n = 300;
  if (!env.kafka_control().empty()) {
    EXPECT_EQ(KafkaControl(env.kafka_control()).send("ping"), "ok");
  }
  TestProducer producer(env.kafka_bootstrap());
  std::multiset<std::string> sent;
  for (int i = 0; i < n; ++i) {
    const std::string key = "k" + std::to_string(i), value = "value-" + std::to_string(i * 7);
    producer.send(topic, RD_KAFKA_PARTITION_UA, key, value, {{"seq", std::to_string(i)}});
    sent.insert(key + "\t" + value);
  }
  ASSERT_TRUE(producer.flush(60s)) << producer.outstanding() << " messages undelivered";
  EXPECT_EQ(producer.delivered, n);
  EXPECT_EQ(producer.failed, 0);

  const auto records = consume_topic(env.kafka_bootstrap(), topic, 30s, n);
  ASSERT_EQ(records.size(), static_cast<size_t>(n));
  std::multiset<std::string> got;
  for (const auto& r : records) {
    ASSERT_TRUE(r.key && r.value);
    got.insert(*r.key + "\t" + *r.value);
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].first, "seq");
    EXPECT_EQ("k" + r.headers[0].second.value_or("?"), *r.key);
  }
  EXPECT_EQ(got, sent);

  const std::string kcat_out =
      run("kcat -C -q -e -b '" + env.kafka_bootstrap() + "' -t " + topic + " -f '%k\\t%s\\n'");
  EXPECT_EQ(lines_of(kcat_out), sent);
  const std::string meta = run("kcat -L -b '" + env.kafka_bootstrap() + "' -t " + topic);
  EXPECT_NE(meta.find("topic \"" + topic + "\""), std::string::npos) << meta;
}

// Uses a private cluster: stopping a broker of the shared one would stall the tests that ctest
// runs next to this one.
TEST(EnvDevKafka, ProductionCompletesAfterBrokerGoesDownAndUp) {
  DevKafka kafka;
  const KafkaControl control = kafka.control();
  const std::string topic = unique_name("env_broker_down");
  control.create_topic(topic, 3, 3);
  // Partition p is led by broker p+1, so stopping broker 1 stalls partition 0 alone.
  for (int p = 0; p < 3; ++p)
    control.must("leader " + topic + " " + std::to_string(p) + " " + std::to_string(p + 1));

  TestProducer producer(kafka.bootstrap());
  const int per_batch = 60;
  for (int i = 0; i < per_batch; ++i)
    producer.send(topic, i % 3, "a" + std::to_string(i), "before");
  ASSERT_TRUE(producer.flush(30s));

  control.broker_down(1);
  for (int i = 0; i < per_batch; ++i)
    producer.send(topic, i % 3, "b" + std::to_string(i), "during");
  for (int i = 0; i < 20; ++i) {  // give the reachable partitions time to deliver
    producer.poll();
    std::this_thread::sleep_for(50ms);
  }
  // Exactly partition 0's records wait: their leader is down, the others' are not.
  EXPECT_EQ(producer.outstanding(), per_batch / 3);
  control.broker_up(1);

  ASSERT_TRUE(producer.flush(60s)) << producer.outstanding() << " records undelivered";
  EXPECT_EQ(producer.delivered, 2 * per_batch);
  EXPECT_EQ(producer.failed, 0);
  const auto records = consume_topic(kafka.bootstrap(), topic, 30s, 2 * per_batch);
  std::set<std::string> keys;
  for (const auto& r : records) keys.insert(r.key.value_or(""));
  EXPECT_EQ(records.size(), static_cast<size_t>(2 * per_batch)) << "idempotence: no duplicates";
  EXPECT_EQ(keys.size(), static_cast<size_t>(2 * per_batch));
}

TEST_F(EnvServers, PostgresStoresMarkerRowAndHasLogicalWal) {
  PgConn pg(env.pg_conninfo());
  EXPECT_EQ(pg.scalar("SHOW wal_level"), "logical");
  EXPECT_GE(std::stoi(pg.scalar("SHOW max_replication_slots")), 10);
  EXPECT_GE(std::stoi(pg.scalar("SHOW max_wal_senders")), 10);
  const std::string marker = unique_name("marker");
  pg.exec("CREATE TABLE IF NOT EXISTS env_marker (id bigserial PRIMARY KEY, note text NOT NULL)");
  pg.exec("INSERT INTO env_marker (note) VALUES ('" + marker + "')");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM env_marker WHERE note = '" + marker + "'"), "1");
  EXPECT_EQ(pg.scalar("SELECT rolreplication::text FROM pg_roles WHERE rolname = current_user"),
            "true");
}

TEST_F(EnvServers, MariaDbStoresMarkerRowAndWritesFullRowBinlog) {
  MysqlConn my(env.mysql());
  const Rows vars =
      my.query("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata");
  ASSERT_EQ(vars.size(), 1u);
  EXPECT_EQ(vars[0][0].value_or(""), "1");
  EXPECT_EQ(vars[0][1].value_or(""), "ROW");
  EXPECT_EQ(vars[0][2].value_or(""), "FULL");
  EXPECT_EQ(vars[0][3].value_or(""), "FULL");
  const std::string marker = unique_name("marker");
  my.exec(
      "CREATE TABLE IF NOT EXISTS env_marker (id BIGINT AUTO_INCREMENT PRIMARY KEY, note "
      "VARCHAR(100) NOT NULL)");
  my.exec("INSERT INTO env_marker (note) VALUES ('" + marker + "')");
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM env_marker WHERE note = '" + marker + "'"), "1");
  // The cdc user can read the binlog position (REPLICATION CLIENT / BINLOG MONITOR).
  EXPECT_FALSE(my.query("SHOW MASTER STATUS").empty());
}

}  // namespace
}  // namespace cdc::test
