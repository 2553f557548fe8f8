#include "main/metrics.h"

#include <CivetServer.h>
#include <netdb.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "util/error.h"

namespace cdc {
namespace {

constexpr int64_t kStallMs = 60'000;  // a loop that has not turned for a minute is wedged

prometheus::ClientMetric sample(double v, prometheus::MetricType type, const std::string& name,
                                const std::string& source_type) {
  prometheus::ClientMetric m;
  m.label = {{"name", name}, {"source", source_type}};
  if (type == prometheus::MetricType::Counter)
    m.counter.value = v;
  else
    m.gauge.value = v;
  return m;
}

}  // namespace

std::string render_metrics(const AgentStats& s, const std::string& name, const std::string& source_type) {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  auto add = [&](const char* metric, const char* help, MetricType type, double v) {
    out.push_back({metric, help, type, {sample(v, type, name, source_type)}});
  };
  auto load = [](const auto& a) { return static_cast<double>(a.load(std::memory_order_relaxed)); };
  const int64_t now = AgentStats::now_ms();

  add("cdc_events_total", "Change events read from the source, snapshot included", MetricType::Counter,
      load(s.events));
  add("cdc_snapshot_events_total", "Change events read by the initial snapshot", MetricType::Counter,
      load(s.snapshot_events));
  add("cdc_messages_sent_total", "Messages handed to the sink (changes, tombstones, heartbeats, transactions)",
      MetricType::Counter, load(s.messages_sent));
  add("cdc_messages_delivered_total", "Messages whose delivery the sink confirmed", MetricType::Counter,
      load(s.messages_delivered));
  add("cdc_delivery_failures_total", "Delivery reports with an error (each one stops the agent)",
      MetricType::Counter, load(s.delivery_failures));
  add("cdc_messages_in_flight", "Messages sent and not yet confirmed", MetricType::Gauge,
      load(s.messages_sent) - load(s.messages_delivered) - load(s.delivery_failures));
  add("cdc_transactions_total", "Source transactions read", MetricType::Counter, load(s.transactions));
  add("cdc_acknowledgements_total", "Positions acknowledged to the source after delivery", MetricType::Counter,
      load(s.acks));
  add("cdc_heartbeats_total", "Heartbeat messages sent", MetricType::Counter, load(s.heartbeats));

  const int64_t src_ms = s.last_event_source_ms.load(std::memory_order_relaxed);
  const int64_t read_ms = s.last_event_ms.load(std::memory_order_relaxed);
  // Debezium's MilliSecondsBehindSource: how old the latest change was when the agent read it.
  add("cdc_source_lag_seconds", "Commit time to read time of the latest change read", MetricType::Gauge,
      src_ms > 0 && read_ms > 0 ? static_cast<double>(read_ms - src_ms) / 1000.0 : 0.0);
  add("cdc_last_event_timestamp_seconds", "Wall clock when the latest change was read (0 = none yet)",
      MetricType::Gauge, static_cast<double>(read_ms) / 1000.0);
  const int64_t ack_ms = s.last_ack_ms.load(std::memory_order_relaxed);
  add("cdc_last_acknowledgement_timestamp_seconds", "Wall clock of the latest acknowledged position (0 = none yet)",
      MetricType::Gauge, static_cast<double>(ack_ms) / 1000.0);
  add("cdc_snapshot_running", "1 while the initial snapshot runs", MetricType::Gauge,
      s.phase() == AgentStats::Phase::snapshot ? 1 : 0);
  add("cdc_streaming", "1 while the source streams changes (connected, snapshot done)", MetricType::Gauge,
      s.phase() == AgentStats::Phase::streaming ? 1 : 0);
  add("cdc_ready", "1 when /readyz answers 200", MetricType::Gauge, is_ready(s, now, kStallMs) ? 1 : 0);
  return prometheus::TextSerializer().Serialize(out);
}

bool is_live(const AgentStats& s, int64_t now_ms, int64_t stall_ms) {
  const int64_t loop = s.loop_ms.load(std::memory_order_relaxed);
  return loop > 0 && (now_ms - loop <= stall_ms || s.phase() == AgentStats::Phase::connecting);
}

bool is_ready(const AgentStats& s, int64_t now_ms, int64_t stall_ms) {
  return is_live(s, now_ms, stall_ms) && s.phase() == AgentStats::Phase::streaming &&
         !s.stopping.load(std::memory_order_relaxed);
}

namespace {

void reply(mg_connection* conn, int status, const char* content_type, const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
            "Connection: close\r\n\r\n",
            status, status == 200 ? "OK" : "Service Unavailable", content_type, body.size());
  mg_write(conn, body.data(), body.size());
}

class Endpoint : public CivetHandler {
 public:
  enum Kind { metrics, healthz, readyz };
  Endpoint(Kind kind, const AgentStats& stats, const std::string& name, const std::string& source_type)
      : kind_(kind), stats_(stats), name_(name), source_type_(source_type) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    const int64_t now = AgentStats::now_ms();
    switch (kind_) {
      case metrics:
        reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8", render_metrics(stats_, name_, source_type_));
        break;
      case healthz:
        if (is_live(stats_, now, kStallMs))
          reply(conn, 200, "text/plain", "ok\n");
        else
          reply(conn, 503, "text/plain", "the agent loop has not turned for over a minute\n");
        break;
      case readyz:
        if (is_ready(stats_, now, kStallMs))
          reply(conn, 200, "text/plain", "ready\n");
        else
          reply(conn, 503, "text/plain",
                stats_.stopping ? "stopping\n"
                : stats_.phase() == AgentStats::Phase::snapshot ? "snapshot running\n"
                                          : "not streaming (connecting or reconnecting to the source)\n");
        break;
    }
    return true;
  }

