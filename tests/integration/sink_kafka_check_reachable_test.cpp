// `cdc-agent check` asks the sink whether Kafka answers a metadata request.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "sink_mock_cluster.h"

namespace cdc::test {
namespace {

TEST(SinkKafkaCheckReachable, ReachableClusterReportsItsBrokers) {
  MockCluster mc(3);
  KafkaSink sink(mock_conf(mc));
  KafkaSink::Reachability r = sink.check_reachable(5000);
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_NE(r.detail.find("3 broker(s)"), std::string::npos) << r.detail;
}

TEST(SinkKafkaCheckReachable, UnreachableClusterFailsWithinTheTimeoutAndSaysWhatToCheck) {
  MockCluster mc(3);
  for (int32_t b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_down(mc.get(), b);
  KafkaSink sink(mock_conf(mc));
  auto started = std::chrono::steady_clock::now();
  KafkaSink::Reachability r = sink.check_reachable(1500);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.detail.find("bootstrap.servers"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace cdc::test
