// BUG: after EINTR the attempt is still going on, but this calls connect() again and gives up.
#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult eintr_reconnect(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  int r = connect(fd, to.addr, to.len);
  if (r != 0 && errno == EINTR) r = connect(fd, to.addr, to.len);  // EALREADY or EISCONN now
  if (r != 0) return closed_failure(fd, errno);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
