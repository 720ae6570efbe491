// BUG: EAGAIN is retried with no bound and no back-off.
#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult eagain_spin(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  int err;
  while ((err = connect(fd, to.addr, to.len) == 0 ? 0 : errno) == EAGAIN) {
  }
  if (err == EINTR) err = wait_connected(fd, request.timeout_ms);
  if (err != 0) return closed_failure(fd, err);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
