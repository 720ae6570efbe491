// A connect() client that handles every documented failure: the reference that
// connfuzz's examples and main job run under fault plans.
//
// It connects to a loopback listener of its own (made with raw syscalls, so that it
// stands for a remote server and connfuzz sees only the client), exchanges one
// message, and exits 0 if and only if it connected and did its job; 1 with a message
// when the connection failed for a reason it could not overcome.
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

constexpr int kAttempts = 3;         // for out-of-resources errors, with back-off
constexpr int kConnectTimeoutMs = 5000;

bool out_of_resources(int err) { return err == EAGAIN || err == ENOBUFS || err == ENOSR || err == EMFILE || err == ENFILE || err == ENOMEM; }

// Waits for a pending attempt and returns its outcome (0 or the error), as the
// Linux man page says: poll for writability, retrying the wait on EINTR, then SO_ERROR.
int wait_for_connect(int fd) {
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (true) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (elapsed >= kConnectTimeoutMs) return ETIMEDOUT;
    pollfd p{fd, POLLOUT, 0};
    int ready = poll(&p, 1, static_cast<int>(kConnectTimeoutMs - elapsed));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return errno;
    if (ready == 0) continue;  // the deadline check above ends the wait
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
    return err;
  }
}

// One attempt on a new socket: 0 and the socket, or the error (the socket closed).
int attempt(const sockaddr_in& server, int& out_fd) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    int err = errno;
    close(fd);
    return err;
  }
  int err = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) < 0) {
    err = errno;
    // Still connecting: the attempt goes on in the kernel.
    if (err == EINPROGRESS || err == EINTR || err == EALREADY) err = wait_for_connect(fd);
    else if (err == EISCONN) err = 0;
  }
  if (err != 0) {
    close(fd);  // after a failure the socket's state is unspecified: never reuse it
    return err;
  }
  out_fd = fd;
  return 0;
}

int exchange(int fd, int listener) {
  const char ping[] = "ping";
  ssize_t sent;
  int busy = 0;  // EAGAIN: the send buffer is full (or a send timeout passed); a bounded number of retries
  do sent = send(fd, ping, sizeof(ping), MSG_NOSIGNAL);
  while (sent < 0 && (errno == EINTR || (errno == EAGAIN && ++busy < kAttempts)));
  if (sent != static_cast<ssize_t>(sizeof(ping))) return sent < 0 ? errno : EPROTO;
  return connfuzz::examples::accept_and_read(listener, sizeof(ping));
}

}  // namespace

int main() {
  sockaddr_in server{};
  int listener = connfuzz::examples::start_loopback_listener(server);
  int err = 0;
  for (int i = 1; i <= kAttempts; ++i) {
    int fd = -1;
    err = attempt(server, fd);
    if (err == 0) {
      err = exchange(fd, listener);
      if (close(fd) < 0 && errno != EINTR) err = err ? err : errno;  // EINTR: closed anyway on Linux
      break;
    }
    if (!out_of_resources(err) || i == kAttempts) break;
    timespec backoff{0, 1000000L << i};
    nanosleep(&backoff, nullptr);
  }
  syscall(SYS_close, listener);
  if (err != 0) {
    std::fprintf(stderr, "correct_client: could not connect: %s (%s)\n", strerrorname_np(err), std::strerror(err));
    return 1;
  }
  std::printf("correct_client: connected and exchanged a message\n");
  return 0;
}
