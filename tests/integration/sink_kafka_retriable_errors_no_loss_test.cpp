// Brokers answer Produce requests with retriable errors (leader moved, not enough replicas, request
// timed out) over and over. librdkafka retries them; none may surface as a failure, be lost or be
// written twice, and the watermark must end at the last commit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sink_mock_cluster.h"

namespace cdc::test {
namespace {

constexpr uint64_t kMessages = 10000;
constexpr int kPartitions = 3;

TEST(SinkKafkaRetriableErrors, InjectedProduceErrorsAreRetriedWithoutLossOrDuplicates) {
  MockCluster mc(3);
  mc.create_topic("shop.db.a", kPartitions, {1, 2, 3});
  mc.create_topic("shop.db.b", kPartitions, {3, 1, 2});
  SinkUnderTest s(mock_conf(mc, {{"retry.backoff.ms", "10"}}));

  const rd_kafka_resp_err_t retriable[] = {
      RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
      RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  };
  uint64_t committed = 0;
  int injected = 0;
  for (uint64_t n = 0; n < kMessages; ++n) {
    if (n % 500 == 250) {
      // The next few Produce requests, whichever broker gets them, fail with these.
      rd_kafka_mock_push_request_errors_array(mc.get(), kProduceApiKey, std::size(retriable), retriable);
      injected += std::size(retriable);
    }
    s.send_numbered(n, n % 2 ? "shop.db.b" : "shop.db.a");
    if (n % 5 == 4) s.wm.commit(committed = n + 1);
    if (n % 100 == 0) s.sink.poll(1);  // let batches go out between injections
  }
  ASSERT_TRUE(s.sink.flush(20000)) << s.sink.in_flight() << " messages still in flight";
  EXPECT_FALSE(s.wm.has_failure()) << s.wm.first_failure()->error;
  EXPECT_EQ(s.wm.pending(), 0u);
  EXPECT_EQ(s.wm.ackable(), committed);
  RecordProperty("injected_errors", injected);

  std::vector<uint64_t> a, b;
  for (uint64_t n = 0; n < kMessages; ++n) (n % 2 ? b : a).push_back(n);
  EXPECT_EQ(verify_numbered(mc, "shop.db.a", kPartitions, a), 0u) << "duplicates in shop.db.a";
  EXPECT_EQ(verify_numbered(mc, "shop.db.b", kPartitions, b), 0u) << "duplicates in shop.db.b";
}

}  // namespace
}  // namespace cdc::test
