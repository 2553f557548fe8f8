// A message Kafka will never take (too large, not authorized) is a permanent failure: the delivery
// report names topic, partition and error, and the watermark never passes it even though later
// messages are delivered, so the agent stops (exit 70) without acknowledging past the lost row.
#include <gtest/gtest.h>

#include <string>

#include "sink_mock_cluster.h"

namespace cdc::test {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(SinkKafkaOversizedMessage, LargerThanMessageMaxBytesIsRefusedAndPinsTheWatermark) {
  MockCluster mc(3);
  mc.create_topic("shop.db.blobs", 1, {1});
  SinkUnderTest s(mock_conf(mc, {{"message.max.bytes", "10000"}}));

  for (uint64_t n = 0; n < 5; ++n) s.send_numbered(n, "shop.db.blobs");
  s.wm.commit(1);
  const uint64_t big_seq = s.wm.delivered_prefix() + s.wm.pending();  // the seq send_numbered takes next
  s.send_numbered(5, "shop.db.blobs", /*pad=*/20000);
  s.wm.commit(2);
  for (uint64_t n = 6; n < 10; ++n) s.send_numbered(n, "shop.db.blobs");
  s.wm.commit(3);
  s.sink.flush(10000);

  ASSERT_TRUE(s.wm.has_failure());
  EXPECT_EQ(s.wm.first_failure()->seq, big_seq);
  const std::string error = s.wm.first_failure()->error;
  RecordProperty("error", error);
  EXPECT_TRUE(contains(error, "shop.db.blobs")) << error;
  EXPECT_TRUE(contains(error, "MSG_SIZE_TOO_LARGE")) << error;
  EXPECT_TRUE(contains(error, "message.max.bytes")) << "names the setting to change: " << error;
  EXPECT_EQ(s.wm.ackable(), 1u) << "commits 2 and 3 lie behind the refused message";
  EXPECT_EQ(s.wm.pending(), 1u) << "everything else was delivered";
}

// The broker, not librdkafka, rejects the request (e.g. the topic's max.message.bytes is lower than
// the producer's): the failure arrives in the delivery report, with the partition.
TEST(SinkKafkaOversizedMessage, BrokerRejectionArrivesAsDeliveryErrorNamingThePartition) {
  MockCluster mc(3);
  mc.create_topic("shop.db.blobs", 2, {2});
  SinkUnderTest s(mock_conf(mc));

  s.send_numbered(0, "shop.db.blobs");
  s.wm.commit(1);
  ASSERT_TRUE(s.sink.flush(10000));
  ASSERT_EQ(s.wm.ackable(), 1u);

  rd_kafka_mock_push_request_errors(mc.get(), kProduceApiKey, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  s.send_numbered(1, "shop.db.blobs");
  s.wm.commit(2);
  s.sink.flush(10000);
  ASSERT_TRUE(s.wm.has_failure());
  const std::string error = s.wm.first_failure()->error;
  RecordProperty("error", error);
  EXPECT_TRUE(contains(error, "topic shop.db.blobs partition ")) << error;
  EXPECT_TRUE(contains(error, "MSG_SIZE_TOO_LARGE")) << error;

  // Later messages still go through, but the watermark stays below the failed one.
  s.send_numbered(2, "shop.db.blobs");
  s.wm.commit(3);
  ASSERT_TRUE(s.sink.flush(10000));
  EXPECT_EQ(s.wm.ackable(), 1u);
  EXPECT_EQ(s.wm.pending(), 1u);
}

TEST(SinkKafkaOversizedMessage, TopicAuthorizationFailureIsPermanentAndNamed) {
  MockCluster mc(3);
  mc.create_topic("shop.db.secret", 1, {3});
  SinkUnderTest s(mock_conf(mc));
  rd_kafka_mock_push_request_errors(mc.get(), kProduceApiKey, 1, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  s.send_numbered(0, "shop.db.secret");
  s.wm.commit(1);
  s.sink.flush(10000);
  ASSERT_TRUE(s.wm.has_failure());
  const std::string error = s.wm.first_failure()->error;
  RecordProperty("error", error);
  EXPECT_TRUE(contains(error, "topic shop.db.secret partition 0")) << error;
  EXPECT_TRUE(contains(error, "TOPIC_AUTHORIZATION_FAILED")) << error;
  EXPECT_TRUE(contains(error, "WRITE")) << "says which ACL is missing: " << error;
  EXPECT_FALSE(s.wm.ackable().has_value());
}

}  // namespace
}  // namespace cdc::test
