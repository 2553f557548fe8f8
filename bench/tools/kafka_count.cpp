// bench-kafka-count: waits until the named topics together hold at least --expect messages (the sum of
// their partitions' high watermarks) and prints {"count":N,"elapsed_s":S,"first_s":F}, F being when the
// first message was seen (-1: none). bench/run uses it to time a
// backlog drain: the dev Kafka keeps only a few MB per partition, so counting by reading back is not
// possible, but a high watermark still counts every message the broker acknowledged.
// Exit 0 when reached; 2 when the count did not grow for --stall seconds (prints the count reached).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kafka_util.h"

namespace {

// Sum of high watermarks over every partition of the wanted topics that exist now. Uses an all-topics
// metadata request: asking for a missing topic by name could auto-create it.
int64_t count_messages(rd_kafka_t* rk, const std::set<std::string>& topics) {
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk, 1, nullptr, &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
  int64_t total = 0;
  for (int t = 0; t < md->topic_cnt; ++t) {
    const auto& topic = md->topics[t];
    if (!topics.count(topic.topic) || topic.err) continue;
    for (int p = 0; p < topic.partition_cnt; ++p) {
      int64_t low = 0, high = 0;
      if (rd_kafka_query_watermark_offsets(rk, topic.topic, topic.partitions[p].id, &low, &high, 5000) ==
          RD_KAFKA_RESP_ERR_NO_ERROR)
        total += high;
    }
  }
  rd_kafka_metadata_destroy(md);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Wait until Kafka topics hold N messages"};
  std::string bootstrap;
  std::vector<std::string> topic_list;
  int64_t expect = 0;
  double stall_s = 60, interval_ms = 50;
  app.add_option("-b,--bootstrap", bootstrap)->required();
  app.add_option("-t,--topic", topic_list)->required();
  app.add_option("--expect", expect)->required();
  app.add_option("--stall", stall_s, "give up after this many seconds without progress");
  app.add_option("--interval-ms", interval_ms, "poll interval");
  CLI11_PARSE(app, argc, argv);

  try {
    auto rk = cdc::bench::make_handle(RD_KAFKA_CONSUMER, bootstrap, {"allow.auto.create.topics=false"});
    const std::set<std::string> topics(topic_list.begin(), topic_list.end());
    const double t0 = cdc::bench::wall_seconds();
    double last_progress = t0;
    int64_t best = 0;
    double first = -1;
    for (;;) {
      int64_t n = count_messages(rk.get(), topics);
      double now = cdc::bench::wall_seconds();
      if (n > best) {
        if (best == 0) first = now - t0;
        best = n;
        last_progress = now;
      }
      if (best >= expect) {
        std::printf("{\"count\":%lld,\"elapsed_s\":%.6f,\"first_s\":%.6f}\n", static_cast<long long>(best),
                    now - t0, first);
        return 0;
      }
      if (now - last_progress > stall_s) {
        std::printf("{\"count\":%lld,\"elapsed_s\":%.6f,\"first_s\":%.6f,\"stalled\":true}\n",
                    static_cast<long long>(best), now - t0, first);
        return 2;
      }
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(interval_ms));
    }
  } catch (const std::exception& e) {
    std::cerr << "bench-kafka-count: " << e.what() << "\n";
    return 1;
  }
}
