// cdc-dev-kafka's control port does what fault tests rely on: injected produce errors reach the
// producer (retriable ones are retried without loss or duplicates, permanent ones fail the
// delivery), added round-trip time slows deliveries, and malformed commands answer "error".
// Each test runs its own private cluster (DevKafka), so nothing here disturbs other tests.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>

#include "tests/support/dev_kafka.h"

namespace cdc::test {
namespace {

using namespace std::chrono_literals;

TEST(EnvDevKafkaControl, RetriableProduceErrorsAreRetriedWithoutLossOrDuplicates) {
  DevKafka kafka;
  const KafkaControl control = kafka.control();
  control.create_topic("retried", 1, 3);
  control.push_errors("Produce", 3,
                      "NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT NOT_ENOUGH_REPLICAS");

  TestProducer producer(kafka.bootstrap());
  const int n = 50;
  for (int i = 0; i < n; ++i) producer.send("retried", 0, "k", std::to_string(i));
  ASSERT_TRUE(producer.flush(30s));
  EXPECT_EQ(producer.delivered, n);
  EXPECT_EQ(producer.failed, 0);

  const auto records = consume_topic(kafka.bootstrap(), "retried", 20s, n);
  ASSERT_EQ(records.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(records[i].value, std::to_string(i)) << "order kept at " << i;
}

TEST(EnvDevKafkaControl, PermanentProduceErrorFailsTheDelivery) {
  DevKafka kafka;
  const KafkaControl control = kafka.control();
  control.create_topic("rejected", 1, 3);
  control.push_errors("0", 1, "INVALID_RECORD");

  TestProducer producer(kafka.bootstrap());
  producer.send("rejected", 0, "k", "refused");
  ASSERT_TRUE(producer.flush(30s));
  EXPECT_EQ(producer.failed, 1);
  EXPECT_EQ(producer.last_error, RD_KAFKA_RESP_ERR_INVALID_RECORD);
  EXPECT_EQ(producer.delivered, 0);
}

TEST(EnvDevKafkaControl, AddedRoundTripTimeDelaysDelivery) {
  DevKafka kafka;
  const KafkaControl control = kafka.control();
  control.create_topic("slow", 1, 3);
  TestProducer producer(kafka.bootstrap());
  producer.send("slow", 0, "k", "warm-up");  // connects and fetches metadata before timing
  ASSERT_TRUE(producer.flush(30s));

  for (int broker = 1; broker <= 3; ++broker) control.set_rtt(broker, 400);
  const auto start = std::chrono::steady_clock::now();
  producer.send("slow", 0, "k", "delayed");
  ASSERT_TRUE(producer.flush(30s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 350ms);
  EXPECT_EQ(producer.delivered, 2);
}

TEST(EnvDevKafkaControl, MalformedCommandsAnswerError) {
  DevKafka kafka;
  const KafkaControl control = kafka.control();
  EXPECT_EQ(control.send("ping"), "ok");
  EXPECT_EQ(control.send("bootstrap"), "ok " + kafka.bootstrap());
  EXPECT_TRUE(control.send("no-such-command").starts_with("error unknown command"));
  EXPECT_TRUE(control.send("broker-down 9").starts_with("error"));
  EXPECT_TRUE(control.send("push-errors Produce 2 NOT_AN_ERROR").starts_with("error"));
  EXPECT_TRUE(control.send("push-errors Produce 3 6 7").starts_with("error usage"));
  EXPECT_TRUE(control.send("create-topic t 0 1").starts_with("error usage"));
  EXPECT_THROW(control.must("rtt one 5"), std::runtime_error);
}

}  // namespace
}  // namespace cdc::test
