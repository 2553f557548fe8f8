// The agent loop: source -> envelope writer -> sink, with the delivery watermark deciding what the
// source may acknowledge. Single-threaded by design: delivery reports are served by sink.poll() on this
// thread, so the watermark needs no lock and the order of operations is easy to reason about.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "event/envelope.h"
#include "main/column_filter.h"
#include "main/metrics.h"
#include "event/source.h"
#include "sink/sink.h"
#include "sink/watermark.h"

namespace cdc {

struct PipelineOptions {
  event::EnvelopeOptions envelope;
  int heartbeat_interval_ms = 10000;  // 0 = off
  int shutdown_timeout_ms = 30000;
  int ack_interval_ms = 1000;  // how often a released position is handed to the source at most
  // exclude_columns: true for "db.table.column" to drop; empty = keep every column.
  std::function<bool(std::string_view)> column_excluded;
  // Counters for metrics.listen and systemd (optional): published every loop turn, not per event.
  AgentStats* stats = nullptr;
};

class Pipeline final : public event::EventSink {
 public:
  Pipeline(PipelineOptions opts, event::Source& source, Sink& sink);

  // Streams until `stop` becomes true, then drains. Returns the process exit code; throws cdc::Error
  // for fatal conditions (delivery failure, source unusable).
  int run(const std::atomic<bool>& stop);

  void change(event::ChangeEvent& ev) override;
  void commit(const event::SourcePosition& pos) override;

  uint64_t events_published() const { return published_; }
  const std::optional<event::SourcePosition>& last_acked() const { return last_acked_; }

 private:
  using Clock = std::chrono::steady_clock;
  // Moves *value (when given) into the message; *value is left empty, ready for the next envelope.
  void send(const std::string& topic, const std::string* key, std::string* value, const event::ChangeEvent* ev);
  void maybe_ack(bool force);
  void maybe_heartbeat();
  void check_failure() const;
  void transaction_event(event::ChangeEvent& ev);
  void transaction_end();
  void publish_stats();

  PipelineOptions opts_;
  event::Source& source_;
  Sink& sink_;
  event::EnvelopeWriter writer_;
  Watermark<event::SourcePosition> wm_;
  std::optional<event::SourcePosition> last_acked_;
  Clock::time_point last_ack_time_{};
  Clock::time_point last_heartbeat_{};
  std::string key_buf_, value_buf_;
  OutMessage out_;  // refilled for every message: the sink hands back a delivered message's buffers
  uint64_t published_ = 0;
  // Plain counters behind AgentStats (the atomics are written once per loop turn).
  struct Counts {
    uint64_t events = 0, snapshot_events = 0, delivered = 0, failed = 0, transactions = 0, acks = 0, heartbeats = 0;
    int64_t last_event_source_ms = 0, last_event_ms = 0, last_ack_ms = 0;
  } counts_;
  std::optional<ColumnFilter> columns_;
  // Transaction metadata (envelope.transaction_metadata): the open transaction's counts.
  struct OpenTx {
    std::string id;
    int64_t ts_ms = 0;
    int64_t total = 0;
    std::vector<event::CollectionCount> counts;
  };
  std::optional<OpenTx> tx_;
};

}  // namespace cdc
