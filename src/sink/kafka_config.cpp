#include "sink/kafka_config.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "util/error.h"

namespace cdc {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Settings under which "a position never passes an undelivered row" or per-key order would no longer
// hold. They are refused rather than silently overridden, so the YAML never says something untrue.
void refuse_unsafe(const std::string& key, const std::string& value, std::vector<std::string>& errors) {
  const std::string v = lower(value);
  if (key == "enable.idempotence" && v != "true" && v != "1")
    errors.push_back("sink.kafka.enable.idempotence: must stay true; without it a retried batch can be "
                     "written twice or out of order, breaking per-key order. Remove the key.");
  if ((key == "acks" || key == "request.required.acks") && v != "all" && v != "-1")
    errors.push_back("sink.kafka." + key + ": must be all (got " + value +
                     "); with fewer acknowledgements a leader failover loses rows Kafka already confirmed. "
                     "Remove the key.");
  if (key == "transactional.id")
    errors.push_back("sink.kafka.transactional.id: transactional producing is not supported; the agent gets "
                     "at-least-once from idempotence plus acknowledging positions only after delivery. "
                     "Remove the key.");
}

}  // namespace

KafkaConfPtr make_kafka_conf(const std::map<std::string, std::string>& user) {
  KafkaConfPtr conf(rd_kafka_conf_new());
  std::vector<std::string> errors;
  char errstr[512];
  auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
      errors.push_back("sink.kafka." + key + ": " + errstr);
  };
  for (const auto& d : kKafkaDefaults) set(std::string(d.key), std::string(d.value));
  set("client.id", "cdc-agent");
  for (const auto& [key, value] : user) {
    refuse_unsafe(key, value, errors);
    set(key, value);
  }
  if (!errors.empty()) {
    std::string msg = "invalid Kafka producer configuration:";
    for (const auto& e : errors) msg += "\n  " + e;
    throw Error(ExitCode::config, msg);
  }
  return conf;
}

}  // namespace cdc
