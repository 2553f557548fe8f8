// Watermark: the one place that decides which source position may be acknowledged.
//
// Every produced message takes a sequence number from next_seq() (contiguous, increasing). After the
// last message of a committed transaction is handed to the sink, the source calls commit(pos): pos
// becomes ackable once every seq issued before that call is delivered. Transactions that produced no
// message (filtered tables, heartbeats) are committed the same way. ackable() is the newest committed
// position whose whole prefix is delivered: a contiguous prefix, never "the last delivery callback",
// because Kafka confirms partitions independently and out of order.
//
// A permanent delivery failure (failed()) pins the watermark below that seq; the agent must stop.
// If the same seq is later re-produced and delivered, the watermark may pass it again.
//
// Not thread-safe, by design: the single agent loop drives it, and librdkafka serves delivery
// reports from rd_kafka_poll() on that same thread. Each operation is O(1) amortized (failure
// bookkeeping is O(log f) for f outstanding failures, normally zero). Memory covers only the window
// from the oldest undelivered message on: one byte per message and one (seq, Pos) per commit in it.
// That window is bounded because the oldest undelivered message holds a slot in the sink's bounded
// queue, and a full queue blocks the source (see Sink::send).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "util/error.h"

namespace cdc {

template <class Pos>
class Watermark {
 public:
  struct Failure {
    uint64_t seq;
    std::string error;
  };

  // Sequence number for the next produced message.
  uint64_t next_seq() {
    states_.push_back(State::pending);
    ++undelivered_;
    return next_++;
  }

  // Every seq issued so far must be delivered before pos is ackable.
  void commit(Pos pos) {
    if (next_ == base_) {  // nothing in flight: ackable at once, nothing to remember
      ackable_ = std::move(pos);
      return;
    }
    // Consecutive commits with no message between them (empty transactions) wait for the same
    // prefix, so only the newest needs keeping: commits stay bounded by in-flight messages.
    if (!commits_.empty() && commits_.back().first == next_) {
      commits_.back().second = std::move(pos);
      return;
    }
    commits_.emplace_back(next_, std::move(pos));
  }

  void delivered(uint64_t seq) {
    check_issued(seq, "delivered");
    if (seq < base_) return;  // already delivered; a duplicate report changes nothing
    State& s = states_[seq - base_];
    if (s == State::delivered) return;
    if (s == State::failed) failures_.erase(seq);  // a retry got through
    s = State::delivered;
    --undelivered_;
    advance();
  }

  // A permanent failure: the watermark cannot pass seq until it is delivered after all. Records
  // the error; the first outstanding failure is what the agent reports when it stops.
  void failed(uint64_t seq, std::string error) {
    check_issued(seq, "failed");
    if (seq < base_ || states_[seq - base_] == State::delivered)
      throw Error(ExitCode::internal,
                  "watermark: seq " + std::to_string(seq) + " reported failed after it was delivered");
    states_[seq - base_] = State::failed;
    failures_.insert_or_assign(seq, Failure{seq, std::move(error)});
  }

  bool has_failure() const { return !failures_.empty(); }
  // The lowest outstanding failure: the one that pins the watermark.
  // nullptr if none; valid until the next call that changes the watermark.
  const Failure* first_failure() const { return failures_.empty() ? nullptr : &failures_.begin()->second; }

  // Newest committed position whose every prior seq is delivered; nullopt before the first one.
  const std::optional<Pos>& ackable() const { return ackable_; }
  // Messages issued and not delivered (failed ones included); not the span behind the first gap.
  uint64_t pending() const { return undelivered_; }
  // Every seq below this is delivered.
  uint64_t delivered_prefix() const { return base_; }

 private:
  enum class State : uint8_t { pending, delivered, failed };

  void check_issued(uint64_t seq, const char* op) const {
    if (seq >= next_)
      throw Error(ExitCode::internal, std::string("watermark: ") + op + " for seq " + std::to_string(seq) +
                                          " that was never issued (next is " + std::to_string(next_) + ")");
  }

  void advance() {
    while (!states_.empty() && states_.front() == State::delivered) {
      states_.pop_front();
      ++base_;
    }
    while (!commits_.empty() && commits_.front().first <= base_) {
      ackable_ = std::move(commits_.front().second);
      commits_.pop_front();
    }
  }

  uint64_t base_ = 0;  // lowest undelivered seq; states_[0] describes it
  uint64_t next_ = 0;  // next seq to issue
  uint64_t undelivered_ = 0;
  std::deque<State> states_;                     // seqs [base_, next_)
  std::deque<std::pair<uint64_t, Pos>> commits_;  // (every seq below this must be delivered, position)
  std::map<uint64_t, Failure> failures_;         // outstanding permanent failures, normally empty
  std::optional<Pos> ackable_;
};

}  // namespace cdc
