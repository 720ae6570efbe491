/* A dial() written from the contract alone, in C, as a user would: the fuzzers must find
 * nothing in it. Non-blocking connect, a wait bounded by what is left of timeout_ms,
 * SO_ERROR, the socket closed on every failure. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

#include <connfuzz/connfuzz.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int fail(int fd, int err) {
  close(fd);
  errno = err;
  return -1;
}

/* Waits until the attempt on fd ends or the deadline passes: 0 and *err the outcome. */
static int wait_connected(int fd, long long deadline, int *err) {
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0) return *err = ETIMEDOUT, 0;
    struct pollfd p = {fd, POLLOUT, 0};
    int n = poll(&p, 1, (int)left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return *err = errno, 0;
    if (n == 0) continue; /* the loop's deadline check decides */
    socklen_t len = sizeof(*err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) != 0) *err = errno;
    if (*err == EINPROGRESS || *err == EALREADY || *err == EINTR || *err == EAGAIN) continue;
    return 0;
  }
}

int correct_dial(const struct sockaddr *sa, socklen_t len, int timeout_ms) {
  if (len < sizeof(sa_family_t)) return errno = EINVAL, -1;
  if (sa->sa_family == AF_UNSPEC) return errno = EAFNOSUPPORT, -1; /* dissolves, connects nothing */
  long long deadline = now_ms() + timeout_ms;
  int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int err = 0;
  if (connect(fd, sa, len) != 0) {
    err = errno;
    if (err == EINPROGRESS || err == EINTR || err == EALREADY) wait_connected(fd, deadline, &err);
  }
  if (err != 0) return fail(fd, err);
  return fd;
}

CONNFUZZ_DIAL(correct_dial)
