// A loopback HTTP server for tests that point real programs (curl, wget, Python) at
// something to connect to. It answers every request with a short 200 and stops when
// it goes out of scope; every wait in it is bounded.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>

namespace connfuzz::testing {

class LoopbackHttpServer {
 public:
  LoopbackHttpServer() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    listen(listener_, 64);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackHttpServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  void serve() {
    // At most a day of 100 ms waits, and far fewer in practice: the test ends it.
    for (int round = 0; round < 864000 && !stop_; ++round) {
      pollfd incoming{listener_, POLLIN, 0};
      if (poll(&incoming, 1, 100) != 1) continue;
      int peer = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (peer < 0) continue;
      answer(peer);
      close(peer);
    }
  }
  static void answer(int peer) {
    std::string request;
    char buffer[1024];
    for (int reads = 0; reads < 64 && request.find("\r\n\r\n") == std::string::npos; ++reads) {
      pollfd readable{peer, POLLIN, 0};
      if (poll(&readable, 1, 1000) != 1) return;
      ssize_t n = read(peer, buffer, sizeof(buffer));
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    const char reply[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";
    (void)!write(peer, reply, sizeof(reply) - 1);
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace connfuzz::testing
