// A loopback TCP proxy for fault tests: forwards every connection to host:port (IPv4), and can
//  - freeze: stop forwarding in both directions without closing, as a peer behind a dead network path does
//    (no FIN, no RST, just nothing);
//  - damage the server-to-client bytes through a filter that may change them, shorten them, or end the
//    connection after forwarding what it kept.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cdc::test {

class TcpProxy {
 public:
  // Called with each chunk read from the server, before it is forwarded. It may modify the bytes or
  // lower `n`; returning false forwards the first `n` bytes and then closes both sides.
  using ServerFilter = std::function<bool(char* data, size_t& n)>;

  TcpProxy(std::string host, unsigned port, ServerFilter filter = nullptr)
      : host_(std::move(host)), port_(port), filter_(std::move(filter)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    listen_port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~TcpProxy() {
    stop_ = true;
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (auto& t : pumps_) t.join();
    ::close(listen_fd_);
  }
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  unsigned port() const { return listen_port_; }
  void freeze() { frozen_ = true; }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd lp{listen_fd_, POLLIN, 0};
      if (::poll(&lp, 1, 100) <= 0) continue;
      int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      std::lock_guard lock(mu_);
      pumps_.emplace_back([this, client] { pump(client); });
    }
  }

  void pump(int client) {
    int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    ::inet_pton(AF_INET, host_.c_str(), &a.sin_addr);
    if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      std::vector<char> buf(1 << 16);
      bool done = false;
      while (!stop_ && !done) {
        if (frozen_) {
          ::usleep(100000);
          continue;
        }
        pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (::poll(p, 2, 100) <= 0) continue;
        for (int i = 0; i < 2 && !done; ++i) {
          if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
          ssize_t got = ::read(p[i].fd, buf.data(), buf.size());
          if (got <= 0) {
            done = true;
            break;
          }
          auto n = static_cast<size_t>(got);
          bool keep_open = true;
          if (i == 1 && filter_) keep_open = filter_(buf.data(), n);
          if (::write(p[1 - i].fd, buf.data(), n) != static_cast<ssize_t>(n) || !keep_open) done = true;
        }
      }
    }
    ::close(server);
    ::close(client);
  }

  std::string host_;
  unsigned port_;
  ServerFilter filter_;
  int listen_fd_ = -1;
  unsigned listen_port_ = 0;
  std::atomic<bool> stop_{false}, frozen_{false};
  std::mutex mu_;
  std::vector<std::thread> pumps_;
  std::thread acceptor_;
};

}  // namespace cdc::test
