// The plan actions that are no errno, inside connect(): a real signal or a thread
// cancellation while the thread is blocked in a real connect (held_connect.cc), and a
// slow network whose attempt ends on the virtual clock.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "actions.h"
#include "held_connect.h"
#include "interpose.h"

namespace connfuzz::inject::detail {
namespace {

// What a blocking connect reports once its real attempt is over: 0 when connected,
// else the attempt's error, which the connect consumes (SO_ERROR reads 0 after it).
int real_outcome(int fd, SocketInfo info, int& err) noexcept {
  pollfd p{fd, POLLOUT, 0};
  real().poll(&p, 1, 1000);  // bounded: a loopback handshake takes microseconds
  sockaddr_storage peer{};
  socklen_t length = sizeof(peer);
  if (real().getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) == 0) {
    info.phase = Phase::Connected;
    runtime().sockets().set(fd, info);
    return 0;
  }
  int pending = 0;
  socklen_t pending_length = sizeof(pending);
  real().getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &pending_length);
  info.phase = Phase::Fresh;
  runtime().sockets().set(fd, info);
  err = pending != 0 ? pending : ETIMEDOUT;  // still nothing after the bounded wait
  return -1;
}

// Why an action that fired cannot happen here, or nullptr.
const char* reason_not_to_act(const Decision& d) noexcept {
  if (d.action == Action::cancel && syscall(SYS_gettid) == getpid())
    return "connect runs on the main thread; CANCEL cancels connects on threads of their own";
  if (d.action == Action::cancel && runtime().cancel_unavailable() != nullptr) return runtime().cancel_unavailable();
  if (d.action == Action::signal && runtime().mode() == Mode::Realistic) {
    struct sigaction current {};
    sigaction(d.signal, nullptr, &current);
    bool has_handler = (current.sa_flags & SA_SIGINFO) ? current.sa_sigaction != nullptr
                                                       : current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN;
    if (!has_handler) return "no handler for it here: it would end the program or be ignored (mode=any sends it)";
  }
  return nullptr;
}

// AddressSanitizer, where linked in: a forced unwind skips the frames it poisoned, and the
// cleanup handlers that run next would trip over the stale poison (what __cxa_throw
// avoids by calling this).
extern "C" void __asan_handle_no_return() __attribute__((weak));

// Logs the connect of a thread cancelled inside it: the call never returns, so the
// line is written while the cancellation unwinds the stack.
struct CancellationRecord {
  Event& ev;
  const Decision& d;
  bool returned = false;
  ~CancellationRecord() {
    if (returned) return;
    if (__asan_handle_no_return != nullptr) __asan_handle_no_return();
    int saved = errno;
    finish(note_rule(ev, d, "the thread was cancelled inside connect, which never returned"), -1, ECANCELED, Mark::Injected);
    errno = saved;
  }
};

int hold_for_signal_or_cancel(int fd, SocketInfo info, const sockaddr* addr, socklen_t len, Event& ev,
                              const Decision& d) {
  Runtime& rt = runtime();
  int err = 0;
  if (!begin_real_attempt(fd, info, addr, len, err))
    return static_cast<int>(finish(note_rule(ev, d, "the real attempt failed at once: nothing to interrupt"), -1, err, Mark::Refused));
  mark_attempt_under_way(fd, info);
  bool cancel = d.action == Action::cancel;
  CancellationRecord record{ev, d};
  HeldConnect held = hold_in_connect(fd, d.signal, cancel);
  record.returned = true;
  if (held.failure != nullptr) {
    LineBuilder(ev.note, sizeof(ev.note)).text(rt.rule_text(d.rule)).text(": could not hold the thread (").text(held.failure).text("); EINTR instead");
    return static_cast<int>(finish(ev, -1, EINTR, Mark::Injected));
  }
  if (held.result < 0 && held.err == EINTR)
    return static_cast<int>(finish(note_rule(ev, d, "the signal arrived while connect was blocked; the kernel answered EINTR"), -1, EINTR, Mark::Injected));
  if (held.result < 0 && held.err == EAGAIN)
    return static_cast<int>(finish(note_rule(ev, d, "SO_SNDTIMEO ran out first: EINPROGRESS, the attempt goes on"), -1, EINPROGRESS, Mark::Injected));
  const char* what = cancel ? "cancellation is disabled in this thread: connect went on"
                     : held.delivered ? "the signal arrived while connect was blocked; SA_RESTART restarted it"
                                      : "the thread blocks this signal: it stays pending, connect went on";
  int result = real_outcome(fd, rt.sockets().get(fd), err);
  return static_cast<int>(finish(note_rule(ev, d, what), result, err, Mark::Injected));
}

