// Type=notify: the notifier speaks sd_notify's datagram protocol on $NOTIFY_SOCKET. The test plays
// systemd: it binds the socket, sets the variables systemd sets, and reads what the agent says.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "main/service_notify.h"
#include "tests/unit/main/phase_source.h"

namespace cdc {
namespace {

class FakeSystemd {
 public:
  FakeSystemd() {
    path_ = "/tmp/cdc-notify-" + std::to_string(::getpid()) + ".sock";
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~FakeSystemd() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  // Concatenates every datagram that arrives within `ms`.
  std::string read_for(int ms) {
    std::string all;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) all.append(buf, static_cast<size_t>(n)).append("\n");
    }
    return all;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST(ServiceNotify, ReadyOnlyOnceTheLoopRunsWatchdogOnlyWhileLive) {
  FakeSystemd systemd;
  ::setenv("WATCHDOG_USEC", "1000000", 1);  // 1 s: pings every 1/3 s, stall limit 1 s
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  AgentStats stats;
  cdc::test::PhaseSource src;
  stats.source = &src;
  {
    ServiceNotifier notifier(stats);
    std::string before = systemd.read_for(800);
    EXPECT_EQ(before.find("READY=1"), std::string::npos) << "ready before the loop ran: " << before;
    EXPECT_EQ(before.find("WATCHDOG=1"), std::string::npos) << before;
    EXPECT_NE(before.find("STATUS=connecting"), std::string::npos) << before;

    stats.loop_ms = AgentStats::now_ms();
    src.enter(event::Source::Phase::streaming);
    stats.events = 12;
    std::string live = systemd.read_for(800);
    EXPECT_NE(live.find("READY=1"), std::string::npos) << live;
    EXPECT_NE(live.find("WATCHDOG=1"), std::string::npos) << live;
    EXPECT_NE(live.find("STATUS=streaming, 12 events"), std::string::npos) << live;

    // The loop stops turning: pings stop, so systemd's watchdog would fire.
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    systemd.read_for(50);
    std::string wedged = systemd.read_for(700);
    EXPECT_EQ(wedged.find("WATCHDOG=1"), std::string::npos) << wedged;
  }
  EXPECT_NE(systemd.read_for(200).find("STOPPING=1"), std::string::npos);
}

}  // namespace
}  // namespace cdc
