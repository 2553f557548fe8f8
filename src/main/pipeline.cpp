#include "main/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/error.h"

namespace cdc {
namespace {

constexpr uint64_t kPollEvery = 512;

void set_header(std::pair<std::string, std::string>& h, std::string_view name, std::string_view value) {
  h.first.assign(name);
  h.second.assign(value);
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Pipeline::Pipeline(PipelineOptions opts, event::Source& source, Sink& sink)
    : opts_(std::move(opts)), source_(source), sink_(sink), writer_(opts_.envelope) {
  if (opts_.column_excluded) columns_.emplace(opts_.column_excluded);
  sink_.while_blocked = [this] {
    source_.keepalive();
    publish_stats();  // waiting on Kafka is not a wedge
  };
  sink_.on_delivery = [this](uint64_t seq, const std::string* error) {
    if (error) {
      wm_.failed(seq, *error);
      ++counts_.failed;
    } else {
      wm_.delivered(seq);
      ++counts_.delivered;
    }
  };
}

// Hot path: out_ is filled again for every message and handed to the sink, which swaps in the buffers of
// a message it already delivered (Sink::send), so in steady state publishing allocates nothing here. The
// envelope swaps into the message rather than being copied; value_buf_ gets the delivered message's
// buffer, about the size of the next envelope.
void Pipeline::send(const std::string& topic, const std::string* key, std::string* value,
                    const event::ChangeEvent* ev) {
  OutMessage& m = out_;
  m.topic.assign(topic);
  m.key_null = key == nullptr;
  if (key)
    m.key.assign(*key);
  else
    m.key.clear();
  m.value_null = value == nullptr;
  if (value) {
    m.value.swap(*value);
    value->clear();
    // Normally the buffer the sink handed back is already large enough. When it had none to give (the
    // first messages, or a burst larger than its pool), reserve about this envelope's size, with a little
    // headroom, so the next envelope is not written by doubling step by step.
    if (value->capacity() < m.value.size()) value->reserve(m.value.size() + m.value.size() / 16 + 64);
  } else {
    m.value.clear();
  }
  if (ev) {
    m.headers.resize(3);
    // Consumer-side idempotency: see docs/change-id.md. A tombstone follows its delete, so its id is the
    // delete's id plus ":t", which sorts after the delete and before the next change.
    set_header(m.headers[0], "cdc.change_id", ev->change_id);
    if (!value) m.headers[0].second.append(":t");
    const char op = static_cast<char>(ev->op);
    set_header(m.headers[1], "cdc.op", std::string_view(&op, 1));
    set_header(m.headers[2], "cdc.tx_id", ev->tx_id);
  } else {
    m.headers.clear();
  }
  m.seq = wm_.next_seq();
  sink_.send(std::move(m));
  // Serve delivery reports every few hundred messages, not only between source reads (up to 4096 events,
  // more inside a large transaction): the sink then gets its delivered buffers back while they are still
  // few and recent enough to reuse, and the watermark advances steadily.
  if (++published_ % kPollEvery == 0) {
    sink_.poll(0);
    publish_stats();  // a snapshot or a large transaction keeps the loop inside poll() for long
  }
}

void Pipeline::publish_stats() {
  AgentStats* s = opts_.stats;
  if (!s) return;
  constexpr auto r = std::memory_order_relaxed;
  s->events.store(counts_.events, r);
  s->snapshot_events.store(counts_.snapshot_events, r);
  s->messages_sent.store(published_, r);
  s->messages_delivered.store(counts_.delivered, r);
  s->delivery_failures.store(counts_.failed, r);
  s->transactions.store(counts_.transactions, r);
  s->acks.store(counts_.acks, r);
  s->heartbeats.store(counts_.heartbeats, r);
  s->last_event_source_ms.store(counts_.last_event_source_ms, r);
  s->last_event_ms.store(counts_.last_event_ms, r);
  s->last_ack_ms.store(counts_.last_ack_ms, r);
  s->loop_ms.store(AgentStats::now_ms(), r);
}

void Pipeline::change(event::ChangeEvent& ev) {
  ev.processed_ts_ns = now_ns();
  ++counts_.events;
  if (ev.source.snapshot != event::SnapshotMarker::false_) ++counts_.snapshot_events;
  counts_.last_event_source_ms = ev.source.ts_ns / 1000000;
  counts_.last_event_ms = ev.processed_ts_ns / 1000000;
  if (columns_) columns_->apply(ev);
  if (opts_.envelope.transaction_metadata) transaction_event(ev);
  key_buf_.clear();
  value_buf_.clear();
  bool has_key = writer_.key(ev, key_buf_);
  writer_.value(ev, value_buf_);
  const std::string& topic = writer_.table_topic(*ev.table, ev.source.connector);  // cached per table
  send(topic, has_key ? &key_buf_ : nullptr, &value_buf_, &ev);
  if (writer_.wants_tombstone(ev)) send(topic, &key_buf_, nullptr, &ev);
  if (columns_) columns_->restore(ev);
  check_failure();
}

void Pipeline::commit(const event::SourcePosition& pos) {
  if (tx_) transaction_end();
  wm_.commit(pos);
  ++counts_.transactions;
}

// Like Debezium's transaction monitor: BEGIN is written lazily with the first captured change of a
// transaction, so transactions that touch no captured table produce no metadata; END follows the commit.
void Pipeline::transaction_event(event::ChangeEvent& ev) {
  if (!tx_) {
    tx_ = OpenTx{};
    tx_->id = ev.tx_id;
    tx_->ts_ms = ev.source.ts_ns / 1000000;
    key_buf_.clear();
    value_buf_.clear();
    writer_.transaction_key(tx_->id, key_buf_);
    writer_.transaction_begin(tx_->id, tx_->ts_ms, value_buf_);
    send(writer_.transaction_topic(), &key_buf_, &value_buf_, nullptr);
  }
  // Per event: compared piecewise, so no "ns.table" string is built for every row.
  const std::string& ns = ev.table->ns();
  const std::string& table = ev.table->table;
  auto it = std::find_if(tx_->counts.begin(), tx_->counts.end(), [&](const event::CollectionCount& c) {
    std::string_view d = c.data_collection;
    return d.size() == ns.size() + 1 + table.size() && d.starts_with(ns) && d[ns.size()] == '.' && d.ends_with(table);
  });
  if (it == tx_->counts.end()) it = tx_->counts.insert(tx_->counts.end(), {ns + "." + table, 0});
  ev.tx = event::TxBlock{tx_->id, ++tx_->total, ++it->event_count};
}

void Pipeline::transaction_end() {
  key_buf_.clear();
  value_buf_.clear();
  writer_.transaction_key(tx_->id, key_buf_);
  writer_.transaction_end(tx_->id, tx_->ts_ms, tx_->counts, value_buf_);
  send(writer_.transaction_topic(), &key_buf_, &value_buf_, nullptr);
  tx_.reset();
}

void Pipeline::check_failure() const {
  if (auto f = wm_.first_failure())
    throw Error(ExitCode::internal, "Kafka refused an event permanently, stopping without acknowledging it: " +
                                        f->error + (last_acked_ ? "; last acknowledged position " +
                                                                      last_acked_->describe()
                                                                : std::string("; no position acknowledged by this process (the stored one stands)")));
}

void Pipeline::maybe_ack(bool force) {
  const auto& a = wm_.ackable();
  if (!a || (last_acked_ && *a == *last_acked_)) return;
  auto now = Clock::now();
  if (!force && now - last_ack_time_ < std::chrono::milliseconds(opts_.ack_interval_ms)) return;
  source_.ack(*a);
  last_acked_ = *a;
  last_ack_time_ = now;
  ++counts_.acks;
  counts_.last_ack_ms = AgentStats::now_ms();
  spdlog::debug("acknowledged {}", a->describe());
}

void Pipeline::maybe_heartbeat() {
  if (opts_.heartbeat_interval_ms <= 0) return;
  auto now = Clock::now();
  if (now - last_heartbeat_ < std::chrono::milliseconds(opts_.heartbeat_interval_ms)) return;
  last_heartbeat_ = now;
  key_buf_.clear();
  value_buf_.clear();
  writer_.heartbeat_key(key_buf_);
  writer_.heartbeat_value(now_ns() / 1000000, value_buf_);
  send(writer_.heartbeat_topic(), &key_buf_, &value_buf_, nullptr);
  ++counts_.heartbeats;
  if (wm_.pending() <= 1) source_.heartbeat();
}

int Pipeline::run(const std::atomic<bool>& stop) {
  source_.set_stop_flag(&stop);
  source_.start();
  last_heartbeat_ = Clock::now();
  while (!stop.load(std::memory_order_relaxed) && !source_.finished()) {
    source_.poll(*this, 100);
    sink_.poll(0);
    check_failure();
    maybe_ack(false);
    maybe_heartbeat();
    publish_stats();
  }
  if (opts_.stats) opts_.stats->stopping.store(true, std::memory_order_relaxed);
  spdlog::info("stopping: no more reading, waiting up to {} ms for {} delivery reports", opts_.shutdown_timeout_ms,
               wm_.pending());
  source_.stop();
  bool drained = sink_.flush(opts_.shutdown_timeout_ms);
  check_failure();
  maybe_ack(true);
  publish_stats();
  if (!drained) {
    spdlog::error("shutdown timeout: {} events still undelivered; their positions are not stored (last stored: {})",
                  wm_.pending(), last_acked_ ? last_acked_->describe() : std::string("none"));
    return static_cast<int>(ExitCode::temporary);
  }
  spdlog::info("stopped cleanly at {}", last_acked_ ? last_acked_->describe() : std::string("(no position yet)"));
  return 0;
}

}  // namespace cdc
