// BUG: sets SO_SNDTIMEO on a blocking socket and gives up with the EINPROGRESS Linux
// returns when it runs out, as if the connection had been refused.

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult sndtimeo_as_failure(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  set_send_timeout(fd, request.timeout_ms);
  int err = connect_blocking(fd, to.addr, to.len, request.timeout_ms);
  if (err != 0) return closed_failure(fd, err);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
