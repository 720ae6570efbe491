// A correct client in a program that catches no signal: it takes EINTR for a failure, which Linux never returns to it.
//
//   no_handler_client blocking|nonblocking|select
//
// Without a signal handler, and without SO_SNDTIMEO or SO_RCVTIMEO on its socket, no
// connect, send or poll of this program can fail with EINTR (signal(7)), so it need not
// retry one: every failure it sees ends the program. blocking: a blocking connect and
// send; nonblocking: connect, then poll with a CLOCK_MONOTONIC deadline and SO_ERROR;
// select: the same, waiting with select() as older code does.
// Exits 0 if and only if it connected and the server received its message.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "loopback_server.h"

namespace {

constexpr long kDeadlineMs = 5000;

long monotonic_ms() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000 + now.tv_nsec / 1'000'000;
}

// Waits up to `left_ms` for `fd` to be writable, with poll or select: their result.
int wait_writable(int fd, long left_ms, bool with_select) {
  if (!with_select) {
    pollfd p{fd, POLLOUT, 0};
    return poll(&p, 1, static_cast<int>(left_ms));
  }
  if (fd >= FD_SETSIZE) {
    errno = EINVAL;
    return -1;
  }
  fd_set writable;
  FD_ZERO(&writable);
  FD_SET(fd, &writable);
  timeval timeout{left_ms / 1000, (left_ms % 1000) * 1000};
  return select(fd + 1, nullptr, &writable, nullptr, &timeout);
}

// The pending attempt's outcome: 0 or its error. A failed wait is a failure too.
int wait_for_connect(int fd, bool with_select) {
  const long deadline = monotonic_ms() + kDeadlineMs;
  for (long left = kDeadlineMs; left > 0; left = deadline - monotonic_ms()) {
    int ready = wait_writable(fd, left, with_select);
    if (ready < 0) return errno;
    if (ready == 0) continue;  // the deadline ends the loop
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
    return err;
  }
  return ETIMEDOUT;
}

// Connects a new socket: 0 and the socket, or the error (the socket closed).
int connect_to(const sockaddr_in& server, bool nonblocking, bool with_select, int& out_fd) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return errno;
  int err = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) < 0) {
    err = errno;
    if (nonblocking && err == EINPROGRESS) err = wait_for_connect(fd, with_select);
  }
  if (err != 0) {
    close(fd);
    return err;
  }
  out_fd = fd;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view style = argc == 2 ? argv[1] : "";
  if (style != "blocking" && style != "nonblocking" && style != "select") {
    std::fprintf(stderr, "usage: no_handler_client blocking|nonblocking|select\n");
    return 2;
  }
  sockaddr_in server{};
  int listener = connfuzz::examples::start_loopback_listener(server);
  int fd = -1;
  int err = connect_to(server, style != "blocking", style == "select", fd);
  if (err == 0) {
    const char ping[] = "ping";
    ssize_t sent = send(fd, ping, sizeof(ping), MSG_NOSIGNAL);
    err = sent == static_cast<ssize_t>(sizeof(ping)) ? connfuzz::examples::accept_and_read(listener, sizeof(ping))
                                                      : (sent < 0 ? errno : EPROTO);
    close(fd);
  }
  syscall(SYS_close, listener);
  if (err != 0) {
    std::fprintf(stderr, "no_handler_client %s: failed: %s\n", argv[1], std::strerror(err));
    return 1;
  }
  std::printf("no_handler_client %s: connected and sent a message\n", argv[1]);
  return 0;
}
