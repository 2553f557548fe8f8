#include "main/service_notify.h"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace cdc {

ServiceNotifier::ServiceNotifier(const AgentStats& stats) : stats_(stats) {
  if (!std::getenv("NOTIFY_SOCKET")) return;  // not started by systemd with Type=notify
  if (sd_watchdog_enabled(0, &watchdog_usec_) <= 0) watchdog_usec_ = 0;
  thread_ = std::thread([this] { loop(); });
}

ServiceNotifier::~ServiceNotifier() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lk(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
  sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void ServiceNotifier::loop() {
  // Ping at a third of the watchdog interval; without a watchdog, refresh STATUS every 5 s.
  const auto period = watchdog_usec_ ? std::chrono::microseconds(watchdog_usec_ / 3) : std::chrono::microseconds(5'000'000);
  bool ready = false;
  std::unique_lock lk(mu_);
  while (!done_) {
    const int64_t now = AgentStats::now_ms();
    // The watchdog stall limit follows WatchdogSec when set, so systemd decides how long a wedge may last.
    const int64_t stall_ms = watchdog_usec_ ? static_cast<int64_t>(watchdog_usec_ / 1000) : 60'000;
    const bool live = is_live(stats_, now, stall_ms);
    std::string msg;
    if (!ready && live) {
      msg += "READY=1\n";  // the source connected and the loop runs (a long snapshot must not time out the start)
      ready = true;
    }
    if (live && watchdog_usec_) msg += "WATCHDOG=1\n";
    msg += "STATUS=";
    const auto phase = stats_.phase();
    msg += stats_.stopping                            ? "stopping"
           : phase == AgentStats::Phase::snapshot  ? "snapshot"
           : phase == AgentStats::Phase::streaming ? "streaming"
                                                   : "connecting";
    msg += ", " + std::to_string(stats_.events.load()) + " events, " +
           std::to_string(stats_.messages_delivered.load()) + " delivered, " + std::to_string(stats_.acks.load()) +
           " positions acknowledged";
    sd_notify(0, msg.c_str());
    cv_.wait_for(lk, period, [this] { return done_; });
  }
}

}  // namespace cdc
