#include "tests/support/kafka_topic.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>
#include <tuple>

namespace cdc::test {
namespace {

using Clock = std::chrono::steady_clock;
using Handle = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

int ms_left(Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 5000));
}

Handle make_consumer(const std::string& bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::pair<const char*, const char*> settings[] = {
      {"bootstrap.servers", bootstrap.c_str()},
      // Partitions are assigned by hand; the group only satisfies the consumer API.
      {"group.id", "cdc-test-reader"},
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "false"},
      {"allow.auto.create.topics", "false"},
      {"reconnect.backoff.max.ms", "1000"},
      {"log_level", "3"},
  };
  for (auto [k, v] : settings)
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("consume_topic: ") + err);
    }
  Handle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err), &rd_kafka_destroy);
  if (!rk) throw std::runtime_error(std::string("consume_topic: rd_kafka_new: ") + err);
  return rk;
}

// Number of partitions of `topic`, or 0 while the cluster does not know it.
int partition_count(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)> rkt(
      rd_kafka_topic_new(rk, topic.c_str(), nullptr), &rd_kafka_topic_destroy);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk, 0, rkt.get(), &md, std::max(timeout_ms, 100)) !=
      RD_KAFKA_RESP_ERR_NO_ERROR)
    return 0;
  int n = 0;
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
    n = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  return n;
}

KafkaRecord to_record(const rd_kafka_message_t* m) {
  KafkaRecord r;
  r.partition = m->partition;
  r.offset = m->offset;
  if (m->key) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
  if (m->payload) r.value.emplace(static_cast<const char*>(m->payload), m->len);
  rd_kafka_timestamp_type_t type;
  r.timestamp_ms = rd_kafka_message_timestamp(m, &type);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* val;
    size_t size;
    for (size_t i = 0;
         rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
      r.headers.emplace_back(
          name, val ? std::optional<std::string>(std::string(static_cast<const char*>(val), size))
                    : std::nullopt);
  }
  return r;
}

// Reads assigned partitions until each one's next offset reaches its end offset.
class TopicReader {
 public:
  TopicReader(rd_kafka_t* rk, std::string topic, int partitions)
      : rk_(rk), topic_(std::move(topic)), next_(partitions, 0), end_(partitions, 0) {}

  // Refreshes end offsets; false when the brokers did not answer in time.
  bool refresh_ends(Clock::time_point deadline) {
    for (size_t p = 0; p < end_.size(); ++p) {
      int64_t lo = 0, hi = 0;
      if (rd_kafka_query_watermark_offsets(rk_, topic_.c_str(), static_cast<int32_t>(p), &lo, &hi,
                                           std::max(ms_left(deadline), 100)) !=
          RD_KAFKA_RESP_ERR_NO_ERROR)
        return false;
      next_[p] = std::max(next_[p], lo);  // older records may have been trimmed away
      end_[p] = hi;
    }
    return true;
  }

  bool caught_up() const {
    for (size_t p = 0; p < end_.size(); ++p)
      if (next_[p] < end_[p]) return false;
    return true;
  }

  void poll_once(std::vector<KafkaRecord>& out, Clock::time_point deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, std::min(ms_left(deadline), 200));
    if (!m) return;
    if (!m->err && m->partition >= 0 && static_cast<size_t>(m->partition) < next_.size()) {
      out.push_back(to_record(m));
      next_[m->partition] = std::max(next_[m->partition], m->offset + 1);
    }
    rd_kafka_message_destroy(m);
  }

 private:
  rd_kafka_t* rk_;
  std::string topic_;
  std::vector<int64_t> next_, end_;
};

}  // namespace

std::vector<KafkaRecord> consume_topic(const std::string& bootstrap, const std::string& topic,
                                       std::chrono::milliseconds timeout, size_t min_records) {
  const auto deadline = Clock::now() + timeout;
  Handle rk = make_consumer(bootstrap);
  int partitions = 0;
  while ((partitions = partition_count(rk.get(), topic, ms_left(deadline))) == 0 &&
         Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::vector<KafkaRecord> out;
  if (partitions == 0) return out;

  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk.get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);

  TopicReader reader(rk.get(), topic, partitions);
  bool have_ends = reader.refresh_ends(deadline);
  while (Clock::now() < deadline) {
    if (have_ends && reader.caught_up()) {
      if (out.size() >= min_records) break;
      // Not enough yet: the producer may still be writing; look for new end offsets.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      have_ends = reader.refresh_ends(deadline);
      continue;
    }
    reader.poll_once(out, deadline);
    if (!have_ends) have_ends = reader.refresh_ends(deadline);
  }
  rd_kafka_consumer_close(rk.get());
  std::sort(out.begin(), out.end(), [](const KafkaRecord& a, const KafkaRecord& b) {
    return std::tie(a.partition, a.offset) < std::tie(b.partition, b.offset);
  });
  return out;
}

TestProducer::TestProducer(const std::string& bootstrap,
                           const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> settings = {
      {"bootstrap.servers", bootstrap}, {"acks", "all"},
      {"enable.idempotence", "true"},   {"linger.ms", "5"},
      {"message.timeout.ms", "60000"},  {"reconnect.backoff.max.ms", "500"},
  };
  for (const auto& [k, v] : overrides) settings[k] = v;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : settings)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("TestProducer: ") + err);
    }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<TestProducer*>(opaque);
    if (m->err) {
      self->last_error = m->err;
      ++self->failed;
    } else {
      ++self->delivered;
    }
  });
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk_) throw std::runtime_error(std::string("TestProducer: rd_kafka_new: ") + err);
}

TestProducer::~TestProducer() {
  rd_kafka_flush(rk_, 5000);  // bounded: a test that failed early must not hang here
  rd_kafka_destroy(rk_);
}

void TestProducer::send(const std::string& topic, int32_t partition, const std::string& key,
                        const std::string& value,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
  for (const auto& [name, val] : headers)
    rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), val.data(),
                        static_cast<ssize_t>(val.size()));
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_KEY(key.data(), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
  if (err) {
    rd_kafka_headers_destroy(hdrs);  // ownership passes to librdkafka only on success
    throw std::runtime_error(std::string("TestProducer: produce: ") + rd_kafka_err2str(err));
  }
}

bool TestProducer::flush(std::chrono::milliseconds timeout) {
  return rd_kafka_flush(rk_, static_cast<int>(timeout.count())) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void TestProducer::poll() { rd_kafka_poll(rk_, 0); }

int TestProducer::outstanding() const { return rd_kafka_outq_len(rk_); }

}  // namespace cdc::test
