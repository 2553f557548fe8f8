// Kafka helpers for assertions: read a topic back (every record from the beginning, in partition
// and offset order, with a bounded wait), and a producer configured like the agent's sink.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct rd_kafka_s;  // librdkafka's rd_kafka_t

namespace cdc::test {

struct KafkaRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;    // std::nullopt = null key
  std::optional<std::string> value;  // std::nullopt = tombstone
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int64_t timestamp_ms = -1;
};

// Reads all records of `topic` from the start of each partition to its end offset, waiting
// (until `timeout`) for the topic to exist and to hold at least `min_records`. Returns what it
// read by the deadline, so a test asserting on the count sees how many arrived. Throws
// std::runtime_error only when the client itself cannot be created.
std::vector<KafkaRecord> consume_topic(const std::string& bootstrap, const std::string& topic,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                       size_t min_records = 0);

// Idempotent acks=all producer that counts delivery reports. Extra librdkafka settings in
// `overrides` win over the defaults (linger.ms=5, message.timeout.ms=60000, fast reconnects).
class TestProducer {
 public:
  explicit TestProducer(const std::string& bootstrap,
                        const std::map<std::string, std::string>& overrides = {});
  ~TestProducer();
  TestProducer(const TestProducer&) = delete;
  TestProducer& operator=(const TestProducer&) = delete;

  // Queues one record (partition -1 = partitioner decides); throws if librdkafka refuses it.
  void send(const std::string& topic, int32_t partition, const std::string& key,
            const std::string& value,
            const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Waits for every queued record's delivery report; false on timeout.
  bool flush(std::chrono::milliseconds timeout);
  void poll();
  // Records queued or in flight, not yet reported.
  int outstanding() const;

  std::atomic<int> delivered{0};
  std::atomic<int> failed{0};
  std::atomic<int> last_error{0};  // rd_kafka_resp_err_t of the latest failed delivery

 private:
  ::rd_kafka_s* rk_ = nullptr;
};

}  // namespace cdc::test
