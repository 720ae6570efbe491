// BUG: computes its timeout once and waits it in full again after every EINTR: an
// attempt interrupted more often than its timeout is long is waited for for ever.
#include <poll.h>

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult timeout_not_reduced(const ConnectRequest& request) {
  NonBlockingStart start = start_nonblocking(request);
  if (start.done) return *start.done;
  int fd = start.fd;
  pollfd p{fd, POLLOUT, 0};
  int n;
  while ((n = poll(&p, 1, request.timeout_ms)) < 0 && errno == EINTR) {
  }
  if (n == 0) return closed_failure(fd, ETIMEDOUT);
  if (n < 0) return closed_failure(fd, errno);
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return closed_failure(fd, errno);  // its one bug is the wait
  return err == 0 ? connected(fd) : closed_failure(fd, err);
}

}  // namespace connfuzz::targets::examples
