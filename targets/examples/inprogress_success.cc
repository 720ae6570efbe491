// BUG: EINPROGRESS means "not yet", not "connected".
#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult inprogress_success(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, true);
  if (fd < 0) return failure(errno, "socket");
  if (connect(fd, to.addr, to.len) != 0 && errno != EINPROGRESS) return closed_failure(fd, errno);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