 private:
  Kind kind_;
  const AgentStats& stats_;
  const std::string& name_;
  const std::string& source_type_;
};

// The address a local client reaches a listener on: "ADDR:PORT" or "[ADDR]:PORT" as metrics.listen is
// written; a wildcard (or no address) is reached on loopback.
std::string local_address(const std::string& listen) {
  if (!listen.empty() && listen.front() == '[') {
    std::string host = listen.substr(1, listen.find(']') - 1);
    return host.empty() || host == "::" ? "::1" : host;
  }
  auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  return host.empty() || host == "0.0.0.0" ? "127.0.0.1" : host;
}

// One connection to the listener, closed at once: it makes civetweb's listener thread return from poll().
void poke(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return;
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd >= 0) {
    (void)::connect(fd, found->ai_addr, found->ai_addrlen);
    ::close(fd);
  }
  ::freeaddrinfo(found);
}

}  // namespace

struct MetricsServer::Impl {
  std::string listen;
  std::string name, source_type;
  Endpoint metrics_ep, healthz_ep, readyz_ep;
  std::unique_ptr<CivetServer> server;

  Impl(const AgentStats& stats, std::string n, std::string st)
      : name(std::move(n)),
        source_type(std::move(st)),
        metrics_ep(Endpoint::metrics, stats, name, source_type),
        healthz_ep(Endpoint::healthz, stats, name, source_type),
        readyz_ep(Endpoint::readyz, stats, name, source_type) {}
};

MetricsServer::MetricsServer(const std::string& listen, const AgentStats& stats, std::string name,
                             std::string source_type)
    : impl_(std::make_unique<Impl>(stats, std::move(name), std::move(source_type))) {
  impl_->listen = listen;
  // civetweb wants "ADDR:PORT" for IPv4 and "[ADDR]:PORT" for IPv6, as metrics.listen is written; Debian
  // 12's civetweb 1.15 is built without IPv6, so there it could only say it failed to bind.
  if (!listen.empty() && listen.front() == '[' && mg_check_feature(MG_FEATURES_IPV6) == 0)
    throw Error(ExitCode::config, "metrics.listen: '" + listen +
                                      "' is an IPv6 address, and the civetweb library serving metrics was built "
                                      "without IPv6; listen on an IPv4 address such as 127.0.0.1:9187 or "
                                      "0.0.0.0:9187 (all interfaces)");
  std::vector<std::string> options = {"listening_ports", listen, "num_threads", "2", "enable_keep_alive", "no"};
  try {
    impl_->server = std::make_unique<CivetServer>(options);
  } catch (const CivetException& e) {
    throw Error(ExitCode::temporary, "metrics.listen: cannot listen on " + listen + " (" + e.what() +
                                           "); is the port in use? Change metrics.listen or set it empty");
  }
  impl_->server->addHandler("/metrics", impl_->metrics_ep);
  impl_->server->addHandler("/healthz", impl_->healthz_ep);
  impl_->server->addHandler("/readyz", impl_->readyz_ep);
}

MetricsServer::~MetricsServer() {
  if (!impl_ || !impl_->server) return;
  // civetweb (1.15) notices a stop only when its listener's poll() returns, which without a connection
  // it does every 2 s (SOCKET_TIMEOUT_QUANTUM): every agent shutdown took 2 s longer. While close() waits,
  // connect to ourselves every 20 ms so the listener wakes, sees the stop and lets close() return.
  const std::string host = local_address(impl_->listen);
  const int port = this->port();
  std::atomic<bool> closed{false};
  std::thread waker([&] {
    while (!closed.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!closed.load() && port > 0) poke(host, port);
    }
  });
  impl_->server->close();
  closed.store(true);
  waker.join();
}

int MetricsServer::port() const {
  auto ports = impl_->server->getListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace cdc
