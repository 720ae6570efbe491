// BUG: EAGAIN is retried with no bound and no back-off.
#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult eagain_spin(const ConnectRequest& request) {
  const Endpoint& to = request.endpoints.front();
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  int r;
  while ((r = connect(fd, to.addr, to.len)) != 0 && errno == EAGAIN) {
  }
  if (r != 0) return closed_failure(fd, errno);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
