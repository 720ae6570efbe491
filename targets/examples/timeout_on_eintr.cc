// BUG: takes an interrupted wait for its deadline and reports a timeout long before
// its timeout has passed.
#include <poll.h>

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult timeout_on_eintr(const ConnectRequest& request) {
  NonBlockingStart start = start_nonblocking(request);
  if (start.done) return *start.done;
  int fd = start.fd;
  pollfd p{fd, POLLOUT, 0};
  int n = poll(&p, 1, request.timeout_ms);
  if (n <= 0) return closed_failure(fd, n == 0 || errno == EINTR ? ETIMEDOUT : errno);
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return closed_failure(fd, errno);  // its one bug is the timeout
  return err == 0 ? connected(fd) : closed_failure(fd, err);
}

}  // namespace connfuzz::targets::examples
