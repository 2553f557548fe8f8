#include "sink/kafka_sink.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <memory>
#include <utility>

#include "sink/kafka_config.h"
#include "util/error.h"

namespace cdc {
namespace {

// What the operator can do about a permanent delivery error.
std::string hint(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
      return "; raise the topic's max.message.bytes and sink.kafka.message.max.bytes";
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      return "; grant the agent's principal WRITE and DESCRIBE on the topic";
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return "; grant the agent's principal IDEMPOTENT_WRITE on the cluster";
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return "; create the topic, or enable auto.create.topics.enable on the brokers";
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
      return "; Kafka was unreachable for longer than sink.kafka.message.timeout.ms";
    default:
      return "";
  }
}

// Errors librdkafka recovers from by itself (reconnecting, refreshing metadata): worth a warning,
// since rows are waiting, but not an error.
bool transient(int err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
      return true;
    default:
      return false;
  }
}

// librdkafka logs from its own threads; spdlog's default logger is thread-safe.
void on_log(const rd_kafka_t*, int level, const char* facility, const char* buf) {
  // "FAIL" is a broker connection failure, which on_error already reports at the right level.
  if (std::string_view(facility) == "FAIL")
    spdlog::debug("kafka {}: {}", facility, buf);
  else if (level <= 3)
    spdlog::error("kafka {}: {}", facility, buf);
  else if (level == 4)
    spdlog::warn("kafka {}: {}", facility, buf);
  else if (level <= 6)
    spdlog::info("kafka {}: {}", facility, buf);
  else
    spdlog::debug("kafka {}: {}", facility, buf);
}

// The pool of delivered messages send() reuses: enough for the reports one rd_kafka_poll() serves (the
// pipeline polls every 512 messages; a produce response can confirm a few thousand), and at most this
// many bytes of value buffers, which freed they would mostly stay in the allocator's bins anyway.
constexpr size_t kPoolMessages = 8192;
constexpr size_t kPoolBytes = size_t{32} << 20;

rd_kafka_vu_t vu_mem(rd_kafka_vtype_t type, const std::string& s, bool null) {
  rd_kafka_vu_t v{};
  v.vtype = type;
  v.u.mem.ptr = null ? nullptr : const_cast<char*>(s.data());
  v.u.mem.size = null ? 0 : s.size();
  return v;
}

}  // namespace

KafkaSink::KafkaSink(const std::map<std::string, std::string>& user_conf) {
  KafkaConfPtr conf = make_kafka_conf(user_conf);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaSink::on_dr);
  rd_kafka_conf_set_error_cb(conf.get(), &KafkaSink::on_error);
  rd_kafka_conf_set_log_cb(conf.get(), &on_log);
  char errstr[512];
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr);
  if (!rk_) throw Error(ExitCode::config, std::string("invalid Kafka producer configuration (sink.kafka): ") + errstr);
  conf.release();  // rd_kafka_new took it
}

KafkaSink::~KafkaSink() {
  // Payloads are not copied into librdkafka (see send()), so every outstanding message must come
  // back through on_dr before the memory goes: purge them and serve the resulting reports.
  closing_ = true;
  rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (rd_kafka_outq_len(rk_) > 0 && std::chrono::steady_clock::now() < deadline) rd_kafka_poll(rk_, 50);
  for (auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk_);
}

rd_kafka_topic_t* KafkaSink::topic(const std::string& name) {
  // Cached: naming the topic per message makes librdkafka look it up under a lock every time. Runs of
  // messages go to one topic, so the last one is compared first (unordered_map nodes are stable).
  if (last_topic_ && last_topic_->first == name) return last_topic_->second;
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, name.c_str(), nullptr);
    if (!rkt)
      throw Error(ExitCode::internal,
                  "cannot create Kafka topic handle " + name + ": " + rd_kafka_err2str(rd_kafka_last_error()));
    it = topics_.emplace(name, rkt).first;
  }
  last_topic_ = &*it;
  return it->second;
}

// Hot path (every message): the OutMessage handed to librdkafka lives on the heap until its delivery
// report, and then goes back to pool_ with its buffers instead of being freed. send() swaps the caller's
// fields with a pooled message's, so in steady state neither side allocates: the caller gets buffers of
// the right size back for the next envelope (key, value, topic, headers). The 5-7 allocations and frees
// per message this replaced (OutMessage, topic, key, value, header strings) were ~14% of the main
// thread's instructions in bench/run's backlog (docs/benchmarks.md, profiling notes).
void KafkaSink::send(OutMessage&& in) {
  // The message is kept alive until its delivery report and librdkafka points at its value instead
  // of copying it (msgflags 0). RD_KAFKA_MSG_F_FREE would need malloc'd memory, which std::string
  // does not give, and F_COPY would copy every envelope (the bulk of the bytes) once more: against
  // the in-process mock broker, 300k 1 KiB messages took ~1.0 s lent and ~1.7 s copied. The key
  // and headers are small and librdkafka always copies them.
  std::unique_ptr<OutMessage> msg;
  if (pool_.empty()) {
    msg = std::make_unique<OutMessage>(std::move(in));
  } else {
    msg = std::move(pool_.back());
    pool_.pop_back();
    pool_bytes_ -= msg->value.capacity();
    std::swap(*msg, in);  // member-wise moves: buffers change hands, nothing is copied or allocated
  }
  vus_.clear();
  rd_kafka_vu_t v{};
  v.vtype = RD_KAFKA_VTYPE_RKT;
  v.u.rkt = topic(msg->topic);
  vus_.push_back(v);
  vus_.push_back(vu_mem(RD_KAFKA_VTYPE_KEY, msg->key, msg->key_null));
  vus_.push_back(vu_mem(RD_KAFKA_VTYPE_VALUE, msg->value, msg->value_null));
  v = {};
  v.vtype = RD_KAFKA_VTYPE_OPAQUE;
  v.u.ptr = msg.get();
  vus_.push_back(v);
  for (const auto& [name, value] : msg->headers) {
    v = {};
    v.vtype = RD_KAFKA_VTYPE_HEADER;
    v.u.header = {name.c_str(), value.data(), static_cast<ssize_t>(value.size())};
    vus_.push_back(v);
  }

  for (;;) {
    rd_kafka_error_t* error = rd_kafka_produceva(rk_, vus_.data(), vus_.size());
    if (!error) {
      msg.release();  // owned by librdkafka until on_dr
      return;
    }
    const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
    const std::string what = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // Backpressure: the bounded queue is full. Serving delivery reports frees room; we never drop
      // the message and never buffer it ourselves.
      ++queue_full_waits_;
      rd_kafka_poll(rk_, 100);
      throw_if_fatal();
      if (while_blocked) while_blocked();
      continue;
    }
    throw_if_fatal();
    // Refused before it was queued (e.g. larger than message.max.bytes): a permanent failure of
    // this message, reported like any other so the watermark stops below it.
    const std::string err = "the Kafka producer refused a message for topic " + msg->topic + ": " + what + " (" +
                            rd_kafka_err2name(code) + ")" + hint(code);
    if (on_delivery) on_delivery(msg->seq, &err);
    recycle(std::move(msg));
    return;
  }
}