int slow_network(int fd, SocketInfo info, const sockaddr* addr, socklen_t len, Event& ev, const Decision& d) {
  Runtime& rt = runtime();
  // A blocking connect sleeps until the attempt ends, or until its send timeout runs out.
  std::int64_t timeout = info.nonblocking ? 0 : send_timeout_ns(fd);
  bool times_out = timeout > 0 && timeout < d.delay_ns;
  // A slow AF_UNIX connect is a listener's full backlog: Linux waits for room until
  // SO_SNDTIMEO runs out, then fails with EAGAIN, the socket unconnected and no attempt
  // going on (unix_stream_connect). mode=any keeps the network's answer, EINPROGRESS.
  if (times_out && info.domain == AF_UNIX && rt.mode() == Mode::Realistic) {
    rt.advance_clock_by(timeout);
    return static_cast<int>(finish(note_rule(ev, d, "SO_SNDTIMEO ran out first: EAGAIN, and an AF_UNIX attempt does not go on"), -1, EAGAIN, Mark::Injected));
  }
  std::int64_t due = rt.now_ns() + d.delay_ns;
  if (d.eventual == 0) {
    int err = 0;
    if (!begin_real_attempt(fd, info, addr, len, err))
      return static_cast<int>(finish(note_rule(ev, d, "the real attempt failed at once: no network to be slow"), -1, err, Mark::Refused));
    info.phase = Phase::Held;  // the kernel's answer, kept until the virtual clock reaches `due`
  } else {
    info.phase = Phase::SimPending;
    info.eventual = static_cast<std::uint8_t>(d.eventual);
  }
  rt.sockets().set(fd, info);
  rt.sockets().set_due_ns(fd, due);
  if (info.nonblocking) return static_cast<int>(finish(ev, -1, EINPROGRESS, Mark::Injected, rt.rule_text(d.rule)));
  if (times_out) {  // Linux: EINPROGRESS, and the attempt goes on
    rt.advance_clock_by(timeout);
    return static_cast<int>(finish(note_rule(ev, d, "SO_SNDTIMEO ran out first: EINPROGRESS, the attempt goes on"), -1, EINPROGRESS, Mark::Injected));
  }
  rt.advance_clock_to(due);
  if (d.eventual != 0) {
    info.phase = Phase::Fresh;
    rt.sockets().set(fd, info);
    return static_cast<int>(finish(note_rule(ev, d, "the attempt ended after the delay"), -1, d.eventual, Mark::Injected));
  }
  release_hold(fd, info);
  int err = 0;
  int result = real_outcome(fd, rt.sockets().get(fd), err);
  return static_cast<int>(finish(note_rule(ev, d, "the attempt ended after the delay"), result, err, Mark::Injected));
}

}  // namespace

int act_in_connect(int fd, SocketInfo info, const sockaddr* addr, socklen_t len, Event& ev, const Decision& d) {
  if (const char* why = reason_not_to_act(d)) {
    note_rule(ev, d, why);
    return kNotActed;
  }
  // Every action but a delay with a planned outcome makes a real attempt: guarded first.
  if (d.action != Action::delay || d.eventual == 0) {
    GuardVerdict verdict = check_destination(info.domain, addr, len, runtime().guard());
    if (!verdict.allowed) return static_cast<int>(finish(ev, -1, verdict.err, Mark::Guard, verdict.reason));
  }
  if (d.action == Action::delay) return slow_network(fd, info, addr, len, ev, d);
  return hold_for_signal_or_cancel(fd, info, addr, len, ev, d);
}

}  // namespace connfuzz::inject::detail
