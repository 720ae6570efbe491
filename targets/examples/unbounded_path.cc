// BUG: sun_path need not end in a NUL within the address; strcpy reads and writes past it.
#include <sys/un.h>

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult unbounded_path(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  sockaddr_un local{};
  local.sun_family = AF_UNIX;
  if (to.len > sizeof(sa_family_t) && to.addr->sa_family == AF_UNIX)
    std::strcpy(local.sun_path, reinterpret_cast<const sockaddr_un*>(to.addr)->sun_path);
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  if (int err = connect_blocking(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local), request.timeout_ms))
    return closed_failure(fd, err);
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
