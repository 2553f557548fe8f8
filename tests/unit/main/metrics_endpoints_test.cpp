// metrics.listen: /metrics in Prometheus text format, /healthz and /readyz with 200/503, over real HTTP on
// loopback (a raw socket client, so the test does not depend on the server's own client code).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "main/metrics.h"
#include "util/error.h"

namespace cdc {
namespace {

std::string http_get(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "connect failed";
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

int status_of(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

TEST(Metrics, TextFormatCarriesCountersAndLabels) {
  AgentStats s;
  s.events = 42;
  s.messages_sent = 50;
  s.messages_delivered = 45;
  s.acks = 3;
  std::string text = render_metrics(s, "shop", "mysql");
  EXPECT_NE(text.find("# TYPE cdc_events_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("cdc_events_total{name=\"shop\",source=\"mysql\"} 42"), std::string::npos) << text;
  EXPECT_NE(text.find("cdc_messages_in_flight{name=\"shop\",source=\"mysql\"} 5"), std::string::npos) << text;
  EXPECT_NE(text.find("cdc_acknowledgements_total{name=\"shop\",source=\"mysql\"} 3"), std::string::npos);
}

TEST(Metrics, LivenessAndReadiness) {
  AgentStats s;
  const int64_t now = 1'000'000;
  EXPECT_FALSE(is_live(s, now, 60'000)) << "the loop never turned";
  s.loop_ms = now - 1000;
  EXPECT_TRUE(is_live(s, now, 60'000));
  EXPECT_FALSE(is_ready(s, now, 60'000)) << "not streaming yet";
  s.streaming = true;
  EXPECT_TRUE(is_ready(s, now, 60'000));
  s.stopping = true;
  EXPECT_FALSE(is_ready(s, now, 60'000));
  s.stopping = false;
  s.loop_ms = now - 61'000;
  EXPECT_FALSE(is_live(s, now, 60'000)) << "a wedged loop fails liveness";
  EXPECT_FALSE(is_ready(s, now, 60'000));
}

TEST(Metrics, ServesTheThreeEndpointsOverHttp) {
  AgentStats s;
  MetricsServer server("127.0.0.1:0", s, "shop", "postgres");
  ASSERT_GT(server.port(), 0);

  EXPECT_EQ(status_of(http_get(server.port(), "/healthz")), 503) << "loop never turned";
  EXPECT_EQ(status_of(http_get(server.port(), "/readyz")), 503);
  s.loop_ms = AgentStats::now_ms();
  EXPECT_EQ(status_of(http_get(server.port(), "/healthz")), 200);
  std::string not_ready = http_get(server.port(), "/readyz");
  EXPECT_EQ(status_of(not_ready), 503);
  EXPECT_NE(not_ready.find("not streaming"), std::string::npos) << not_ready;
  s.streaming = true;
  EXPECT_EQ(status_of(http_get(server.port(), "/readyz")), 200);

  s.events = 7;
  std::string m = http_get(server.port(), "/metrics");
  EXPECT_EQ(status_of(m), 200) << m;
  EXPECT_NE(m.find("text/plain; version=0.0.4"), std::string::npos) << m;
  EXPECT_NE(m.find("cdc_events_total{name=\"shop\",source=\"postgres\"} 7"), std::string::npos) << m;
  EXPECT_NE(m.find("cdc_ready{name=\"shop\",source=\"postgres\"} 1"), std::string::npos) << m;
  EXPECT_EQ(status_of(http_get(server.port(), "/nope")), 404);
}

TEST(Metrics, PortInUseIsATemporaryErrorNamingTheKey) {
  AgentStats s;
  MetricsServer first("127.0.0.1:0", s, "a", "mysql");
  try {
    MetricsServer second("127.0.0.1:" + std::to_string(first.port()), s, "b", "mysql");
    FAIL() << "a second server bound the same port";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::temporary);
    EXPECT_NE(std::string(e.what()).find("metrics.listen"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cdc
