// The producer configuration: the user's `sink.kafka` map passed to librdkafka verbatim, over the
// defaults below, refusing the few settings that would break the at-least-once guarantee.
#pragma once
#include <librdkafka/rdkafka.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace cdc {

struct KafkaDefault {
  std::string_view key;
  std::string_view value;
  std::string_view why;  // for docs/configuration.md; keep it one sentence
};

// One table, so the docs can be generated from it and never drift.
inline constexpr std::array<KafkaDefault, 8> kKafkaDefaults{{
    {"enable.idempotence", "true",
     "retries neither duplicate nor reorder messages, which keeps per-key order; setting it to false is refused"},
    {"acks", "all",
     "a message counts as delivered only once every in-sync replica has it, so a leader failover cannot lose "
     "an acknowledged row; any other value is refused"},
    {"compression.type", "lz4", "JSON envelopes compress well and lz4 costs little CPU"},
    {"linger.ms", "5", "batches small transactions without adding noticeable latency"},
    {"message.timeout.ms", "0",
     "retry forever, as Kafka Connect does (delivery.timeout.ms=MAX): a Kafka outage stalls the agent, with "
     "warnings and no source acknowledgement, instead of failing messages and restarting; a finite value makes "
     "an outage longer than it stop the agent (exit 70) and resume from the last acknowledged position"},
    {"queue.buffering.max.messages", "100000", "bounds the messages in flight; a full queue blocks the source"},
    {"queue.buffering.max.kbytes", "65536", "bounds the memory held by messages in flight (64 MiB)"},
    {"partitioner", "murmur2_random",
     "a key lands on the same partition as with the Java producer Debezium uses, so consumers and "
     "co-partitioned topics agree"},
}};

struct KafkaConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using KafkaConfPtr = std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter>;

// Builds the librdkafka configuration. Throws cdc::Error(config) listing every problem at once:
// refused settings and properties librdkafka rejects, each named as `sink.kafka.<property>`.
KafkaConfPtr make_kafka_conf(const std::map<std::string, std::string>& user);

}  // namespace cdc
