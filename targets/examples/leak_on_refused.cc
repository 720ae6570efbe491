// BUG: the refused path returns before close().
#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult leak_on_refused(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  if (int err = connect_blocking(fd, to.addr, to.len, request.timeout_ms); err != 0) {
    if (err == ECONNREFUSED) return failure(ECONNREFUSED, "refused");
    return closed_failure(fd, err);
  }
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
