// Wrappers for socket(), connect(), close(), fcntl(), ioctl(), getsockopt(), getpeername().
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/un.h>

#include <algorithm>
#include <cstring>

#include "interpose.h"

namespace connfuzz::inject::detail {

SocketInfo learn_socket(int fd) noexcept {
  SocketTable& table = runtime().sockets();
  SocketInfo info = table.get(fd);
  if (info.phase != Phase::Untracked) return info;
  int saved = errno;
  int domain = 0, type = 0;
  socklen_t len = sizeof(int);
  if (real().getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 &&
      real().getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &(len = sizeof(int))) == 0) {
    int flags = real().fcntl(fd, F_GETFL);
    info.phase = Phase::Fresh;
    info.domain = static_cast<std::uint8_t>(domain);
    info.type = static_cast<std::uint8_t>(type);
    info.nonblocking = flags >= 0 && (flags & O_NONBLOCK);
    learn_timeouts(fd, info);
    table.set(fd, info);
  }
  errno = saved;
  return info;
}

Facts facts_for(const SocketInfo& info) noexcept {
  Facts facts;
  facts.family = info.domain;
  facts.type = info.type;
  facts.port = info.port;
  facts.state = state_bits(info);
  facts.interrupters = static_cast<std::uint8_t>(signal_interrupters() | (info.send_timeout ? kSendTimeout : 0) |
                                                 (info.receive_timeout ? kReceiveTimeout : 0));
  return facts;
}

Event begin_event(Call call, int fd, const Decision& d) noexcept {
  Event event;
  event.call = call;
  event.index = d.index;
  event.fd = fd;
  return event;
}

long finish(Event& event, long result, int err, Mark mark, const char* note) noexcept {
  event.result = result;
  event.err = result < 0 ? err : 0;
  event.mark = mark;
  if (note) LineBuilder(event.note, sizeof(event.note)).text(note);
  runtime().log().record(event);
  if (result < 0) errno = err;
  return result;
}

Event& note_rule(Event& event, const Decision& d, const char* what) noexcept {
  event.rule_text = runtime().rule_text(d.rule);
  LineBuilder(event.note, sizeof(event.note)).text(what);
  return event;
}

void note_refusal(Event& event, const Decision& d) noexcept { note_rule(event, d, d.why ? d.why : kNotRealistic); }

long finish_injected(Event& event, const Decision& d, long result_on_failure) noexcept {
  event.rule_text = runtime().rule_text(d.rule);
  return finish(event, result_on_failure, d.err, Mark::Injected);
}

void complete_simulated(int fd, SocketInfo info) noexcept {
  SocketInfo failed = info;
  failed.phase = Phase::Failed;
  failed.pending_err = info.eventual;
  failed.abort_on_reconnect = true;
  runtime().sockets().exchange(fd, info, failed);
}

short simulated_revents(const SocketInfo& info, short requested) noexcept {
  // What Linux's tcp_poll reports once an attempt has failed, measured on loopback:
  // IN|OUT|HUP|RDHUP, and ERR while the error is pending.
  if (info.phase != Phase::Failed) return 0;
  short all = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLHUP | POLLRDHUP;
  if (info.pending_err) all |= POLLERR;
  return static_cast<short>(all & (requested | POLLERR | POLLHUP));
}

void release_hold(int fd, SocketInfo info) noexcept {
  SocketInfo released = info;
  released.phase = Phase::Connecting;
  runtime().sockets().exchange(fd, info, released);
}

void fail_socket(int fd, SocketInfo info, int pending, bool abort_on_reconnect) noexcept {
  if (info.phase == Phase::Connected || info.phase == Phase::Connecting || info.phase == Phase::Held) {
    int saved = errno;
    sockaddr unspec{};
    unspec.sa_family = AF_UNSPEC;
    real().connect(fd, &unspec, sizeof(unspec));
    // tcp_disconnect leaves ECONNRESET pending; the failure connfuzz reports is the plan's.
    int leftover = 0;
    socklen_t len = sizeof(leftover);
    real().getsockopt(fd, SOL_SOCKET, SO_ERROR, &leftover, &len);
    errno = saved;
  }
  SocketInfo failed = info;
  failed.phase = Phase::Failed;
  failed.pending_err = static_cast<std::uint8_t>(pending);
  failed.abort_on_reconnect = abort_on_reconnect;
  runtime().sockets().set(fd, failed);
}

