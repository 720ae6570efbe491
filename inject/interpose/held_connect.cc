// The helper thread that waits for the caller to sleep in connect(), then signals or cancels it.
#include "held_connect.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "real_calls.h"

namespace connfuzz::inject {
namespace {

// Bounds of the helper's waits: the held thread falls asleep within microseconds.
constexpr int kPollRounds = 4000;
constexpr long kPollStepNs = 50'000;  // 4000 x 50 us = 200 ms at most

void pause_briefly() {
  timespec step{0, kPollStepNs};
  real().nanosleep(&step, nullptr);
}

// A /proc file of this process, read whole into `out` (no allocation).
bool read_proc(pid_t tid, const char* file, char* out, std::size_t size) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/self/task/%d/%s", static_cast<int>(tid), file);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = real().read(fd, out, size - 1);
  real().close(fd);
  if (n <= 0) return false;
  out[n] = '\0';
  return true;
}

// The thread sleeps inside connect(): /proc says state S in syscall SYS_connect.
bool asleep_in_connect(pid_t tid) {
  char text[512];
  if (!read_proc(tid, "syscall", text, sizeof(text)) || std::atol(text) != SYS_connect) return false;
  if (!read_proc(tid, "stat", text, sizeof(text))) return false;
  const char* after_name = std::strrchr(text, ')');
  return after_name != nullptr && after_name[1] == ' ' && after_name[2] == 'S';
}

// What /proc says of the signal and the thread: still to be delivered, blocked by it.
struct SignalState {
  bool pending = false;
  bool blocked = false;
};

SignalState signal_state(pid_t tid, int signal) {
  SignalState state;
  char text[2048];
  if (!read_proc(tid, "status", text, sizeof(text))) return state;
  unsigned long long bit = 1ULL << (signal - 1);
  auto has = [&](const char* key) {
    const char* at = std::strstr(text, key);
    return at != nullptr && (std::strtoull(at + std::strlen(key), nullptr, 16) & bit) != 0;
  };
  state.pending = has("\nSigPnd:") || has("\nShdPnd:");
  state.blocked = has("\nSigBlk:");
  return state;
}

struct Shared {
  pid_t tid = 0;
  pthread_t thread{};
  int listener = -1;
  int signal = 0;
  bool cancel = false;
  std::atomic<bool> done{false};
  std::atomic<bool> delivered{false};
};

// Lets the held connect go: one queued connection accepted leaves room in the backlog.
void release(Shared& s) {
  int accepted = ::accept4(s.listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (accepted >= 0) real().close(accepted);
}

void* helper(void* argument) {
  Shared& s = *static_cast<Shared*>(argument);
  int round = 0;
  while (!s.done.load() && !asleep_in_connect(s.tid) && ++round < kPollRounds) pause_briefly();
  if (s.done.load()) return nullptr;  // the connect ended first (its send timeout ran out)
  if (s.cancel) {
    pthread_cancel(s.thread);
    // A thread with cancellation disabled sleeps on in connect: let it go after a while.
    round = 0;
    while (!s.done.load() && ++round < kPollRounds / 8) pause_briefly();
  } else {
    syscall(SYS_tgkill, getpid(), s.tid, s.signal);
    // Released before its handler ran, a restarted connect would find no wait at all:
    // wait for the delivery (a signal the thread blocks is never delivered), then for
    // the connect to end (EINTR) or to sleep again (restarted).
    round = 0;
    SignalState state = signal_state(s.tid, s.signal);
    while (state.pending && !state.blocked && ++round < kPollRounds) {
      pause_briefly();
      state = signal_state(s.tid, s.signal);
    }
    s.delivered.store(!state.pending);
    round = 0;
    while (s.delivered.load() && !s.done.load() && !asleep_in_connect(s.tid) && ++round < kPollRounds) pause_briefly();
  }
  if (!s.done.load()) release(s);
  return nullptr;
}

// Everything the hold opened, released on every way out, a cancellation's unwinding included.
struct Resources {
  Shared shared;
  int filler = -1;
  int blocker = -1;
  bool helper_started = false;
  pthread_t helper_thread{};

  ~Resources() {
    shared.done.store(true);
    if (helper_started) pthread_join(helper_thread, nullptr);
    for (int fd : {blocker, filler, shared.listener})
      if (fd >= 0) real().close(fd);
  }
};

}  // namespace

HeldConnect hold_in_connect(int like_fd, int signal, bool cancel) {
  HeldConnect out;
  Resources r;
  r.shared.tid = static_cast<pid_t>(syscall(SYS_gettid));
  r.shared.thread = pthread_self();
  r.shared.signal = signal;
  r.shared.cancel = cancel;
  // An abstract name the kernel picks (autobind): nothing on disk, nothing to collide with.
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  socklen_t length = sizeof(sa_family_t);
  r.shared.listener = real().socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (r.shared.listener < 0 || ::bind(r.shared.listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(r.shared.listener, 0) != 0 ||
      ::getsockname(r.shared.listener, reinterpret_cast<sockaddr*>(&address), &(length = sizeof(address))) != 0) {
    out.failure = "no private AF_UNIX listener";
    return out;
  }
  // A backlog of 0 holds one connection; the next connect() sleeps until there is room.
  r.filler = real().socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  r.blocker = real().socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (r.filler < 0 || r.blocker < 0 || real().connect(r.filler, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    out.failure = "the private listener's backlog could not be filled";
    return out;
  }
  // The kernel's rule: with a send timeout set, a signal gives EINTR even under SA_RESTART.
  timeval timeout{};
  socklen_t timeout_length = sizeof(timeout);
  if (real().getsockopt(like_fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, &timeout_length) == 0 &&
      (timeout.tv_sec != 0 || timeout.tv_usec != 0))
    ::setsockopt(r.blocker, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  // The helper takes no signal meant for the program: it starts with all of them blocked.
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &before);
  int started = pthread_create(&r.helper_thread, nullptr, helper, &r.shared);
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  if (started != 0) {
    out.failure = "no helper thread";
    return out;
  }
  r.helper_started = true;
  out.result = real().connect(r.blocker, reinterpret_cast<sockaddr*>(&address), length);  // a cancellation point
  out.err = out.result < 0 ? errno : 0;
  r.shared.done.store(true);
  pthread_join(r.helper_thread, nullptr);
  r.helper_started = false;
  out.delivered = r.shared.delivered.load();
  return out;
}

}  // namespace connfuzz::inject
