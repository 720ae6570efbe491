// BUG: one socklen_t serves as the address length and as getsockopt's option length,
// so after SO_ERROR reports a failure the retry connects with a length of 4.
#include <poll.h>

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult shared_length(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  socklen_t len = to.len;
  int err = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = open_socket(request, true);
    if (fd < 0) return failure(errno, "socket");
    if (connect(fd, to.addr, len) == 0) return connected(fd);
    if (errno != EINPROGRESS) return closed_failure(fd, errno);
    pollfd p{fd, POLLOUT, 0};
    int ready;
    while ((ready = poll(&p, 1, request.timeout_ms)) < 0 && errno == EINTR) {
    }
    if (ready != 1) return closed_failure(fd, ETIMEDOUT);
    len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return closed_failure(fd, errno);
    if (err == 0) return connected(fd);
    close(fd);  // refused: try once more on a new socket
  }
  return failure(err, std::strerror(err));
}

}  // namespace connfuzz::targets::examples
