// systemd integration (Type=notify, WatchdogSec=): READY=1 once the source is connected, STATUS= lines
// with the phase and counts, WATCHDOG=1 only while the agent loop keeps turning (a wedged loop is killed
// and restarted by systemd), STOPPING=1 when the drain starts. A no-op outside systemd (no NOTIFY_SOCKET).
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "main/metrics.h"

namespace cdc {

class ServiceNotifier {
 public:
  explicit ServiceNotifier(const AgentStats& stats);
  ~ServiceNotifier();  // sends STOPPING=1 and joins
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

 private:
  void loop();

  const AgentStats& stats_;
  uint64_t watchdog_usec_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace cdc
