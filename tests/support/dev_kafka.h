// A private cdc-dev-kafka cluster for one test. The shared cluster of the test_env fixture serves
// every test that ctest runs in parallel, so a test that stops brokers or injects errors must use
// its own, or it would break its neighbours.
#pragma once

#include <sys/types.h>

#include <string>

#include "tests/support/test_env.h"

namespace cdc::test {

class DevKafka {
 public:
  // Starts cdc-dev-kafka (CDC_DEV_KAFKA, else the one this build made) and waits
  // until it serves; throws std::runtime_error if it does not within 15 s.
  explicit DevKafka(int brokers = 3);
  ~DevKafka();  // SIGTERM, then SIGKILL after 5 s
  DevKafka(const DevKafka&) = delete;
  DevKafka& operator=(const DevKafka&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }
  KafkaControl control() const { return KafkaControl(control_); }
  pid_t pid() const { return pid_; }

 private:
  void stop() noexcept;

  pid_t pid_ = -1;
  std::string dir_;
  std::string bootstrap_;
  std::string control_;
};

// Path of the cdc-dev-kafka program this build made.
std::string dev_kafka_program();

}  // namespace cdc::test
