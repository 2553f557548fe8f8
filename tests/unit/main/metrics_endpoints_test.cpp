// metrics.listen: /metrics in Prometheus text format, /healthz and /readyz with 200/503, over real HTTP on
// loopback (a raw socket client, so the test does not depend on the server's own client code).
#include <civetweb.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "main/metrics.h"
#include "tests/support/http_get.h"
#include "tests/unit/main/phase_source.h"
#include "util/error.h"

namespace cdc {
namespace {

int status_of(int port, const std::string& path) { return test::http_get(port, path).status; }

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
  cdc::test::PhaseSource src;
  s.source = &src;
  const int64_t now = 1'000'000;
  EXPECT_FALSE(is_live(s, now, 60'000)) << "the loop never turned";
  s.loop_ms = now - 1000;
  EXPECT_TRUE(is_live(s, now, 60'000));
  EXPECT_FALSE(is_ready(s, now, 60'000)) << "not streaming yet";
  src.enter(event::Source::Phase::snapshot);
  EXPECT_FALSE(is_ready(s, now, 60'000)) << "snapshotting";
  src.enter(event::Source::Phase::streaming);
  EXPECT_TRUE(is_ready(s, now, 60'000));
  s.stopping = true;
  EXPECT_FALSE(is_ready(s, now, 60'000));
  s.stopping = false;
  s.loop_ms = now - 61'000;
  EXPECT_FALSE(is_live(s, now, 60'000)) << "a wedged loop fails liveness";
  EXPECT_FALSE(is_ready(s, now, 60'000));
  src.enter(event::Source::Phase::connecting);
  EXPECT_TRUE(is_live(s, now, 60'000)) << "reconnecting with backoff inside poll() is progress";
  EXPECT_FALSE(is_ready(s, now, 60'000));
}

TEST(Metrics, ServesTheThreeEndpointsOverHttp) {
  AgentStats s;
  cdc::test::PhaseSource src;
  s.source = &src;
  MetricsServer server("127.0.0.1:0", s, "shop", "postgres");
  ASSERT_GT(server.port(), 0);

  EXPECT_EQ(status_of(server.port(), "/healthz"), 503) << "loop never turned";
  EXPECT_EQ(status_of(server.port(), "/readyz"), 503);
  s.loop_ms = AgentStats::now_ms();
  EXPECT_EQ(status_of(server.port(), "/healthz"), 200);
  auto not_ready = test::http_get(server.port(), "/readyz");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(not_ready.raw.find("not streaming"), std::string::npos) << not_ready.raw;
  src.enter(event::Source::Phase::streaming);
  EXPECT_EQ(status_of(server.port(), "/readyz"), 200);

  s.events = 7;
  auto resp = test::http_get(server.port(), "/metrics");
  const std::string& m = resp.raw;
  EXPECT_EQ(resp.status, 200) << m;
  EXPECT_NE(m.find("text/plain; version=0.0.4"), std::string::npos) << m;
  EXPECT_NE(m.find("cdc_events_total{name=\"shop\",source=\"postgres\"} 7"), std::string::npos) << m;
  EXPECT_NE(m.find("cdc_ready{name=\"shop\",source=\"postgres\"} 1"), std::string::npos) << m;
  EXPECT_EQ(status_of(server.port(), "/nope"), 404);
}

// civetweb's listener looks at its stop flag only every 2 s unless a connection wakes it; the agent's
// shutdown (SIGTERM, systemd stop) must not wait for that.
TEST(Metrics, StopsWithoutWaitingForTheListenerTimeout) {
  AgentStats s;
  for (const char* listen : {"127.0.0.1:0", "0.0.0.0:0"}) {
    auto server = std::make_unique<MetricsServer>(listen, s, "shop", "mysql");
    EXPECT_EQ(status_of(server->port(), "/healthz"), 503);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the listener is back in its poll()
    auto t0 = std::chrono::steady_clock::now();
    server.reset();
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(took, std::chrono::milliseconds(1000)) << listen << ": stopping took "
                                                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                                                     << " ms";
  }
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

// "[ADDR]:PORT" is how metrics.listen names an IPv6 address. Where civetweb has no IPv6 (Debian 12's 1.15)
// that is a configuration error saying so, not a bind failure sending the operator after a busy port.
TEST(Metrics, Ipv6ListenServesOrIsAConfigErrorSayingWhy) {
  AgentStats s;
  if (mg_check_feature(MG_FEATURES_IPV6) != 0) {
    MetricsServer server("[::1]:0", s, "shop", "mysql");
    EXPECT_GT(server.port(), 0);
    return;
  }
  try {
    MetricsServer server("[::1]:0", s, "shop", "mysql");
    FAIL() << "listening on [::1] started without IPv6 support";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    EXPECT_NE(std::string(e.what()).find("metrics.listen: '[::1]:0' is an IPv6 address"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:9187"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cdc
