// bench-produce: the "plain librdkafka producer" reference of bench/run. Loads a file of messages into
// memory first (so file reading is not timed), then produces every message to one topic and waits for
// every delivery report. Prints one JSON object: counts, produce-phase wall time and CPU seconds.
//   bench-produce -b HOST:PORT -t TOPIC --file F [--format value|key-value|topic-key-value] [-X k=v]...
// key-value lines are "key<TAB>value"; topic-key-value lines are the stdout sink's "topic<TAB>key<TAB>value"
// (the topic column is ignored: everything goes to -t TOPIC). A key or value "null" is sent as null.
#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "kafka_util.h"

namespace {

using cdc::bench::make_handle;

struct Message {
  std::string_view key;    // empty view with null_key = true means a null key
  std::string_view value;
  bool null_key = true;
  bool null_value = false;
};

std::atomic<uint64_t> g_delivered{0};
std::atomic<uint64_t> g_failed{0};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err) {
    if (g_failed.fetch_add(1) == 0) std::cerr << "delivery failed: " << rd_kafka_err2str(m->err) << "\n";
  } else {
    g_delivered.fetch_add(1);
  }
}

void setup_conf(rd_kafka_conf_t* conf) { rd_kafka_conf_set_dr_msg_cb(conf, on_delivery); }

// Splits the loaded text into messages; the views point into `text`, which outlives them.
std::vector<Message> split_messages(const std::string& text, const std::string& format) {
  std::vector<Message> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    Message m;
    if (format != "value") {
      if (format == "topic-key-value") line.remove_prefix(std::min(line.find('\t') + 1, line.size()));
      size_t tab = line.find('\t');
      if (tab != std::string_view::npos) {
        m.key = line.substr(0, tab);
        m.null_key = m.key == "null";
        line.remove_prefix(tab + 1);
      }
    }
    m.value = line;
    m.null_value = line == "null";
    out.push_back(m);
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

// Produces one message, waiting for queue space when librdkafka's buffer is full.
void produce_one(rd_kafka_t* rk, rd_kafka_topic_t* topic, const Message& m) {
  for (;;) {
    void* value = m.null_value ? nullptr : const_cast<char*>(m.value.data());
    size_t value_len = m.null_value ? 0 : m.value.size();
    // flags 0: no copy; the loaded text outlives every delivery.
    if (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, 0, value, value_len, m.null_key ? nullptr : m.key.data(),
                         m.null_key ? 0 : m.key.size(), nullptr) == 0)
      return;
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) throw std::runtime_error(rd_kafka_err2str(err));
    rd_kafka_poll(rk, 10);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Produce a file of messages with a plain librdkafka producer and time it"};
  std::string bootstrap, topic_name, file, format = "value";
  std::vector<std::string> props;
  double timeout_s = 600;
  app.add_option("-b,--bootstrap", bootstrap)->required();
  app.add_option("-t,--topic", topic_name)->required();
  app.add_option("--file", file)->required()->check(CLI::ExistingFile);
  app.add_option("--format", format)->check(CLI::IsMember({"value", "key-value", "topic-key-value"}));
  app.add_option("-X", props, "librdkafka property key=value");
  app.add_option("--timeout", timeout_s, "seconds to wait for delivery reports");
  CLI11_PARSE(app, argc, argv);

  try {
    const std::string text = read_file(file);
    const std::vector<Message> messages = split_messages(text, format);
    auto rk = make_handle(RD_KAFKA_PRODUCER, bootstrap, props, setup_conf);
    rd_kafka_topic_t* topic = rd_kafka_topic_new(rk.get(), topic_name.c_str(), nullptr);

    const double cpu0 = cdc::bench::process_cpu_seconds();
    const double t0 = cdc::bench::wall_seconds();
    uint64_t bytes = 0;
    for (const auto& m : messages) {
      produce_one(rk.get(), topic, m);
      bytes += m.value.size() + m.key.size();
      rd_kafka_poll(rk.get(), 0);
    }
    rd_kafka_resp_err_t flush_err = rd_kafka_flush(rk.get(), static_cast<int>(timeout_s * 1000));
    const double t1 = cdc::bench::wall_seconds();
    const double cpu1 = cdc::bench::process_cpu_seconds();
    rd_kafka_topic_destroy(topic);

    std::printf(
        "{\"messages\":%zu,\"bytes\":%llu,\"delivered\":%llu,\"failed\":%llu,\"produce_wall_s\":%.6f,"
        "\"produce_cpu_s\":%.6f,\"flush_ok\":%s}\n",
        messages.size(), static_cast<unsigned long long>(bytes),
        static_cast<unsigned long long>(g_delivered.load()), static_cast<unsigned long long>(g_failed.load()),
        t1 - t0, cpu1 - cpu0, flush_err == RD_KAFKA_RESP_ERR_NO_ERROR ? "true" : "false");
    return (g_failed.load() == 0 && g_delivered.load() == messages.size()) ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench-produce: " << e.what() << "\n";
    return 1;
  }
}
