// The contract between a source (MySQL binlog, PostgreSQL slot) and the agent loop (src/main/pipeline).
// A source turns its stream into ChangeEvents and transaction commits; the loop publishes the events and
// tells the source, through ack(), the newest position whose every event Kafka has confirmed.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>

#include "event/change_event.h"

namespace cdc::event {

// Where a source may resume. MySQL: file + pos (of the next transaction) and the GTID set executed so
// far; PostgreSQL: the commit end LSN to report as flushed.
struct SourcePosition {
  std::string file;
  uint64_t pos = 0;
  std::string gtid_set;
  uint64_t lsn = 0;

  // "mysql-bin.000003:1234 gtids=…" or "LSN 0/16B3748", for logs and errors.
  std::string describe() const {
    if (!file.empty()) return file + ":" + std::to_string(pos) + (gtid_set.empty() ? "" : " gtids=" + gtid_set);
    char buf[40];
    std::snprintf(buf, sizeof buf, "LSN %X/%X", static_cast<unsigned>(lsn >> 32), static_cast<unsigned>(lsn));
    return buf;
  }
  bool operator==(const SourcePosition&) const = default;
};

// What a source hands its events to. Implemented by the agent loop.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // One row change. May block while Kafka's queue is full (backpressure): the source then stops reading.
  virtual void change(ChangeEvent& ev) = 0;
  // Every event handed over since the previous commit belongs to a transaction that committed and
  // resumes at `pos`. Called also for transactions with no captured events, so idle or filtered
  // streams still advance.
  virtual void commit(const SourcePosition& pos) = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // Connects (or reconnects) and validates the server: throws cdc::Error with the exit code on failure.
  virtual void start() = 0;
  // Reads for at most about timeout_ms, handing events and commits to `out`. Reconnects internally
  // after transient failures; throws cdc::Error when it must stop.
  virtual void poll(EventSink& out, int timeout_ms) = 0;
  // Everything up to and including `pos` is delivered: persist it (MySQL offset file) or report it as
  // flushed (PostgreSQL). Called only with positions the watermark has released, in increasing order.
  virtual void ack(const SourcePosition& pos) = 0;
  // Idle keep-alive hook, called on the heartbeat interval when nothing is pending (PostgreSQL emits a
  // logical message so the slot advances even when no captured table changes).
  virtual void heartbeat() {}
  // Called while the loop is blocked on Kafka backpressure (it reads nothing meanwhile): keep the server
  // connection alive without reading (PostgreSQL: a status update at the acknowledged LSN).
  virtual void keepalive() {}
  virtual void stop() = 0;
  // True once the source has nothing more to read (snapshot: initial_only): the loop then drains and exits.
  virtual bool finished() const { return false; }
  // What /readyz, /healthz and the metrics report: connecting (or reconnecting with backoff, which is
  // progress, not a wedge), snapshotting, or streaming changes. Read from the metrics server's thread.
  enum class Phase { connecting, snapshot, streaming };
  Phase phase() const { return phase_.load(std::memory_order_relaxed); }

  // The loop's stop request, for long work inside poll() (a snapshot) that must end early on SIGTERM.
  void set_stop_flag(const std::atomic<bool>* stop) { stop_ = stop; }

 protected:
  bool stop_requested() const { return stop_ && stop_->load(std::memory_order_relaxed); }
  void set_phase(Phase p) { phase_.store(p, std::memory_order_relaxed); }

 private:
  const std::atomic<bool>* stop_ = nullptr;
  std::atomic<Phase> phase_{Phase::connecting};
};

}  // namespace cdc::event
