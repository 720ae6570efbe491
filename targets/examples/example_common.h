// What the buggy examples share, so that each example file holds only its bug.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

// connect() on a blocking socket with an interrupted attempt waited out, as a correct
// caller does: 0 or the errno. Examples whose bug lies elsewhere connect with this.
inline int connect_blocking(int fd, const sockaddr* addr, socklen_t len, int timeout_ms) {
  int err = connect(fd, addr, len) == 0 ? 0 : errno;
  return err == EINTR ? wait_connected(fd, timeout_ms) : err;
}

}  // namespace connfuzz::targets::examples
