// cdc-dev-kafka: a 3-broker Kafka cluster on 127.0.0.1 for tests and the quickstart, built on
// librdkafka's in-process mock cluster (rdkafka_mock.h). Prints the bootstrap list as its first
// stdout line and serves line commands (see mock_control.h) on a loopback TCP control port.
// Runs until SIGTERM or SIGINT.
//
// Limits of the mock cluster (librdkafka 2.0.2): each partition keeps only its last ~5 MB /
// 100000 message sets; auto-created topics get 4 partitions and replication 3 (not configurable,
// use `create-topic` for other counts); leaders never move unless told (`leader ...`).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/env/mock_control.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() must return EINTR so the loop sees the flag
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the cluster
}

// Written via rename so a script polling for the file never reads half of it.
void write_file_atomically(const std::string& path, const std::string& content) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content << '\n';
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Fd listen_loopback(uint16_t port, uint16_t* bound_port) {
  Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(s.fd, 8) != 0)
    throw std::runtime_error("control port " + std::to_string(port) + ": " + std::strerror(errno));
  socklen_t len = sizeof addr;
  ::getsockname(s.fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *bound_port = ntohs(addr.sin_port);
  return s;
}

// One connected control client: buffers input until a full line arrives.
struct Client {
  Fd fd;
  std::string pending;
};

// Answers every complete line in the client's buffer. Returns false when the client is gone.
bool serve_client(Client& c, rd_kafka_mock_cluster_t* cluster) {
  char buf[4096];
  const ssize_t n = ::read(c.fd.fd, buf, sizeof buf);
  if (n <= 0) return false;
  c.pending.append(buf, static_cast<size_t>(n));
  for (size_t nl; (nl = c.pending.find('\n')) != std::string::npos;) {
    std::string line = c.pending.substr(0, nl);
    c.pending.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string reply = cdc::devkafka::run_command(cluster, line) + "\n";
    std::cerr << "control: " << line << " -> " << reply << std::flush;
    if (::write(c.fd.fd, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size()))
      return false;
  }
  return c.pending.size() < 65536;  // a client that never sends a newline is dropped
}

void serve_until_signal(Fd& listener, rd_kafka_mock_cluster_t* cluster) {
  std::vector<Client> clients;
  while (!g_stop) {
    std::vector<pollfd> fds{{listener.fd, POLLIN, 0}};
    for (const auto& c : clients) fds.push_back({c.fd.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 500) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    // Serve existing clients first: accepting may reallocate `clients`.
    for (size_t i = fds.size() - 1; i >= 1; --i)
      if (fds[i].revents && !serve_client(clients[i - 1], cluster))
        clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i - 1));
    if (fds[0].revents & POLLIN) {
      const int fd = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) clients.push_back(Client{Fd(fd), {}});
    }
  }
}

struct Options {
  int brokers = 3;
  std::string bootstrap_file;
  uint16_t control_port = 0;
  std::string control_file;
};

int run(const Options& opt) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the mock cluster; it never talks to a broker itself.
  rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr);
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr), &rd_kafka_destroy);
  if (!rk) throw std::runtime_error(std::string("rd_kafka_new: ") + errstr);
  std::unique_ptr<rd_kafka_mock_cluster_t, decltype(&rd_kafka_mock_cluster_destroy)> cluster(
      rd_kafka_mock_cluster_new(rk.get(), opt.brokers), &rd_kafka_mock_cluster_destroy);
  if (!cluster) throw std::runtime_error("rd_kafka_mock_cluster_new failed");

  uint16_t control_port = 0;
  Fd listener = listen_loopback(opt.control_port, &control_port);
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster.get());
  std::cout << bootstrap << '\n' << "control 127.0.0.1:" << control_port << std::endl;
  write_file_atomically(opt.control_file, "127.0.0.1:" + std::to_string(control_port));
  write_file_atomically(opt.bootstrap_file, bootstrap);

  serve_until_signal(listener, cluster.get());
  std::cerr << "cdc-dev-kafka: stopping\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Dev Kafka cluster on 127.0.0.1 (librdkafka mock cluster) with a control port"};
  Options opt;
  app.add_option("--brokers", opt.brokers, "number of brokers")->check(CLI::Range(1, 16));
  app.add_option("--bootstrap-file", opt.bootstrap_file, "write the bootstrap list here");
  app.add_option("--control-port", opt.control_port, "loopback TCP control port (0 = any free)");
  app.add_option("--control-file", opt.control_file, "write the control host:port here");
  CLI11_PARSE(app, argc, argv);

  install_signal_handlers();
  try {
    return run(opt);
  } catch (const std::exception& e) {
    std::cerr << "cdc-dev-kafka: " << e.what() << '\n';
    return 1;
  }
}
