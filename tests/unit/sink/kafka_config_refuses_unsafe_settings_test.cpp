// The user's sink.kafka map is passed to librdkafka verbatim over safe defaults, except settings that
// would let a position pass a row Kafka might lose: those stop the agent with a config error (78)
// that names every offending key at once.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "sink/kafka_config.h"
#include "sink/kafka_sink.h"
#include "util/error.h"

namespace cdc {
namespace {

std::string get(rd_kafka_conf_t* conf, const char* key) {
  char buf[256];
  size_t n = sizeof buf;
  if (rd_kafka_conf_get(conf, key, buf, &n) != RD_KAFKA_CONF_OK) return "<unset>";
  return buf;
}

std::string config_error(const std::map<std::string, std::string>& user) {
  try {
    make_kafka_conf(user);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    return e.what();
  }
  ADD_FAILURE() << "expected a configuration error";
  return "";
}

TEST(KafkaConfig, DefaultsAreSafe) {
  KafkaConfPtr conf = make_kafka_conf({{"bootstrap.servers", "127.0.0.1:9092"}});
  EXPECT_EQ(get(conf.get(), "enable.idempotence"), "true");
  EXPECT_EQ(get(conf.get(), "compression.type"), "lz4");
  EXPECT_EQ(get(conf.get(), "linger.ms"), "5");
  EXPECT_EQ(get(conf.get(), "queue.buffering.max.messages"), "100000");
  EXPECT_EQ(get(conf.get(), "queue.buffering.max.kbytes"), "65536");
  EXPECT_EQ(get(conf.get(), "bootstrap.servers"), "127.0.0.1:9092");
  rd_kafka_topic_conf_t* topic = rd_kafka_conf_get_default_topic_conf(conf.get());
  ASSERT_NE(topic, nullptr);
  char buf[64];
  size_t n = sizeof buf;
  ASSERT_EQ(rd_kafka_topic_conf_get(topic, "acks", buf, &n), RD_KAFKA_CONF_OK);
  EXPECT_EQ(std::string(buf), "-1");  // librdkafka's spelling of all
  n = sizeof buf;
  ASSERT_EQ(rd_kafka_topic_conf_get(topic, "message.timeout.ms", buf, &n), RD_KAFKA_CONF_OK);
  EXPECT_EQ(std::string(buf), "0");
}

TEST(KafkaConfig, UserValuesOverrideDefaults) {
  KafkaConfPtr conf = make_kafka_conf({{"compression.type", "zstd"}, {"linger.ms", "50"}, {"acks", "all"}});
  EXPECT_EQ(get(conf.get(), "compression.type"), "zstd");
  EXPECT_EQ(get(conf.get(), "linger.ms"), "50");
}

TEST(KafkaConfig, RefusesDisablingIdempotence) {
  std::string e = config_error({{"enable.idempotence", "false"}});
  EXPECT_NE(e.find("sink.kafka.enable.idempotence"), std::string::npos) << e;
}

TEST(KafkaConfig, RefusesAcksOtherThanAll) {
  EXPECT_NE(config_error({{"acks", "1"}}).find("sink.kafka.acks: must be all (got 1)"), std::string::npos);
  EXPECT_NE(config_error({{"request.required.acks", "0"}}).find("sink.kafka.request.required.acks"),
            std::string::npos);
  EXPECT_NO_THROW(make_kafka_conf({{"acks", "-1"}}));
}

TEST(KafkaConfig, RefusesTransactionalProducer) {
  EXPECT_NE(config_error({{"transactional.id", "x"}}).find("sink.kafka.transactional.id"), std::string::npos);
}

TEST(KafkaConfig, ReportsEveryProblemAtOnce) {
  std::string e = config_error({{"acks", "0"}, {"enable.idempotence", "false"}, {"no.such.property", "1"},
                                {"linger.ms", "not-a-number"}});
  EXPECT_NE(e.find("sink.kafka.acks"), std::string::npos) << e;
  EXPECT_NE(e.find("sink.kafka.enable.idempotence"), std::string::npos) << e;
  EXPECT_NE(e.find("sink.kafka.no.such.property"), std::string::npos) << e;
  EXPECT_NE(e.find("sink.kafka.linger.ms"), std::string::npos) << e;
}

TEST(KafkaConfig, ConflictsLibrdkafkaFindsAreConfigErrorsToo) {
  // Valid one by one, but librdkafka refuses more than 5 in-flight requests with idempotence.
  try {
    KafkaSink sink(std::map<std::string, std::string>{{"max.in.flight.requests.per.connection", "10"}});
    FAIL() << "expected a configuration error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    EXPECT_NE(std::string(e.what()).find("max.in.flight"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cdc
