// KafkaSink: delivers OutMessages with librdkafka's idempotent producer (acks=all), reporting every
// message's fate through Sink::on_delivery from the agent's own thread (rd_kafka_poll).
#pragma once
#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sink/sink.h"

namespace cdc {

class KafkaSink final : public Sink {
 public:
  // conf: the user's `sink.kafka` map, see kafka_config.h. Throws cdc::Error(config) on a bad one.
  explicit KafkaSink(const std::map<std::string, std::string>& conf);
  ~KafkaSink() override;
  KafkaSink(const KafkaSink&) = delete;
  KafkaSink& operator=(const KafkaSink&) = delete;

  void send(OutMessage&& msg) override;
  // poll/flush (and send, while it waits) throw cdc::Error(internal) once the producer has raised a
  // fatal error, and rethrow what on_delivery threw.
  void poll(int timeout_ms) override;
  bool flush(int timeout_ms) override;

  struct Reachability {
    bool ok;
    std::string detail;  // broker count, or the error and what to check
  };
  // For `cdc-agent check`: a metadata request, which needs a working broker connection (and auth).
  Reachability check_reachable(int timeout_ms);

  // Messages handed to librdkafka whose delivery report has not been served yet.
  size_t in_flight() const;
  // How often send() found the queue full and waited: the backpressure counter.
  uint64_t queue_full_waits() const { return queue_full_waits_; }

 private:
  static void on_dr(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  void report(const rd_kafka_message_t& m);
  // A message whose report was served: kept for reuse by send() while the pool has room.
  void recycle(std::unique_ptr<OutMessage> msg);
  // Throws a fatal producer error, or an exception on_delivery threw while librdkafka called us.
  void throw_if_fatal();
  rd_kafka_topic_t* topic(const std::string& name);

  rd_kafka_t* rk_ = nullptr;
  std::unordered_map<std::string, rd_kafka_topic_t*> topics_;
  const std::pair<const std::string, rd_kafka_topic_t*>* last_topic_ = nullptr;  // entry of topics_
  std::vector<rd_kafka_vu_t> vus_;  // reused by send() to avoid an allocation per message
  // Delivered messages with their buffers, reused by send(): bounded by kPool* in kafka_sink.cpp.
  std::vector<std::unique_ptr<OutMessage>> pool_;
  size_t pool_bytes_ = 0;
  uint64_t queue_full_waits_ = 0;
  std::exception_ptr callback_error_;
  bool closing_ = false;  // set by the destructor: purged messages are freed, not reported
};

}  // namespace cdc
