// A correct client whose only bound on retrying a failed wait is its own deadline on CLOCK_MONOTONIC.
//
// It connects without blocking to a loopback listener of its own, then polls for the
// attempt's end, retrying a poll that fails with EINTR or EAGAIN for as long as its
// 5 s deadline has not passed (no count of retries: the clock alone ends the loop),
// sends one message, and exits 0 if and only if it connected and the message arrived;
// 1 with a message otherwise (at its deadline: "timed out").
//
//   deadline_client [--ask-by-connect]
//
// With --ask-by-connect it learns how the attempt ended by calling connect() again once
// poll says writable, as some libraries do: on Linux a socket is writable only once its
// attempt is over, so 0 or EISCONN is a connection and anything else its error.
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

bool still_connecting(int err) { return err == EINPROGRESS || err == EINTR || err == EALREADY; }

// How the attempt ended, as connect() again says it: 0 or its error.
int ask_by_connect(int fd, const sockaddr_in& server) {
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) == 0 || errno == EISCONN) return 0;
  return errno;
}

// The attempt's outcome (0 or its error), or ETIMEDOUT once the deadline has passed.
int wait_until(int fd, const sockaddr_in& server, long long deadline, bool by_connect) {
  for (long long left; (left = deadline - now_ms()) > 0;) {
    pollfd p{fd, POLLOUT, 0};
    int n = poll(&p, 1, static_cast<int>(left));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;  // not ready to say: ask again
    if (n < 0) return errno;
    if (n == 0) continue;  // the deadline check ends the wait
    if (by_connect) return ask_by_connect(fd, server);
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
    return err;
  }
  return ETIMEDOUT;
}

int connect_by(const sockaddr_in& server, long long deadline, bool by_connect, int& out_fd) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int err = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) < 0) {
    err = errno;
    if (still_connecting(err)) err = wait_until(fd, server, deadline, by_connect);
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
  bool by_connect = argc == 2 && std::strcmp(argv[1], "--ask-by-connect") == 0;
  if (argc > 2 || (argc == 2 && !by_connect)) {
    std::fprintf(stderr, "usage: deadline_client [--ask-by-connect]\n");
    return 2;
  }
  sockaddr_in server{};
  int listener = connfuzz::examples::start_loopback_listener(server);
  int fd = -1;
  int err = connect_by(server, now_ms() + kDeadlineMs, by_connect, fd);
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
