/* BUG: takes connect()'s EINPROGRESS for a connection, as a hurried dial() does. */
#include <errno.h>
#include <unistd.h>

#include <connfuzz/connfuzz.h>

int inprogress_dial(const struct sockaddr *sa, socklen_t len, int timeout_ms) {
  (void)timeout_ms;
  if (len < sizeof(sa_family_t) || sa->sa_family == AF_UNSPEC) return errno = EINVAL, -1;
  int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  if (connect(fd, sa, len) != 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    return errno = err, -1;
  }
  return fd;
}

CONNFUZZ_DIAL(inprogress_dial)
