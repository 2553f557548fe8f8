// Partition leaders go down in the middle of a stream. While they are down the watermark must not
// advance (no position may pass an unconfirmed row); once they are back it must catch up to the
// last commit, and every message must be in its topic exactly once, in per-key order.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sink_mock_cluster.h"

namespace cdc::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kMessages = 20000;
constexpr int kTopics = 4;
constexpr int kPartitions = 3;
constexpr uint64_t kCommitEvery = 7;

std::string topic_of(uint64_t n) { return "shop.db.t" + std::to_string(n % kTopics); }

TEST(SinkKafkaBrokerDown, WatermarkStallsWhileLeadersAreDownThenCatchesUpWithoutLoss) {
  MockCluster mc(3);
  // Brokers 1 and 2 lead every partition; broker 3 stays up and keeps answering metadata.
  for (int t = 0; t < kTopics; ++t) mc.create_topic("shop.db.t" + std::to_string(t), kPartitions, {1, 2});
  SinkUnderTest s(mock_conf(mc));

  uint64_t committed = 0;
  auto produce = [&](uint64_t from, uint64_t to) {
    for (uint64_t n = from; n < to; ++n) {
      s.send_numbered(n, topic_of(n));
      if ((n + 1) % kCommitEvery == 0) {
        committed = n + 1;
        s.wm.commit(committed);
        if (n % 5 == 0) s.wm.commit(committed);  // an empty transaction (e.g. a heartbeat) right after
      }
      if (n % 256 == 0) s.sink.poll(0);
    }
  };

  produce(0, 8000);
  ASSERT_TRUE(s.sink.flush(10000));
  ASSERT_EQ(s.wm.ackable(), committed) << "healthy cluster: everything committed is ackable";

  rd_kafka_mock_broker_set_down(mc.get(), 1);
  rd_kafka_mock_broker_set_down(mc.get(), 2);
  produce(8000, 14000);
  // Let requests that were already on the wire settle, then the watermark must stand still.
  for (auto until = Clock::now() + std::chrono::milliseconds(500); Clock::now() < until;) s.sink.poll(50);
  const auto stalled_at = s.wm.ackable();
  int samples = 0;
  for (auto until = Clock::now() + std::chrono::seconds(2); Clock::now() < until; ++samples) {
    s.sink.poll(50);
    ASSERT_EQ(s.wm.ackable(), stalled_at) << "the watermark advanced while every leader was down";
  }
  EXPECT_GT(samples, 10);
  EXPECT_LT(*stalled_at, committed) << "nothing produced while down may be ackable";
  EXPECT_GT(s.wm.pending(), 0u);
  EXPECT_FALSE(s.wm.has_failure()) << "an outage is not a delivery failure: " << s.wm.first_failure()->error;

  rd_kafka_mock_broker_set_up(mc.get(), 1);
  rd_kafka_mock_broker_set_up(mc.get(), 2);
  produce(14000, kMessages);
  ASSERT_TRUE(s.sink.flush(20000)) << s.sink.in_flight() << " messages still in flight";
  EXPECT_FALSE(s.wm.has_failure());
  EXPECT_EQ(s.wm.pending(), 0u);
  EXPECT_EQ(s.wm.ackable(), committed) << "caught up to the last commit";

  size_t duplicates = 0;
  for (int t = 0; t < kTopics; ++t) {
    std::vector<uint64_t> expected;
    for (uint64_t n = t; n < kMessages; n += kTopics) expected.push_back(n);
    duplicates += verify_numbered(mc, "shop.db.t" + std::to_string(t), kPartitions, expected);
  }
  RecordProperty("duplicates", static_cast<int>(duplicates));
  EXPECT_EQ(duplicates, 0u) << "the idempotent producer should have prevented duplicates";
}

}  // namespace
}  // namespace cdc::test
