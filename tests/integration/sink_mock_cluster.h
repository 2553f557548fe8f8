// Test helpers for the sink integration tests: an in-process librdkafka mock cluster (no external
// broker needed), a consumer that reads topics back from the beginning, and a KafkaSink wired to a
// Watermark exactly as the agent wires them.
#pragma once
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sink/kafka_sink.h"
#include "sink/watermark.h"

namespace cdc::test {

inline constexpr int16_t kProduceApiKey = 0;  // Kafka protocol ApiKey of Produce

class MockCluster {
 public:
  explicit MockCluster(int brokers = 3) {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    // The mock cluster lives on its own handle, separate from the producer under test.
    owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!owner_) throw std::runtime_error(err);
    mc_ = rd_kafka_mock_cluster_new(owner_, brokers);
    if (!mc_) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(mc_);
    rd_kafka_destroy(owner_);
  }
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  rd_kafka_mock_cluster_t* get() { return mc_; }
  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(mc_); }

  // A topic whose partitions are led by the given brokers, round-robin.
  void create_topic(const std::string& topic, int partitions, const std::vector<int32_t>& leaders) {
    if (rd_kafka_mock_topic_create(mc_, topic.c_str(), partitions, 3))
      throw std::runtime_error("cannot create mock topic " + topic);
    for (int p = 0; p < partitions; ++p)
      rd_kafka_mock_partition_set_leader(mc_, topic.c_str(), p, leaders[p % leaders.size()]);
  }

 private:
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* mc_ = nullptr;
};

struct Record {
  int32_t partition;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Every record of every partition of `topic`, each partition in offset order.
inline std::vector<Record> consume_all(const std::string& bootstraps, const std::string& topic, int partitions) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "sink-test-reader", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) throw std::runtime_error(err);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);

  std::vector<Record> out;
  int eofs = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (eofs < partitions && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++eofs;
    } else if (m->err) {
      ADD_FAILURE() << "consuming " << topic << ": " << rd_kafka_message_errstr(m);
    } else {
      Record r{m->partition, std::nullopt, std::nullopt, {}};
      if (m->key) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) r.value.emplace(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* val;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
          r.headers.emplace_back(name, std::string(static_cast<const char*>(val), size));
      }
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_EQ(eofs, partitions) << "did not reach the end of every partition of " << topic;
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

// A KafkaSink whose delivery reports drive a Watermark, as in the agent loop. Positions are the
// count of messages produced when the transaction committed.
struct SinkUnderTest {
  explicit SinkUnderTest(std::map<std::string, std::string> conf) : sink(conf) {
    sink.on_delivery = [this](uint64_t seq, const std::string* error) {
      if (error)
        wm.failed(seq, *error);
      else
        wm.delivered(seq);
    };
  }

  // Produces message number n of a stream; its content can be rebuilt from n alone.
  void send_numbered(uint64_t n, const std::string& topic, size_t pad = 40) {
    OutMessage m;
    m.topic = topic;
    m.key = key_of(n);
    m.value = value_of(n, pad);
    m.headers = headers_of(n);
    m.seq = wm.next_seq();
    sink.send(std::move(m));
  }
  static std::string key_of(uint64_t n) { return "{\"id\":" + std::to_string(n % 1000) + "}"; }
  static std::string value_of(uint64_t n, size_t pad) {
    return "{\"n\":" + std::to_string(n) + ",\"pad\":\"" + std::string(pad, 'x') + "\"}";
  }
  static std::vector<std::pair<std::string, std::string>> headers_of(uint64_t n) {
    return {{"cdc.change_id", std::to_string(n)}, {"cdc.op", "c"}, {"cdc.txid", std::to_string(n / 7)}};
  }
  static uint64_t number_of(const std::string& value) { return std::stoull(value.substr(5)); }

  Watermark<uint64_t> wm;
  KafkaSink sink;
};

// Checks that `topic` holds exactly the numbered messages `expected` (as sent by send_numbered with
// the given pad): content, key and headers intact, nothing lost, nothing foreign, and within each
// partition one key's messages in send order. Returns the number of duplicates found.
inline size_t verify_numbered(const MockCluster& mc, const std::string& topic, int partitions,
                              const std::vector<uint64_t>& expected, size_t pad = 40) {
  std::set<uint64_t> wanted(expected.begin(), expected.end());
  std::map<uint64_t, int> seen;
  std::map<std::pair<int32_t, std::string>, uint64_t> last_of_key;
  size_t duplicates = 0;
  for (const Record& r : consume_all(mc.bootstraps(), topic, partitions)) {
    if (!r.value) {
      ADD_FAILURE() << "unexpected null value in " << topic;
      continue;
    }
    uint64_t n = SinkUnderTest::number_of(*r.value);
    EXPECT_TRUE(wanted.count(n)) << "message " << n << " does not belong in " << topic;
    EXPECT_EQ(*r.value, SinkUnderTest::value_of(n, pad));
    EXPECT_EQ(r.key, SinkUnderTest::key_of(n));
    EXPECT_EQ(r.headers, SinkUnderTest::headers_of(n));
    if (++seen[n] > 1) ++duplicates;
    auto [it, fresh] = last_of_key.try_emplace({r.partition, *r.key}, n);
    if (!fresh) {
      EXPECT_GT(n, it->second) << "per-key order broken in " << topic << " partition " << r.partition;
      it->second = n;
    }
  }
  size_t missing = 0;
  for (uint64_t n : wanted) missing += seen.count(n) == 0;
  EXPECT_EQ(missing, 0u) << "messages lost in " << topic;
  return duplicates;
}

inline std::map<std::string, std::string> mock_conf(const MockCluster& mc,
                                                    std::map<std::string, std::string> extra = {}) {
  extra.emplace("bootstrap.servers", mc.bootstraps());
  // Reconnect quickly once a broker the test took down is back (the default backoff grows to 10 s).
  extra.emplace("reconnect.backoff.max.ms", "200");
  return extra;
}

}  // namespace cdc::test
