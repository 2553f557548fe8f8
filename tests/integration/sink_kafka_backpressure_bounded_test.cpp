// With a tiny producer queue and slow brokers, send() must block (serving delivery reports) instead
// of dropping or buffering without bound; everything is delivered in the end.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "sink_mock_cluster.h"

namespace cdc::test {
namespace {

constexpr uint64_t kMessages = 1500;
constexpr uint64_t kQueueMax = 50;

TEST(SinkKafkaBackpressure, SendBlocksOnAFullQueueAndKeepsMemoryBounded) {
  MockCluster mc(3);
  mc.create_topic("shop.db.slow", 3, {1, 2, 3});
  for (int32_t b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_rtt(mc.get(), b, 50);
  SinkUnderTest s(mock_conf(mc, {{"queue.buffering.max.messages", std::to_string(kQueueMax)}}));

  uint64_t max_pending = 0;
  size_t max_in_flight = 0;
  auto started = std::chrono::steady_clock::now();
  for (uint64_t n = 0; n < kMessages; ++n) {
    s.send_numbered(n, "shop.db.slow");
    s.wm.commit(n + 1);
    // Every message accepted but not yet reported is in librdkafka's bounded queue, nowhere else.
    max_pending = std::max(max_pending, s.wm.pending());
    max_in_flight = std::max(max_in_flight, s.sink.in_flight());
  }
  ASSERT_TRUE(s.sink.flush(20000));
  auto took = std::chrono::steady_clock::now() - started;

  EXPECT_GT(s.sink.queue_full_waits(), 0u) << "the queue never filled: the test exercised nothing";
  EXPECT_LE(max_pending, kQueueMax);
  RecordProperty("max_pending", static_cast<int>(max_pending));
  RecordProperty("max_in_flight", static_cast<int>(max_in_flight));
  RecordProperty("queue_full_waits", static_cast<int>(s.sink.queue_full_waits()));
  RecordProperty("ms", static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  EXPECT_FALSE(s.wm.has_failure()) << s.wm.first_failure()->error;
  EXPECT_EQ(s.wm.pending(), 0u);
  EXPECT_EQ(s.wm.ackable(), kMessages);

  for (int32_t b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_rtt(mc.get(), b, 0);  // fast read-back
  std::vector<uint64_t> all(kMessages);
  for (uint64_t n = 0; n < kMessages; ++n) all[n] = n;
  EXPECT_EQ(verify_numbered(mc, "shop.db.slow", 3, all), 0u);
}

}  // namespace
}  // namespace cdc::test
