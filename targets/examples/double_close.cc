// BUG: the failure path closes the socket, and the cleanup below closes it again.
#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult double_close(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  int err = connect_blocking(fd, to.addr, to.len, request.timeout_ms);
  if (err != 0) close(fd);
  if (err != 0) return closed_failure(fd, err);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
