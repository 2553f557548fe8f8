// Destroying the sink while messages are still unsent (Kafka down, shutdown timeout passed) must
// free them without reporting them delivered, and must not hang. The payloads are lent to
// librdkafka rather than copied, so this is where a leak or use-after-free would show (run it under
// CDC_SANITIZE=address to see either).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "sink_mock_cluster.h"

namespace cdc::test {
namespace {

TEST(SinkKafkaShutdown, UnsentMessagesAreReleasedNotReportedDelivered) {
  MockCluster mc(3);
  mc.create_topic("shop.db.t", 2, {1, 2});
  rd_kafka_mock_broker_set_down(mc.get(), 1);
  rd_kafka_mock_broker_set_down(mc.get(), 2);
  auto s = std::make_unique<SinkUnderTest>(mock_conf(mc));
  int delivered = 0;
  s->sink.on_delivery = [&](uint64_t, const std::string* error) { delivered += error == nullptr; };
  for (uint64_t n = 0; n < 500; ++n) s->send_numbered(n, "shop.db.t");
  EXPECT_FALSE(s->sink.flush(300));
  EXPECT_GT(s->sink.in_flight(), 0u);

  auto started = std::chrono::steady_clock::now();
  s.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(6));
  EXPECT_EQ(delivered, 0);
}

}  // namespace
}  // namespace cdc::test
