// The kernel as a target: one socket(), one connect(), the answers as they come.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "posix/posix_connect.h"

namespace connfuzz::targets {

ConnectResult kernel_raw_connect(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  int fd = socket(request.domain, request.type | SOCK_CLOEXEC, request.protocol);
  if (fd < 0) return failure(errno, std::string("socket: ") + std::strerror(errno));
  if (connect(fd, to.addr, to.len) != 0) {
    int err = errno;
    // A real signal (the engine's timer; plans are dropped here) interrupted a connect
    // that blocked: the attempt goes on, and its end is the kernel's answer.
    if (err == EINTR) err = wait_connected(fd, request.timeout_ms);
    if (err != 0) {
      close(fd);
      return failure(err, std::string("connect: ") + std::strerror(err));
    }
  }
  ConnectResult result;
  result.fd = fd;
  return result;
}

}  // namespace connfuzz::targets
