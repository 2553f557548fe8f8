// `metrics.listen`: Prometheus text metrics on /metrics, liveness on /healthz and readiness on /readyz.
//
// The pipeline thread writes AgentStats with relaxed atomic stores (a few per event, no locks); the HTTP
// server's threads read them when scraped. The server is civetweb (the same embedded server
// prometheus-cpp's exposer uses) so that the three endpoints share one port; prometheus-cpp provides the
// metric model and the text format.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "event/source.h"

namespace cdc {

struct AgentStats {
  std::atomic<uint64_t> events{0};             // change events read from the source (snapshot included)
  std::atomic<uint64_t> snapshot_events{0};    // of which read by the initial snapshot
  std::atomic<uint64_t> messages_sent{0};      // messages handed to the sink (changes, tombstones, heartbeats…)
  std::atomic<uint64_t> messages_delivered{0};  // delivery reports without error
  std::atomic<uint64_t> delivery_failures{0};   // delivery reports with an error
  std::atomic<uint64_t> transactions{0};        // source transactions committed into the pipeline
  std::atomic<uint64_t> acks{0};                // positions handed to the source (stored / flushed)
  std::atomic<uint64_t> heartbeats{0};
  std::atomic<int64_t> last_event_source_ms{0};  // source timestamp (commit time) of the latest change read
  std::atomic<int64_t> last_event_ms{0};         // wall clock when the latest change was read
  std::atomic<int64_t> last_ack_ms{0};           // wall clock of the latest acknowledgement
  std::atomic<int64_t> loop_ms{0};               // wall clock of the latest turn of the agent loop
  std::atomic<bool> stopping{false};
  // The source's phase is read from it directly: a source reconnecting with backoff inside poll() is
  // making progress even though the loop does not turn. Set once, before any server starts.
  const event::Source* source = nullptr;

  using Phase = event::Source::Phase;
  Phase phase() const { return source ? source->phase() : Phase::connecting; }

  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Text for the three endpoints (separate from the server so it is unit-testable).
std::string render_metrics(const AgentStats& stats, const std::string& name, const std::string& source_type);
// Liveness: the loop turned within `stall_ms`, or the source is (re)connecting with backoff, which is
// bounded by its own retry budget (a wedged loop fails it, a slow Kafka does not).
bool is_live(const AgentStats& stats, int64_t now_ms, int64_t stall_ms);
// Readiness: live, streaming changes (not snapshotting, not reconnecting), not stopping.
bool is_ready(const AgentStats& stats, int64_t now_ms, int64_t stall_ms);

class MetricsServer {
 public:
  // Listens on `listen` ("HOST:PORT"; port 0 picks a free one). Throws cdc::Error (temporary, 75) when
  // the address cannot be bound.
  MetricsServer(const std::string& listen, const AgentStats& stats, std::string name, std::string source_type);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const;  // the bound port

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cdc
