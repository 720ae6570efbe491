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

namespace {

constexpr int kAttempts = 3;         // for out-of-resources errors, with back-off
constexpr int kConnectTimeoutMs = 5000;

sockaddr_in start_listener(int& listener) {
  listener = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  syscall(SYS_bind, listener, &addr, sizeof(addr));
  syscall(SYS_getsockname, listener, &addr, &len);
  syscall(SYS_listen, listener, 8);
  return addr;
}

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
  // The server side waits a bounded time: a client that only believes it connected must not hang here.
  pollfd incoming{listener, POLLIN, 0};
  timespec limit{2, 0};
  if (syscall(SYS_ppoll, &incoming, 1, &limit, nullptr, 0) != 1) return ENOTCONN;
  int peer = static_cast<int>(syscall(SYS_accept4, listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (peer < 0) return EPROTO;
  const char ping[] = "ping";
  ssize_t sent;
  do sent = send(fd, ping, sizeof(ping), MSG_NOSIGNAL);
  while (sent < 0 && (errno == EINTR || errno == EAGAIN));
  int err = sent == static_cast<ssize_t>(sizeof(ping)) ? 0 : (sent < 0 ? errno : EPROTO);
  char got[sizeof(ping)] = {};
  if (err == 0 && syscall(SYS_read, peer, got, sizeof(got)) != static_cast<long>(sizeof(ping))) err = EPROTO;
  syscall(SYS_close, peer);
  return err;
}

}  // namespace

int main() {
  int listener = -1;
  sockaddr_in server = start_listener(listener);
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