// Where a real connect left the socket.
Phase phase_after_real_connect(int result, int err, Phase before) noexcept {
  if (result == 0) return Phase::Connected;
  switch (err) {
    case EINPROGRESS:
    case EALREADY: return Phase::Connecting;
    case EISCONN: return Phase::Connected;
    case EINTR: return Phase::Connecting;
    default: return before == Phase::Connected ? Phase::Connected : Phase::Fresh;
  }
}

std::int64_t send_timeout_ns(int fd) noexcept {
  timeval timeout{};
  socklen_t length = sizeof(timeout);
  if (real().getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, &length) != 0) return 0;
  return timeout.tv_sec * 1'000'000'000LL + timeout.tv_usec * 1'000LL;
}

bool begin_real_attempt(int fd, SocketInfo& info, const sockaddr* addr, socklen_t len, int& err) noexcept {
  const RealCalls& r = real();
  if (!info.nonblocking) r.fcntl(fd, F_SETFL, r.fcntl(fd, F_GETFL) | O_NONBLOCK);
  runtime().count_kernel_connect();
  int result = r.connect(fd, addr, len);
  err = errno;
  if (result < 0 && err == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    r.poll(&p, 1, 1000);  // bounded: a loopback handshake takes microseconds
  }
  if (!info.nonblocking) r.fcntl(fd, F_SETFL, r.fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (result < 0 && err != EINPROGRESS) {
    // The kernel failed at once, before any wait a signal could have interrupted.
    info.phase = phase_after_real_connect(result, err, info.phase);
    runtime().sockets().set(fd, info);
    return false;
  }
  return true;
}

void mark_attempt_under_way(int fd, SocketInfo info) noexcept {
  info.phase = runtime().plan().hold ? Phase::Held : Phase::Connecting;
  runtime().sockets().set(fd, info);
  runtime().sockets().set_due_ns(fd, 0);  // held until the program first waits
}

}  // namespace connfuzz::inject::detail

using namespace connfuzz::inject;
using namespace connfuzz::inject::detail;

namespace {

// Whether the kernel has ended a real attempt the program has not yet heard the end
// of (loopback answers at once): a rule's endless "still connecting" stops there.
bool attempt_over(int fd, const SocketInfo& info) {
  if (info.phase != Phase::Connecting) return false;
  int saved = errno;
  pollfd p{fd, POLLOUT, 0};
  bool over = real().poll(&p, 1, 0) == 1;
  errno = saved;
  return over;
}

void socket_args(Event& e, int domain, int type, int protocol) {
  LineBuilder line(e.args, sizeof(e.args));
  line.socket_args(domain, type, protocol);
}

void fd_args(Event& e, int fd) {
  e.fd = fd;
  e.args_are_fd = true;
}

// The planned EINTR or EINPROGRESS after a real start: the attempt goes on in the
// kernel, as POSIX says of EINTR, and loopback settles it at once.
int start_real_attempt(int fd, SocketInfo info, const sockaddr* addr, socklen_t len, Event& ev, const Decision& d) {
  int err = 0;
  if (!begin_real_attempt(fd, info, addr, len, err))
    return static_cast<int>(finish(note_rule(ev, d, "the real attempt failed at once"), -1, err, Mark::Refused));
  mark_attempt_under_way(fd, info);
  return static_cast<int>(finish_injected(ev, d));
}

int inject_connect(int fd, SocketInfo info, const sockaddr* addr, socklen_t len, Event& ev, const Decision& d) {
  Runtime& rt = runtime();
  // Still-connecting answers promise an attempt in progress: make one, so that the
  // waits, SO_ERROR and getpeername that follow agree with the fault.
  if (d.err == EINTR || d.err == EINPROGRESS || d.err == EALREADY) {
    if (d.eventual == 0) {
      GuardVerdict verdict = check_destination(info.domain, addr, len, rt.guard());
      if (!verdict.allowed) return static_cast<int>(finish(ev, -1, verdict.err, Mark::Guard, verdict.reason));
      return start_real_attempt(fd, info, addr, len, ev, d);
    }
    info.phase = Phase::SimPending;
    info.eventual = static_cast<std::uint8_t>(d.eventual);
    rt.sockets().set(fd, info);
    rt.sockets().set_due_ns(fd, rt.now_ns() + simulated_latency_ns(d.eventual));
    return static_cast<int>(finish_injected(ev, d));
  }
  // A final answer: nothing reaches the kernel. A blocking attempt that times out
  // took its time, but no longer than its send timeout lets a blocking connect wait.
  if (d.err == ETIMEDOUT && !info.nonblocking) {
    std::int64_t waited = simulated_latency_ns(ETIMEDOUT);
    if (std::int64_t send_timeout = send_timeout_ns(fd); send_timeout > 0) waited = std::min(waited, send_timeout);
    rt.advance_clock_by(waited);
  }
  return static_cast<int>(finish_injected(ev, d));
}

// A connect on a socket whose attempt connfuzz is simulating, answered as Linux would.
int reconnect_simulated(int fd, SocketInfo info, Event& ev) {
  Runtime& rt = runtime();
  switch (info.phase) {
    case Phase::Held:
    case Phase::SimPending:
      if (info.nonblocking) return static_cast<int>(finish(ev, -1, EALREADY, Mark::Simulated));
      if (info.phase == Phase::SimPending) {
        // A blocking connect waits for the attempt, then reports how it ended.
        rt.advance_clock_to(rt.sockets().due_ns(fd));
        int err = info.eventual;
        info.phase = Phase::Fresh;
        rt.sockets().set(fd, info);
        return static_cast<int>(finish(ev, -1, err, Mark::Simulated));
      }
      rt.advance_clock_to(rt.sockets().due_ns(fd));  // a slow network's attempt ends first
      release_hold(fd, info);
      return -2;  // the kernel answers
    case Phase::Failed: {
      bool abort = info.abort_on_reconnect;
      info.phase = Phase::Fresh;
      info.pending_err = 0;
      rt.sockets().set(fd, info);
      if (abort) return static_cast<int>(finish(ev, -1, ECONNABORTED, Mark::Simulated));
      return -2;
    }
    default: return -2;
  }
}

}  // namespace

