// BUG: takes an interrupted wait for its deadline and reports a timeout long before
// its timeout has passed.
#include <poll.h>

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult timeout_on_eintr(const ConnectRequest& request) {
  const Endpoint& to = request.endpoints.front();
  if (dissolves(to)) return unspec_refused();
  int fd = open_socket(request, true);
  if (fd < 0) return failure(errno, "socket");
  if (connect(fd, to.addr, to.len) == 0) return connected(fd);
  if (errno != EINPROGRESS) return closed_failure(fd, errno);
  pollfd p{fd, POLLOUT, 0};
  int n = poll(&p, 1, request.timeout_ms);
  if (n <= 0) return closed_failure(fd, n == 0 || errno == EINTR ? ETIMEDOUT : errno);
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err == 0 ? connected(fd) : closed_failure(fd, err);
}

}  // namespace connfuzz::targets::examples
