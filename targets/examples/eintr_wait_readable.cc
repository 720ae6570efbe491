// BUG: after EINTR it waits for the attempt with POLLIN and no deadline. A connection
// becomes writable, not readable, so unless the server speaks first it waits forever.
#include <poll.h>

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult eintr_wait_readable(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  if (connect(fd, to.addr, to.len) != 0) {
    if (errno != EINTR) return closed_failure(fd, errno);
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return closed_failure(fd, err ? err : errno);
  }
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