extern "C" {

int socket(int domain, int type, int protocol) {
  Runtime& rt = runtime();
  Decision d = rt.decide(Call::socket, Facts{domain, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), -1, 0});
  Event ev = begin_event(Call::socket, -1, d);
  socket_args(ev, domain, type, protocol);
  if (d.fired()) return static_cast<int>(finish_injected(ev, d));
  if (d.rule >= 0) note_refusal(ev, d);
  int fd = real().socket(domain, type, protocol);
  int err = errno;
  if (fd >= 0) {
    SocketInfo info;
    info.phase = Phase::Fresh;
    info.domain = static_cast<std::uint8_t>(domain);
    info.type = static_cast<std::uint8_t>(type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
    info.nonblocking = type & SOCK_NONBLOCK;
    rt.sockets().set(fd, info);
  }
  return static_cast<int>(finish(ev, fd, err, d.rule >= 0 ? Mark::Refused : Mark::None));
}

int connect(int fd, const sockaddr* addr, socklen_t len) {
  Runtime& rt = runtime();
  SocketInfo info = learn_socket(fd);
  Facts facts = facts_for(info);
  facts.attempt_over = attempt_over(fd, info);
  if (addr != nullptr && len >= sizeof(sa_family_t)) {
    sa_family_t family;
    std::memcpy(&family, addr, sizeof(family));
    facts.family = family;
  }
  facts.port = destination_port(addr, len);
  if (info.phase != Phase::Untracked && facts.port >= 0 && info.port != facts.port) {
    info.port = static_cast<std::uint16_t>(facts.port);
    rt.sockets().set(fd, info);
  }
  Decision d = rt.decide(Call::connect, facts);
  Event ev = begin_event(Call::connect, fd, d);
  fd_args(ev, fd);
  ev.set_address(addr, len, true);
  if (d.fired() && d.action != Action::errno_value) {
    int acted = act_in_connect(fd, info, addr, len, ev, d);
    if (acted != kNotActed) return acted;
    info = rt.sockets().get(fd);
  } else if (d.fired()) {
    return inject_connect(fd, info, addr, len, ev, d);
  } else if (d.rule >= 0) {
    note_refusal(ev, d);
  }
  if (info.is_simulated()) {
    int answered = reconnect_simulated(fd, info, ev);
    if (answered != -2) return answered;
    info = rt.sockets().get(fd);
  }
  GuardVerdict verdict = check_destination(info.phase == Phase::Untracked ? -1 : info.domain, addr, len, rt.guard());
  if (!verdict.allowed) return static_cast<int>(finish(ev, -1, verdict.err, Mark::Guard, verdict.reason));
  rt.count_kernel_connect();
  int result = real().connect(fd, addr, len);
  int err = errno;
  if (info.phase != Phase::Untracked) {
    info.phase = phase_after_real_connect(result, err, info.phase);
    rt.sockets().set(fd, info);
  }
  return static_cast<int>(finish(ev, result, err, d.rule >= 0 ? Mark::Refused : Mark::None));
}

int close(int fd) {
  Runtime& rt = runtime();
  SocketInfo info = rt.sockets().get(fd);
  if (info.phase == Phase::Untracked) {
    rt.timers().forget(fd);
    // An epoll instance's marks: the next descriptor with its number starts clean.
    if (info.epoll_watches_socket || info.epoll_watches_timer) rt.sockets().forget(fd);
    int result = real().close(fd);
    // A close of a descriptor that is not open is a bug worth a line (a double close
    // may close another thread's new socket). Only where sockets have been: close(-1)
    // and a daemon's close-everything loop are no socket bugs.
    if (result < 0 && errno == EBADF && fd >= 0 && fd < rt.sockets().high_water()) {
      Event ev = begin_event(Call::close, fd, Decision{});
      fd_args(ev, fd);
      return static_cast<int>(finish(ev, result, EBADF, Mark::None, nullptr));
    }
    return result;
  }
  Decision d = rt.decide(Call::close, facts_for(info));
  Event ev = begin_event(Call::close, fd, d);
  fd_args(ev, fd);
  // Linux frees the descriptor whatever close() returns; an injected error comes after.
  rt.sockets().forget(fd);
  int result = real().close(fd);
  int err = errno;
  if (d.fired()) return static_cast<int>(finish_injected(ev, d));
  if (d.rule >= 0) note_refusal(ev, d);
  return static_cast<int>(finish(ev, result, err, d.rule >= 0 ? Mark::Refused : Mark::None));
}

static int fcntl_common(int fd, int cmd, void* arg) {
  Runtime& rt = runtime();
  SocketInfo info = rt.sockets().get(fd);
  bool dup = cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC;
  if (info.phase == Phase::Untracked) {
    int result = real().fcntl(fd, cmd, arg);
    if (dup && result >= 0) copy_descriptor(fd, result);
    return result;
  }
  Decision d = rt.decide(Call::fcntl, facts_for(info));
  Event ev = begin_event(Call::fcntl, fd, d);
  LineBuilder(ev.args, sizeof(ev.args)).number(fd).text(", ").text(cmd == F_GETFL ? "F_GETFL" : cmd == F_SETFL ? "F_SETFL" : "cmd=");
  if (cmd != F_GETFL && cmd != F_SETFL) LineBuilder(ev.args + std::strlen(ev.args), sizeof(ev.args) - std::strlen(ev.args)).number(cmd);
  if (d.fired()) return static_cast<int>(finish_injected(ev, d));
  if (d.rule >= 0) note_refusal(ev, d);
  int result = real().fcntl(fd, cmd, arg);
  int err = errno;
  if (dup && result >= 0) copy_descriptor(fd, result);
  if (result >= 0 && cmd == F_SETFL) {
    info.nonblocking = reinterpret_cast<long>(arg) & O_NONBLOCK;
    rt.sockets().set(fd, info);
  }
  // Reading flags is frequent and says nothing about the connect: log it only when planned.
  if (cmd == F_GETFL && d.rule < 0) return result;
  return static_cast<int>(finish(ev, result, err, d.rule >= 0 ? Mark::Refused : Mark::None));
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return fcntl_common(fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return fcntl_common(fd, cmd, arg);
}

int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  Runtime& rt = runtime();
  SocketInfo info = rt.sockets().get(fd);
  if (info.phase == Phase::Untracked || request != FIONBIO) return real().ioctl(fd, request, arg);
  Decision d = rt.decide(Call::ioctl, facts_for(info));
  Event ev = begin_event(Call::ioctl, fd, d);
  LineBuilder(ev.args, sizeof(ev.args)).number(fd).text(", FIONBIO");
  if (d.fired()) return static_cast<int>(finish_injected(ev, d));
  if (d.rule >= 0) note_refusal(ev, d);
  int result = real().ioctl(fd, request, arg);
  int err = errno;
  if (result == 0 && arg != nullptr) {
    info.nonblocking = *static_cast<const int*>(arg) != 0;
    rt.sockets().set(fd, info);
  }
  return static_cast<int>(finish(ev, result, err, d.rule >= 0 ? Mark::Refused : Mark::None));
}

static int so_error(int fd, SocketInfo info, void* value, socklen_t* len, Event& ev) {
  Runtime& rt = runtime();
  Decision d = rt.decide(Call::so_error, facts_for(info));
  ev.call = Call::so_error;
  ev.index = d.index;
  auto answer = [&](int pending, Mark mark, const char* note) {
    if (value && len && *len >= sizeof(int)) {
      std::memcpy(value, &pending, sizeof(int));
      *len = sizeof(int);
    }
    ev.result = 0;
    ev.err = pending;
    ev.mark = mark;
    if (note) LineBuilder(ev.note, sizeof(ev.note)).text(note);
    rt.log().record(ev);
    return 0;
  };
  if (d.fired()) {
    fail_socket(fd, info, 0, true);
    return answer(d.err, Mark::Injected, rt.rule_text(d.rule));
  }
  if (d.rule >= 0) note_refusal(ev, d);
  switch (info.phase) {
    case Phase::Held:
    case Phase::SimPending: return answer(0, Mark::Simulated, nullptr);
    case Phase::Failed: {
      int pending = info.pending_err;
      info.pending_err = 0;
      rt.sockets().set(fd, info);
      return answer(pending, Mark::Simulated, nullptr);
    }
    default: break;
  }
  int result = real().getsockopt(fd, SOL_SOCKET, SO_ERROR, value, len);
  if (result < 0) return static_cast<int>(finish(ev, -1, errno, Mark::None));
  int pending = 0;
  if (value && len && *len >= sizeof(int)) std::memcpy(&pending, value, sizeof(int));
  if (pending == 0 && info.phase == Phase::Connecting) {
    // The wait is over and the attempt succeeded.
    info.phase = Phase::Connected;
    rt.sockets().set(fd, info);
  }
  return answer(pending, d.rule >= 0 ? Mark::Refused : Mark::None, nullptr);
}

int getsockopt(int fd, int level, int name, void* value, socklen_t* len) {
  Runtime& rt = runtime();
  SocketInfo info = rt.sockets().get(fd);
  if (info.phase == Phase::Untracked) return real().getsockopt(fd, level, name, value, len);
  Decision d = rt.decide(Call::getsockopt, facts_for(info));
  Event ev = begin_event(Call::getsockopt, fd, d);
  LineBuilder args(ev.args, sizeof(ev.args));
  args.number(fd);
  if (level == SOL_SOCKET && name == SO_ERROR) args.text(", SOL_SOCKET, SO_ERROR");
  else args.text(", ").number(level).text(", ").number(name);
  if (d.fired()) return static_cast<int>(finish_injected(ev, d));
  if (level == SOL_SOCKET && name == SO_ERROR) return so_error(fd, info, value, len, ev);
  int result = real().getsockopt(fd, level, name, value, len);
  return result;  // other options are not on the connect path: not logged unless injected
}

int getpeername(int fd, sockaddr* addr, socklen_t* len) {
  Runtime& rt = runtime();
  SocketInfo info = rt.sockets().get(fd);
  if (info.phase == Phase::Untracked) return real().getpeername(fd, addr, len);
  Decision d = rt.decide(Call::getpeername, facts_for(info));
  Event ev = begin_event(Call::getpeername, fd, d);
  fd_args(ev, fd);
  if (d.fired()) return static_cast<int>(finish_injected(ev, d));
  if (d.rule >= 0) note_refusal(ev, d);
  if (info.is_simulated()) return static_cast<int>(finish(ev, -1, ENOTCONN, Mark::Simulated));
  int result = real().getpeername(fd, addr, len);
  int err = errno;
  if (result == 0 && info.phase != Phase::Connected) {
    info.phase = Phase::Connected;
    rt.sockets().set(fd, info);
  }
  return static_cast<int>(finish(ev, result, err, d.rule >= 0 ? Mark::Refused : Mark::None));
}

}  // extern "C"
