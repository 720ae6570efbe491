// What can make a blocking call fail with EINTR: the program's signal handlers and its sockets' timeouts.
#include <signal.h>

#include <atomic>

#include "interpose.h"

namespace connfuzz::inject::detail {
namespace {

// Bit sig-1 of each: the program has a handler for sig; ... one without SA_RESTART.
// Lock-free words, so a wrapper called from a signal handler may update them.
std::atomic<std::uint64_t> g_caught{0};
std::atomic<std::uint64_t> g_caught_without_restart{0};

void set_bit(std::atomic<std::uint64_t>& mask, std::uint64_t bit, bool on) noexcept {
  if (on) mask.fetch_or(bit, std::memory_order_relaxed);
  else mask.fetch_and(~bit, std::memory_order_relaxed);
}

// Asks the kernel what the call just set, rather than reading its arguments: signal(),
// bsd_signal(), sysv_signal() and sigset() each choose their own flags. Two threads
// changing one signal at once may leave the older answer; programs set handlers once.
void refresh(int sig) noexcept {
  if (sig < 1 || sig > 64) return;
  int saved = errno;
  struct sigaction now {};
  if (real().sigaction(sig, nullptr, &now) == 0) {
    // sa_sigaction shares sa_handler's slot: SIG_DFL and SIG_IGN read the same through either.
    bool caught = now.sa_handler != SIG_DFL && now.sa_handler != SIG_IGN;
    set_bit(g_caught, signal_bit(sig), caught);
    set_bit(g_caught_without_restart, signal_bit(sig), caught && !(now.sa_flags & SA_RESTART));
  }
  errno = saved;
}

// Handlers installed before this library was loaded, or by constructors that ran
// first, are the kernel's to tell. glibc's own signals (SIGCANCEL, SIGSETXID) answer
// EINVAL and stay unknown: they interrupt nothing the program waits in.
__attribute__((constructor(103))) void read_dispositions() {
  for (int sig = 1; sig <= 64; ++sig) refresh(sig);
}

bool has_timeout(int fd, int option) noexcept {
  timeval timeout{};
  socklen_t length = sizeof(timeout);
  return real().getsockopt(fd, SOL_SOCKET, option, &timeout, &length) == 0 &&
         (timeout.tv_sec != 0 || timeout.tv_usec != 0);
}

bool is_timeout_option(int level, int name) noexcept {
  if (level != SOL_SOCKET) return false;
  if (name == SO_SNDTIMEO || name == SO_RCVTIMEO) return true;
#if defined(SO_SNDTIMEO_NEW) && defined(SO_RCVTIMEO_NEW)
  if (name == SO_SNDTIMEO_NEW || name == SO_RCVTIMEO_NEW) return true;
#endif
  return false;
}

}  // namespace

std::uint8_t signal_interrupters() noexcept {
  switch (runtime().signal_handlers()) {
    case SignalHandlers::caught: return kCaughtSignal | kCaughtWithoutRestart;
    case SignalHandlers::not_caught: return 0;
    case SignalHandlers::tracked: break;
  }
  std::uint64_t caught = g_caught.load(std::memory_order_relaxed) & ~kFaultSignals;
  std::uint64_t interrupting = g_caught_without_restart.load(std::memory_order_relaxed) & ~kFaultSignals;
  return static_cast<std::uint8_t>((caught ? kCaughtSignal : 0) | (interrupting ? kCaughtWithoutRestart : 0));
}

void learn_timeouts(int fd, SocketInfo& info) noexcept {
  int saved = errno;
  info.send_timeout = has_timeout(fd, SO_SNDTIMEO);
  info.receive_timeout = has_timeout(fd, SO_RCVTIMEO);
  errno = saved;
}

// The signal() family: one shape, each with its own real function.
sighandler_t set_handler(sighandler_t (*real_call)(int, sighandler_t), int sig, sighandler_t handler) {
  sighandler_t previous = real_call(sig, handler);
  if (previous != SIG_ERR) refresh(sig);
  return previous;
}

}  // namespace connfuzz::inject::detail

using namespace connfuzz::inject;
using namespace connfuzz::inject::detail;

extern "C" {

int sigaction(int sig, const struct sigaction* action, struct sigaction* previous) {
  int result = real().sigaction(sig, action, previous);
  if (result == 0 && action != nullptr) refresh(sig);
  return result;
}

sighandler_t signal(int sig, sighandler_t handler) { return set_handler(real().signal, sig, handler); }
sighandler_t bsd_signal(int sig, sighandler_t handler) { return set_handler(real().bsd_signal, sig, handler); }
sighandler_t sysv_signal(int sig, sighandler_t handler) { return set_handler(real().sysv_signal, sig, handler); }
sighandler_t __sysv_signal(int sig, sighandler_t handler) { return set_handler(real().sysv_signal_internal, sig, handler); }
sighandler_t sigset(int sig, sighandler_t handler) { return set_handler(real().sigset, sig, handler); }

// Only the timeouts matter here (they decide whether a signal or a stop ends a call with
// EINTR); the call is not on the connect path and is not logged.
int setsockopt(int fd, int level, int name, const void* value, socklen_t length) {
  int result = real().setsockopt(fd, level, name, value, length);
  if (result != 0 || !is_timeout_option(level, name)) return result;
  SocketTable& table = runtime().sockets();
  SocketInfo timeouts = table.get(fd);
  if (timeouts.phase == Phase::Untracked) return result;
  learn_timeouts(fd, timeouts);
  // Another thread may change the socket's phase meanwhile: change only these two bits.
  for (int attempt = 0; attempt < 16; ++attempt) {
    SocketInfo before = table.get(fd);
    if (before.phase == Phase::Untracked) break;
    SocketInfo after = before;
    after.send_timeout = timeouts.send_timeout;
    after.receive_timeout = timeouts.receive_timeout;
    if (table.exchange(fd, before, after)) break;
  }
  return result;
}

}  // extern "C"
