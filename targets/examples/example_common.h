// What the buggy examples share, so that each example file holds only its bug.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "buggy_connect.h"

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

// connect() to AF_UNSPEC dissolves rather than connects: every example refuses it,
// so that the only bug an example has is its own.
inline bool dissolves(const Endpoint& to) {
  return to.len >= sizeof(sa_family_t) && to.addr->sa_family == AF_UNSPEC;
}

inline ConnectResult rejected_unspec() {
  ConnectResult result = failure(EAFNOSUPPORT, "AF_UNSPEC is no destination");
  result.rejected_input = true;
  return result;
}

inline int open_socket(const ConnectRequest& request, bool nonblocking) {
  return socket(request.domain, request.type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), request.protocol);
}

// The correct answer to EINTR, for examples whose bug lies elsewhere: the attempt
// goes on; wait for it and read how it ended.
inline int wait_then_so_error(int fd, int timeout_ms) {
  for (int wait = 0; wait < 16; ++wait) {
    pollfd p{fd, POLLOUT, 0};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n == 0 ? ETIMEDOUT : errno;
    int err = 0;
    socklen_t len = sizeof(err);
    return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 ? err : errno;
  }
  return ETIMEDOUT;
}

}  // namespace connfuzz::targets::examples
