// A correct client whose only bound on retrying a failed wait is its own deadline on CLOCK_MONOTONIC.
//
// It connects without blocking to a loopback listener of its own, then polls for the
// attempt's end, retrying a poll that fails with EINTR or EAGAIN for as long as its
// 5 s deadline has not passed (no count of retries: the clock alone ends the loop),
// sends one message, and exits 0 if and only if it connected and the message arrived;
// 1 with a message otherwise (at its deadline: "timed out").
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "loopback_server.h"

namespace {

constexpr long long kDeadlineMs = 5000;

long long now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// The attempt's outcome (0 or its error), or ETIMEDOUT once the deadline has passed.
int wait_until(int fd, long long deadline) {
  for (long long left; (left = deadline - now_ms()) > 0;) {
    pollfd p{fd, POLLOUT, 0};
    int n = poll(&p, 1, static_cast<int>(left));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;  // not ready to say: ask again
    if (n < 0) return errno;
    if (n == 0) continue;  // the deadline check ends the wait
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
    return err;
  }
  return ETIMEDOUT;
}

int connect_by(const sockaddr_in& server, long long deadline, int& out_fd) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int err = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) < 0) {
    err = errno;
    if (err == EINPROGRESS || err == EINTR || err == EALREADY) err = wait_until(fd, deadline);
  }
  if (err != 0) {
    close(fd);
    return err;
  }
  out_fd = fd;
  return 0;
}

}  // namespace

int main() {
  sockaddr_in server{};
  int listener = connfuzz::examples::start_loopback_listener(server);
  int fd = -1;
  int err = connect_by(server, now_ms() + kDeadlineMs, fd);
  if (err == 0) {
    const char ping[] = "ping";
    ssize_t sent;
    do sent = send(fd, ping, sizeof(ping), MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    err = sent == static_cast<ssize_t>(sizeof(ping)) ? connfuzz::examples::accept_and_read(listener, sizeof(ping))
                                                     : (sent < 0 ? errno : EPROTO);
    if (close(fd) < 0 && errno != EINTR) err = err ? err : errno;  // EINTR: closed anyway on Linux
  }
  syscall(SYS_close, listener);
  if (err != 0) {
    std::fprintf(stderr, "deadline_client: could not connect: %s\n",
                 err == ETIMEDOUT ? "timed out" : std::strerror(err));
    return 1;
  }
  std::printf("deadline_client: connected and exchanged a message\n");
  return 0;
}
