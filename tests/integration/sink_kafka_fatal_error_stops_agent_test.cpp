// A fatal producer error (the idempotent producer can no longer guarantee order or no-duplicates)
// must stop the agent with exit 70, and no position may pass the messages it affected.
#include <gtest/gtest.h>

#include <string>

#include "sink_mock_cluster.h"
#include "util/error.h"

namespace cdc::test {
namespace {

constexpr int16_t kInitProducerIdApiKey = 22;

// Polls until the sink throws; returns the error, or fails the test.
std::string poll_until_fatal(SinkUnderTest& s) {
  for (int i = 0; i < 100; ++i) {
    try {
      s.sink.poll(100);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::internal);
      return e.what();
    }
  }
  ADD_FAILURE() << "no fatal error within 10 s";
  return "";
}

TEST(SinkKafkaFatalError, MissingIdempotentWritePermissionStopsTheAgent) {
  MockCluster mc(3);
  mc.create_topic("shop.db.t", 1, {1});
  rd_kafka_mock_push_request_errors(mc.get(), kInitProducerIdApiKey, 1,
                                    RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED);
  SinkUnderTest s(mock_conf(mc));
  s.send_numbered(0, "shop.db.t");
  s.wm.commit(1);
  std::string error = poll_until_fatal(s);
  EXPECT_NE(error.find("CLUSTER_AUTHORIZATION_FAILED"), std::string::npos) << error;
  EXPECT_NE(error.find("IDEMPOTENT_WRITE"), std::string::npos) << "names the missing ACL: " << error;
  EXPECT_FALSE(s.wm.ackable().has_value());
}

TEST(SinkKafkaFatalError, SequenceDesynchronisationStopsTheAgentWithoutPassingTheMessage) {
  MockCluster mc(3);
  mc.create_topic("shop.db.t", 1, {1});
  SinkUnderTest s(mock_conf(mc));
  s.send_numbered(0, "shop.db.t");
  s.wm.commit(1);
  ASSERT_TRUE(s.sink.flush(10000));

  rd_kafka_mock_push_request_errors(mc.get(), kProduceApiKey, 1, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
  s.send_numbered(1, "shop.db.t");
  s.wm.commit(2);
  std::string error = poll_until_fatal(s);
  EXPECT_NE(error.find("OUT_OF_ORDER_SEQUENCE_NUMBER"), std::string::npos) << error;
  EXPECT_EQ(s.wm.ackable(), 1u);
  EXPECT_THROW(s.send_numbered(2, "shop.db.t"), Error) << "a fatally failed producer accepts nothing more";
}

// librdkafka calls on_delivery from C; what it throws (e.g. the watermark detecting a contract
// violation) must surface from poll/flush instead of unwinding through librdkafka.
TEST(SinkKafkaFatalError, ExceptionThrownByOnDeliveryReachesTheCaller) {
  MockCluster mc(3);
  mc.create_topic("shop.db.t", 1, {1});
  SinkUnderTest s(mock_conf(mc));
  s.sink.on_delivery = [](uint64_t seq, const std::string*) {
    throw Error(ExitCode::internal, "rejected report for seq " + std::to_string(seq));
  };
  s.send_numbered(0, "shop.db.t");
  try {
    s.sink.flush(10000);
    FAIL() << "expected the exception from on_delivery";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "rejected report for seq 0");
  }
}

}  // namespace
}  // namespace cdc::test
