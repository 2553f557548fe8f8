// metrics.listen on a live agent: /readyz turns 200 once the binlog streams, /healthz is 200, and
// /metrics counts the changes read, the messages Kafka confirmed and the positions acknowledged.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "tests/integration/mysql_source_support.h"
#include "tests/support/http_get.h"

namespace cdc::test::msrc {
namespace {

class Metrics : public SourceTest {};

// The value of `metric` in Prometheus text (first sample), or -1.
double sample(const std::string& text, const std::string& metric) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex("\n" + metric + "\\{[^}]*\\} ([0-9.e+-]+)"))) return std::stod(m[1]);
  return -1;
}

TEST_F(Metrics, EndpointsFollowTheLiveAgent) {
  sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
  const int port = free_loopback_port();
  ASSERT_GT(port, 0);
  std::ofstream(dir / "agent.yaml", std::ios::app) << "metrics: { listen: \"127.0.0.1:" << port << "\" }\n";
  start_agent();
  ASSERT_TRUE(wait_for([&] { return http_get(port, "/readyz").status == 200; }, 30s))
      << http_get(port, "/readyz").raw << agent_log();
  EXPECT_EQ(http_get(port, "/healthz").status, 200);

  for (int i = 1; i <= 5; ++i) sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(i) + ")");
  std::string text;
  ASSERT_TRUE(wait_for([&] {
    text = http_get(port, "/metrics").raw;
    return sample(text, "cdc_messages_delivered_total") >= 5 && sample(text, "cdc_acknowledgements_total") >= 1;
  }, 60s)) << text;
  EXPECT_GE(sample(text, "cdc_events_total"), 5) << text;
  EXPECT_GE(sample(text, "cdc_transactions_total"), 5) << text;
  EXPECT_EQ(sample(text, "cdc_delivery_failures_total"), 0) << text;
  EXPECT_EQ(sample(text, "cdc_streaming"), 1) << text;
  EXPECT_GT(sample(text, "cdc_last_acknowledgement_timestamp_seconds"), 1.7e9) << text;
  EXPECT_NE(text.find("name=\"" + prefix + "\""), std::string::npos) << text;
  EXPECT_EQ(stop_agent(), 0);
  EXPECT_NE(http_get(port, "/healthz").status, 200) << "the server outlived the agent";
}

}  // namespace
}  // namespace cdc::test::msrc
