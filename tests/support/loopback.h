// Loopback peers for tests: a listener on port 0 and a port that refuses.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace connfuzz::testing {

// Raw syscalls, so the test's own plumbing never passes through the interposer.
inline int raw_socket(int domain, int type) { return static_cast<int>(syscall(SYS_socket, domain, type, 0)); }
inline int raw_close(int fd) { return static_cast<int>(syscall(SYS_close, fd)); }

inline sockaddr_in loopback(in_port_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = port;
  return a;
}

// A socket bound to 127.0.0.1:0; listening or not (a bound, non-listening TCP
// port answers SYNs with RST: a real ECONNREFUSED that no other test can take over).
class LoopbackPort {
 public:
  explicit LoopbackPort(bool listening) {
    fd_ = raw_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK);
    addr_ = loopback(0);
    syscall(SYS_bind, fd_, &addr_, sizeof(addr_));
    socklen_t len = sizeof(addr_);
    syscall(SYS_getsockname, fd_, &addr_, &len);
    if (listening) syscall(SYS_listen, fd_, 64);
  }
  ~LoopbackPort() { raw_close(fd_); }
  LoopbackPort(const LoopbackPort&) = delete;
  LoopbackPort& operator=(const LoopbackPort&) = delete;

  const sockaddr* addr() const { return reinterpret_cast<const sockaddr*>(&addr_); }
  socklen_t len() const { return sizeof(addr_); }
  int fd() const { return fd_; }

  // Accepts one pending connection without blocking; -1 if none.
  int accept_one() const { return static_cast<int>(syscall(SYS_accept4, fd_, nullptr, nullptr, SOCK_NONBLOCK)); }

 private:
  int fd_ = -1;
  sockaddr_in addr_{};
};

}  // namespace connfuzz::testing
