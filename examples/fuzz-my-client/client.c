/* The client library's connect: non-blocking, so that it could keep a deadline.
 * It has one bug, the one this example finds: it takes connect()'s EINPROGRESS
 * ("the attempt goes on") for a connection and returns the descriptor at once. */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int fail(int fd, int err) {
  close(fd);
  errno = err;
  return -1;
}

int client_dial(const struct sockaddr *sa, socklen_t len, int timeout_ms) {
  (void)timeout_ms;
  int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return fail(fd, errno);
  /* BUG: EINPROGRESS means "not yet": wait with poll() until timeout_ms, then read
   * SO_ERROR, before calling it connected. */
  if (connect(fd, sa, len) != 0 && errno != EINPROGRESS) return fail(fd, errno);
  return fd;
}
