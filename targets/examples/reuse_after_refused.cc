// BUG: a refused connect is retried on the same socket, whose state POSIX leaves unspecified.
#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult reuse_after_refused(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  int err = connect_blocking(fd, to.addr, to.len, request.timeout_ms);
  for (int retry = 0; retry < 2 && err == ECONNREFUSED; ++retry)
    err = connect_blocking(fd, to.addr, to.len, request.timeout_ms);
  if (err != 0) return closed_failure(fd, err);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
