// What the buggy examples share, so that each example file holds only its bug.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "buggy_connect.h"
#include "posix/posix_connect.h"
#include "posix/worker_thread.h"

namespace connfuzz::targets::examples {

inline ConnectResult connected(int fd) {
  ConnectResult result;
  result.fd = fd;
  return result;
}

inline ConnectResult closed_failure(int fd, int err) {
  close(fd);
  return failure(err, std::strerror(err));
}

inline int open_socket(const ConnectRequest& request, bool nonblocking) {
  return socket(request.domain, request.type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), request.protocol);
}

// The start of the non-blocking examples whose bug comes after it: the socket with its
// attempt in progress, or the answer already known (`done`: connected, or failed and closed).
struct NonBlockingStart {
  int fd = -1;
  std::optional<ConnectResult> done;
};

inline NonBlockingStart start_nonblocking(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return {-1, unspec_refused()};
  int fd = open_socket(request, true);
  if (fd < 0) return {-1, failure(errno, "socket")};
  if (connect(fd, to.addr, to.len) == 0) return {fd, connected(fd)};
  if (errno != EINPROGRESS) return {-1, closed_failure(fd, errno)};
  return {fd, std::nullopt};
}

// connect() on a blocking socket with an interrupted attempt waited out, as a correct
// caller does: 0 or the errno. Examples whose bug lies elsewhere connect with this.
inline int connect_blocking(int fd, const sockaddr* addr, socklen_t len, int timeout_ms) {
  int err = connect(fd, addr, len) == 0 ? 0 : errno;
  return err == EINTR ? wait_connected(fd, timeout_ms) : err;
}

}  // namespace connfuzz::targets::examples