void KafkaSink::on_dr(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<KafkaSink*>(opaque);
  // An exception must not unwind through librdkafka's C frames: keep it for after rd_kafka_poll().
  try {
    self->report(*m);
  } catch (...) {
    if (!self->callback_error_) self->callback_error_ = std::current_exception();
  }
}

void KafkaSink::recycle(std::unique_ptr<OutMessage> msg) {
  // Bounded by count and by the value buffers' bytes, so a burst of large rows is not kept for good.
  const size_t bytes = msg->value.capacity();
  if (closing_ || pool_.size() >= kPoolMessages || pool_bytes_ + bytes > kPoolBytes) return;
  pool_bytes_ += bytes;
  pool_.push_back(std::move(msg));
}

void KafkaSink::report(const rd_kafka_message_t& m) {
  std::unique_ptr<OutMessage> msg(static_cast<OutMessage*>(m._private));
  if (closing_ || !on_delivery) return;
  if (m.err == RD_KAFKA_RESP_ERR_NO_ERROR && rd_kafka_message_status(&m) == RD_KAFKA_MSG_STATUS_PERSISTED) {
    on_delivery(msg->seq, nullptr);
    recycle(std::move(msg));
    return;
  }
  // librdkafka has already retried whatever is retriable (forever, by default), so this is
  // permanent. A possibly-persisted message may be in the topic; after a restart it is sent again
  // from the last acknowledged position, which at-least-once allows.
  std::string err = "Kafka delivery failed: topic " + msg->topic + " partition " + std::to_string(m.partition) +
                    ": " + rd_kafka_err2str(m.err) + " (" + rd_kafka_err2name(m.err) + ")" + hint(m.err);
  if (rd_kafka_message_status(&m) == RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED)
    err += " (the message may have been written; it will be sent again after a restart)";
  on_delivery(msg->seq, &err);
}

void KafkaSink::on_error(rd_kafka_t* rk, int err, const char* reason, void*) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512];
    rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof buf);
    spdlog::error("Kafka producer fatal error: {} ({})", buf, rd_kafka_err2name(orig));
  } else if (transient(err)) {
    spdlog::warn("Kafka: {} (retrying; undelivered rows wait and no position is acknowledged)", reason);
  } else {
    spdlog::error("Kafka: {} ({})", reason, rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
  }
}

void KafkaSink::throw_if_fatal() {
  if (callback_error_) std::rethrow_exception(std::exchange(callback_error_, nullptr));
  char buf[512];
  rd_kafka_resp_err_t err = rd_kafka_fatal_error(rk_, buf, sizeof buf);
  if (err)
    throw Error(ExitCode::internal, std::string("Kafka producer fatal error: ") + buf + " (" +
                                        rd_kafka_err2name(err) + ")" + hint(err) +
                                        "; on restart the agent resumes from the last acknowledged position");
}

void KafkaSink::poll(int timeout_ms) {
  rd_kafka_poll(rk_, timeout_ms);
  throw_if_fatal();
}

bool KafkaSink::flush(int timeout_ms) {
  rd_kafka_resp_err_t err = rd_kafka_flush(rk_, timeout_ms);  // serves delivery reports
  throw_if_fatal();
  return err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

size_t KafkaSink::in_flight() const { return static_cast<size_t>(rd_kafka_outq_len(rk_)); }

KafkaSink::Reachability KafkaSink::check_reachable(int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, nullptr, &md, timeout_ms);
  if (err)
    return {false, std::string("no metadata from Kafka within ") + std::to_string(timeout_ms) +
                       " ms: " + rd_kafka_err2str(err) +
                       "; check sink.kafka.bootstrap.servers, the network and the security settings"};
  Reachability r{true, std::to_string(md->broker_cnt) + " broker(s)"};
  if (md->broker_cnt > 0)
    r.detail += ", e.g. " + std::string(md->brokers[0].host) + ":" + std::to_string(md->brokers[0].port);
  rd_kafka_metadata_destroy(md);
  return r;
}

}  // namespace cdc
