/* The trivial dial of the API-overhead benchmark: connect, hand the socket back. */
#include <errno.h>
#include <unistd.h>

#include "trivial_dial.h"

int trivial_dial(const struct sockaddr *sa, socklen_t len, int timeout_ms) {
  (void)timeout_ms;
  if (len < sizeof(sa_family_t)) return errno = EINVAL, -1;
  int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, sa, len) != 0) {
    int err = errno;
    close(fd);
    return errno = err, -1;
  }
  return fd;
}
