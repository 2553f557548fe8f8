// Small librdkafka helpers shared by the benchmark tools: handle creation from "key=value" properties
// and wall/CPU clocks, so each tool reports its own timing next to what bench/run measures outside.
#pragma once
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <vector>

namespace cdc::bench {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// Builds a producer or consumer from bootstrap servers plus "key=value" overrides; `conf_setup` may
// register callbacks on the configuration before the handle takes ownership of it.
// Throws std::runtime_error naming the property librdkafka rejected.
KafkaHandle make_handle(rd_kafka_type_t type, const std::string& bootstrap,
                        const std::vector<std::string>& props,
                        void (*conf_setup)(rd_kafka_conf_t*) = nullptr);

double wall_seconds();     // monotonic clock
double process_cpu_seconds();  // user + system CPU of this process so far

}  // namespace cdc::bench
