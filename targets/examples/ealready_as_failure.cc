// BUG: after EINTR it asks connect() again how the attempt went, takes 0 and EISCONN as
// connected and a second EINTR as "wait for it", but EALREADY, which says the attempt
// still goes on, as a failure. On loopback the kernel answers a re-connect after a lone
// EINTR with 0 (Linux completes the socket's connect then; EISCONN comes only after
// that), so only an EINTR followed by an EALREADY shows the bug: a fault pair.
#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult ealready_as_failure(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  int err = connect(fd, to.addr, to.len) == 0 ? 0 : errno;
  if (err == EINTR) {
    err = connect(fd, to.addr, to.len) == 0 ? 0 : errno;
    if (err == EISCONN) err = 0;
    else if (err == EINTR) err = wait_connected(fd, request.timeout_ms);
  }
  if (err != 0) return closed_failure(fd, err);  // EALREADY among them
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
