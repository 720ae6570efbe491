// The server side of the example clients: a loopback listener made with raw syscalls,
// so that it stands for a remote server and connfuzz sees only the client's calls.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace connfuzz::examples {

// A listener on 127.0.0.1 and a port the kernel picked; its address in `addr`.
inline int start_loopback_listener(sockaddr_in& addr) {
  int listener = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  addr = sockaddr_in{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  syscall(SYS_bind, listener, &addr, sizeof(addr));
  syscall(SYS_getsockname, listener, &addr, &len);
  syscall(SYS_listen, listener, 8);
  return listener;
}

// Accepts the client's connection and reads `want` bytes from it: 0, or why not. The
// wait is bounded: a client that only believes it connected must not hang here.
inline int accept_and_read(int listener, long want) {
  pollfd incoming{listener, POLLIN, 0};
  timespec limit{2, 0};
  if (syscall(SYS_ppoll, &incoming, 1, &limit, nullptr, 0) != 1) return ENOTCONN;
  int peer = static_cast<int>(syscall(SYS_accept4, listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (peer < 0) return EPROTO;
  char got[64];
  long total = 0;
  while (total < want) {
    pollfd readable{peer, POLLIN, 0};
    if (syscall(SYS_ppoll, &readable, 1, &limit, nullptr, 0) != 1) break;
    long n = syscall(SYS_read, peer, got, sizeof(got));
    if (n <= 0) break;
    total += n;
  }
  syscall(SYS_close, peer);
  return total >= want ? 0 : EPROTO;
}

}  // namespace connfuzz::examples
