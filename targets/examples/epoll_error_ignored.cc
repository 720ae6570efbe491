// BUG: a small reactor that registers its connecting socket with epoll and never looks
// at epoll_ctl's result, then waits on the same epoll set for the socket or its
// deadline's timerfd: a socket that was never registered is never heard of, and a
// connection the kernel made at once is reported as a timeout. (Asio 1.74's
// epoll_reactor does the same: docs/FINDINGS.md, asio-reactor-epoll-mod-ignored.)
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include "example_common.h"

namespace connfuzz::targets::examples {
namespace {

constexpr std::uint64_t kSocket = 1, kDeadline = 2;

// One ready event from the reactor, or 0 when its waits keep failing.
std::uint64_t wait_for_event(int ep) {
  constexpr int kMaxInterruptions = 16;
  epoll_event ready{};
  for (int i = 0; i < kMaxInterruptions; ++i) {
    int n = epoll_wait(ep, &ready, 1, -1);
    if (n == 1) return ready.data.u64;
    if (n < 0 && errno != EINTR) return 0;
  }
  return 0;
}

}  // namespace

ConnectResult epoll_error_ignored(const ConnectRequest& request) {
  NonBlockingStart start = start_nonblocking(request);
  if (start.done) return *start.done;
  int fd = start.fd;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return closed_failure(fd, errno);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer < 0) {
    int err = errno;
    close(ep);
    return closed_failure(fd, err);
  }
  epoll_event socket_event{EPOLLOUT, {.u64 = kSocket}}, deadline_event{EPOLLIN, {.u64 = kDeadline}};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &socket_event);  // the bug: a failure goes unnoticed
  epoll_ctl(ep, EPOLL_CTL_ADD, timer, &deadline_event);
  itimerspec deadline{{0, 0}, {request.timeout_ms / 1000, request.timeout_ms % 1000 * 1'000'000L}};
  timerfd_settime(timer, 0, &deadline, nullptr);
  std::uint64_t event = wait_for_event(ep);
  int wait_err = event == kDeadline ? ETIMEDOUT : errno;
  close(timer);
  close(ep);
  if (event != kSocket) return closed_failure(fd, wait_err);
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return closed_failure(fd, errno);
  return err == 0 ? connected(fd) : closed_failure(fd, err);
}

}  // namespace connfuzz::targets::examples
