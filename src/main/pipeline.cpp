#include "main/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/error.h"

namespace cdc {
namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Pipeline::Pipeline(PipelineOptions opts, event::Source& source, Sink& sink)
    : opts_(std::move(opts)), source_(source), sink_(sink), writer_(opts_.envelope) {
  if (opts_.column_excluded) columns_.emplace(opts_.column_excluded);
  sink_.while_blocked = [this] { source_.keepalive(); };
  sink_.on_delivery = [this](uint64_t seq, const std::string* error) {
    if (error)
      wm_.failed(seq, *error);
    else
      wm_.delivered(seq);
  };
}

void Pipeline::send(std::string topic, const std::string* key, std::string* value, const event::ChangeEvent* ev) {
  OutMessage m;
  m.topic = std::move(topic);
  m.key_null = key == nullptr;
  if (key) m.key = *key;
  m.value_null = value == nullptr;
  if (value) {
    // The envelope (kilobytes with schemas) moves into the message instead of being copied; the buffer
    // gets about the same capacity back, so the next envelope is written without growing it step by step,
    // with a little headroom so that a slightly longer one does not double it (messages in flight keep
    // their buffer's capacity, which counts in the agent's memory).
    m.value = std::move(*value);
    value->clear();
    value->reserve(m.value.size() + m.value.size() / 16 + 64);
  }
  if (ev) {
    m.headers.reserve(3);
    // Consumer-side idempotency: see docs/change-id.md. A tombstone follows its delete, so its id is the
    // delete's id plus ":t", which sorts after the delete and before the next change.
    m.headers.emplace_back("cdc.change_id", value ? ev->change_id : ev->change_id + ":t");
    m.headers.emplace_back("cdc.op", std::string(1, static_cast<char>(ev->op)));
    m.headers.emplace_back("cdc.tx_id", ev->tx_id);
  }
  m.seq = wm_.next_seq();
  sink_.send(std::move(m));
  ++published_;
}

void Pipeline::change(event::ChangeEvent& ev) {
  ev.processed_ts_ns = now_ns();
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
}

// Like Debezium's transaction monitor: BEGIN is written lazily with the first captured change of a
// transaction, so transactions that touch no captured table produce no metadata; END follows the commit.
void Pipeline::transaction_event(event::ChangeEvent& ev) {
  if (!tx_) {
    tx_.emplace();
    tx_->id = ev.tx_id;
    tx_->ts_ms = ev.source.ts_ns / 1000000;
    key_buf_.clear();
    value_buf_.clear();
    writer_.transaction_key(tx_->id, key_buf_);
    writer_.transaction_begin(tx_->id, tx_->ts_ms, value_buf_);
    send(writer_.transaction_topic(), &key_buf_, &value_buf_, nullptr);
  }
  std::string collection = ev.table->ns() + "." + ev.table->table;
  auto it = std::find_if(tx_->counts.begin(), tx_->counts.end(),
                         [&](const event::CollectionCount& c) { return c.data_collection == collection; });
  if (it == tx_->counts.end()) it = tx_->counts.insert(tx_->counts.end(), {collection, 0});
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
  }
  spdlog::info("stopping: no more reading, waiting up to {} ms for {} delivery reports", opts_.shutdown_timeout_ms,
               wm_.pending());
  source_.stop();
  bool drained = sink_.flush(opts_.shutdown_timeout_ms);
  check_failure();
  maybe_ack(true);
  if (!drained) {
    spdlog::error("shutdown timeout: {} events still undelivered; their positions are not stored (last stored: {})",
                  wm_.pending(), last_acked_ ? last_acked_->describe() : std::string("none"));
    return static_cast<int>(ExitCode::temporary);
  }
  spdlog::info("stopped cleanly at {}", last_acked_ ? last_acked_->describe() : std::string("(no position yet)"));
  return 0;
}

}  // namespace cdc
