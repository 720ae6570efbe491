// Correct POSIX connect callers: every documented errno handled by its class.
#include "posix_connect.h"

#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace connfuzz::targets {
namespace {

constexpr int kMaxWaits = 16;    // a wait interrupted this often is given up
constexpr int kMaxRetries = 3;   // out-of-resources errors are retried this often

long long now_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

long long now_ms() { return now_us() / 1000; }

// An interruption that ended a wait within this took no time: a storm of them never
// brings the deadline nearer, so they are counted. (Compared as milliseconds, one that
// straddled a tick counted as time passing, and how many waits a storm took varied
// from run to run.)
constexpr long long kInstantUs = 1000;

ConnectResult fail_and_close(int fd, int err, const char* step) {
  close(fd);  // a failed socket's state is unspecified: never reused
  return failure(err, std::string(step) + ": " + std::strerror(err));
}

int open_socket(const ConnectRequest& request, int type) {
  return socket(request.domain, type | SOCK_CLOEXEC, request.protocol);
}

bool set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

int send_greeting(int fd) {
  int err = 0;
  for (int attempt = 0; attempt <= kMaxRetries; ++attempt) {
    if (send(fd, "x", 1, MSG_NOSIGNAL) == 1) return 0;
    err = errno;
    if (err != EINTR && err != EAGAIN) return err;
    pollfd p{fd, POLLOUT, 0};
    poll(&p, 1, 100);
  }
  // Interrupted every time: given up, as a deadline would. Out of buffers: said so.
  return err == EINTR ? ETIMEDOUT : err;
}

ConnectResult connect_nonblocking(const ConnectRequest& request, const Endpoint& to) {
  if (dissolves(to)) return unspec_refused();
  int fd = open_socket(request, request.type);
  if (fd < 0) return failure(errno, std::string("socket: ") + std::strerror(errno));
  if (!set_nonblocking(fd)) return fail_and_close(fd, errno, "fcntl");
  int err = 0;
  for (int attempt = 0;; ++attempt) {
    if (connect(fd, to.addr, to.len) == 0) break;
    err = errno;
    if (err == EINPROGRESS || err == EINTR || err == EALREADY) {
      err = wait_connected(fd, request.timeout_ms);
      break;
    }
    if (err == EAGAIN && attempt < kMaxRetries) continue;
    break;
  }
  if (err != 0) return fail_and_close(fd, err, "connect");
  if (int e = send_greeting(fd); e != 0) return fail_and_close(fd, e, "send");
  ConnectResult result;
  result.fd = fd;
  return result;
}

}  // namespace

int wait_connected(int fd, int timeout_ms) {
  long long deadline = now_ms() + timeout_ms;
  int instant_interruptions = 0;
  for (;;) {
    // Past the deadline, one last look (timeout 0) before giving up.
    long long left = std::max(0LL, deadline - now_ms());
    pollfd p{fd, POLLOUT, 0};
    long long before = now_us();
    int n = poll(&p, 1, static_cast<int>(left));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
      // An interruption that took time brings the deadline nearer; a storm of
      // instant ones would never reach it, so those are counted.
      if (now_us() - before < kInstantUs && ++instant_interruptions == kMaxWaits) return ETIMEDOUT;
      if (left == 0) return ETIMEDOUT;
      continue;
    }
    if (n < 0) return errno;
    if (n == 0) return ETIMEDOUT;
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    return err;
  }
}

namespace {

ConnectResult blocking_connect(const ConnectRequest& request, bool with_send_timeout) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();
  int fd = open_socket(request, request.type);
  if (fd < 0) return failure(errno, std::string("socket: ") + std::strerror(errno));
  if (with_send_timeout && !set_send_timeout(fd, request.timeout_ms)) return fail_and_close(fd, errno, "setsockopt");
  long long start = now_ms();
  for (int attempt = 0;; ++attempt) {
    if (connect(fd, to.addr, to.len) == 0) break;
    int err = errno;
    // The attempt goes on in the kernel: wait for it, never connect() again. A blocking
    // connect says EINPROGRESS too, when SO_SNDTIMEO runs out (Linux's socket(7)): the
    // wait then has what is left of the deadline.
    if (err == EINTR || err == EINPROGRESS || err == EALREADY) {
      int left = request.timeout_ms - static_cast<int>(now_ms() - start);
      err = wait_connected(fd, with_send_timeout ? std::max(0, left) : request.timeout_ms);
    } else if ((err == EAGAIN || err == ENOBUFS) && attempt < kMaxRetries) {
      // Retried within the deadline: SO_SNDTIMEO, the whole of it, has just run out once
      // (an AF_UNIX listener's full backlog), and the next try gets what is left.
      int left = request.timeout_ms - static_cast<int>(now_ms() - start);
      if (left > 0 && (!with_send_timeout || set_send_timeout(fd, left))) continue;
    }
    if (err != 0) return fail_and_close(fd, err, "connect");
    break;
  }
  ConnectResult result;
  result.fd = fd;
  return result;
}

}  // namespace

bool set_send_timeout(int fd, int timeout_ms) {
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) == 0;
}

ConnectResult posix_blocking_connect(const ConnectRequest& request) { return blocking_connect(request, false); }

ConnectResult posix_sndtimeo_connect(const ConnectRequest& request) { return blocking_connect(request, true); }

ConnectResult posix_nonblocking_connect(const ConnectRequest& request) {
  return connect_nonblocking(request, request.addresses.front());
}

ConnectResult posix_address_list_connect(const ConnectRequest& request) {
  ConnectResult last = failure(EDESTADDRREQ, "no addresses");
  for (const Endpoint& to : request.addresses) {
    last = connect_nonblocking(request, to);
    if (last.connected()) return last;
  }
  return last;
}

ConnectResult posix_datagram_connect(const ConnectRequest& request) {
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();
  int fd = open_socket(request, SOCK_DGRAM);
  if (fd < 0) return failure(errno, std::string("socket: ") + std::strerror(errno));
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  const Endpoint steps[] = {to, to, {&unspec, sizeof(unspec)}, to};
  const char* names[] = {"connect", "re-connect", "dissolve", "connect again"};
  for (int i = 0; i < 4; ++i) {
    int err = 0;
    for (int attempt = 0; attempt <= kMaxRetries; ++attempt) {
      err = connect(fd, steps[i].addr, steps[i].len) == 0 ? 0 : errno;
      if (err == EINTR) err = wait_connected(fd, request.timeout_ms);  // the call went on regardless
      if (err != EAGAIN) break;
    }
    if (err != 0) return fail_and_close(fd, err, names[i]);
  }
  ConnectResult result;
  result.fd = fd;
  return result;
}

}  // namespace connfuzz::targets
