#include "kafka_util.h"

#include <sys/resource.h>

#include <chrono>
#include <stdexcept>

namespace cdc::bench {

namespace {
void set_prop(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error("property " + key + ": " + err);
  }
}
}  // namespace

KafkaHandle make_handle(rd_kafka_type_t type, const std::string& bootstrap,
                        const std::vector<std::string>& props, void (*conf_setup)(rd_kafka_conf_t*)) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set_prop(conf, "bootstrap.servers", bootstrap);
  for (const auto& kv : props) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error("expected key=value, got " + kv);
    }
    set_prop(conf, kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (conf_setup) conf_setup(conf);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);  // owns conf on success
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("rd_kafka_new: ") + err);
  }
  return KafkaHandle(rk);
}

double wall_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double process_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

}  // namespace cdc::bench
