// BUG: poll() saying writable only means the attempt ended; SO_ERROR says how.
#include <poll.h>

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult no_so_error(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, true);
  if (fd < 0) return failure(errno, "socket");
  if (connect(fd, to.addr, to.len) != 0) {
    if (errno != EINPROGRESS) return closed_failure(fd, errno);
    pollfd p{fd, POLLOUT, 0};
    int ready;
    while ((ready = poll(&p, 1, request.timeout_ms)) < 0 && errno == EINTR) {
    }
    if (ready != 1) return closed_failure(fd, ETIMEDOUT);
  }
  if (send(fd, "x", 1, MSG_NOSIGNAL) != 1) return closed_failure(fd, errno);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
