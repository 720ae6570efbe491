// Wrappers that close or copy descriptors without close(): dup, dup2, dup3, close_range, closefrom.
#include <unistd.h>

#include "interpose.h"

namespace connfuzz::inject::detail {

void forget_descriptor(int fd) noexcept {
  Runtime& rt = runtime();
  rt.sockets().forget(fd);
  if (rt.timers().tracks(fd)) rt.timers().forget(fd);
}

void copy_descriptor(int from, int to) noexcept {
  SocketTable& table = runtime().sockets();
  SocketInfo info = table.get(from);
  forget_descriptor(to);
  if (from < 0 || from >= SocketTable::kMaxFd || to < 0 || to >= SocketTable::kMaxFd) return;
  // The epoll registration is not copied: an epoll instance watches the descriptor it
  // was given, not its copies.
  table.set_due_ns(to, table.due_ns(from));
  table.set(to, info);
}

}  // namespace connfuzz::inject::detail

using namespace connfuzz::inject;
using namespace connfuzz::inject::detail;

namespace {

// What the kernel just closed in [first, last]. Only numbers that have ever been
// tracked hold socket state, so that walk stops at the table's high-water mark; timers
// are looked for below the table's limit, and only when there are any.
void forget_range(unsigned int first, unsigned int last) {
  Runtime& rt = runtime();
  auto below = [last](unsigned int fd, int end) { return fd <= last && fd < static_cast<unsigned int>(end); };
  for (unsigned int fd = first; below(fd, rt.sockets().high_water()); ++fd) rt.sockets().forget(static_cast<int>(fd));
  if (!rt.timers().any()) return;
  for (unsigned int fd = first; below(fd, SocketTable::kMaxFd); ++fd)
    if (rt.timers().tracks(static_cast<int>(fd))) rt.timers().forget(static_cast<int>(fd));
}

}  // namespace

extern "C" {

int dup(int fd) {
  int result = real().dup(fd);
  if (result >= 0) copy_descriptor(fd, result);
  return result;
}

// The kernel closes what `newfd` was, silently, and makes it a copy of `oldfd`.
int dup2(int oldfd, int newfd) {
  int result = real().dup2(oldfd, newfd);
  if (result >= 0 && oldfd != newfd) copy_descriptor(oldfd, result);
  return result;
}
int __dup2(int oldfd, int newfd) { return dup2(oldfd, newfd); }

int dup3(int oldfd, int newfd, int flags) {
  int result = real().dup3(oldfd, newfd, flags);
  if (result >= 0) copy_descriptor(oldfd, result);
  return result;
}

int close_range(unsigned int first, unsigned int last, int flags) {
  if (real().close_range == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  int result = real().close_range(first, last, flags);
  // CLOSE_RANGE_CLOEXEC only marks them: they stay open.
  if (result == 0 && !(flags & CLOSE_RANGE_CLOEXEC)) forget_range(first, last);
  return result;
}

void closefrom(int lowfd) {
  if (real().closefrom != nullptr) real().closefrom(lowfd);
  else if (real().close_range != nullptr) real().close_range(static_cast<unsigned>(lowfd), ~0u, 0);
  if (lowfd >= 0) forget_range(static_cast<unsigned int>(lowfd), ~0u);
}

}  // extern "C"
