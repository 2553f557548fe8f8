// Sink: where envelopes go. A sink takes ownership of each message and later reports, through
// on_delivery, whether it was durably delivered; the agent feeds those reports to the Watermark.
// All calls, and every on_delivery invocation, happen on the agent's single loop thread.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cdc {

struct OutMessage {
  std::string topic;
  std::string key;
  bool key_null = false;
  std::string value;
  bool value_null = false;  // a tombstone
  std::vector<std::pair<std::string, std::string>> headers;
  uint64_t seq = 0;  // from Watermark::next_seq(); handed back in on_delivery
};

class Sink {
 public:
  virtual ~Sink() = default;

  // Takes the message. Blocks while the sink's bounded queue is full, serving delivery reports
  // meanwhile: that is the backpressure that slows the source down. Never drops.
  // `msg` is left valid but unspecified, possibly holding the buffers of a delivered message: a caller
  // that fills one OutMessage again for every message (assigning every field) then allocates nothing.
  virtual void send(OutMessage&& msg) = 0;
  // Serves pending delivery reports, waiting up to timeout_ms for the first one.
  virtual void poll(int timeout_ms) = 0;
  // Delivers everything sent so far (serving reports); false if some remain after timeout_ms.
  virtual bool flush(int timeout_ms) = 0;

  // Called once per message: error == nullptr on success, else a permanent failure naming where
  // (topic, partition) and why. May be called from inside send(), poll() and flush().
  std::function<void(uint64_t seq, const std::string* error)> on_delivery;
  // Called about every 100 ms while send() waits for room in a full queue, so the source can keep its
  // connection alive (PostgreSQL status updates) during a long Kafka stall. Optional.
  std::function<void()> while_blocked;
};

}  // namespace cdc
