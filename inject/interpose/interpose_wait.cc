// Wrappers for poll(), ppoll(), select(), pselect(), epoll_ctl(), epoll_wait(), epoll_pwait().
//
// A wait that involves a simulated socket, or a virtual timerfd while a timer is armed,
// never sleeps for real: the real descriptors are polled without blocking, and if
// nothing is ready the virtual clock jumps to the simulated attempt's end, the next
// timer or the wait's timeout.
#include <sys/epoll.h>
#include <sys/select.h>

#include <climits>
#include <cstring>
#include <optional>

#include "interpose.h"

using namespace connfuzz::inject;
using namespace connfuzz::inject::detail;

namespace {

constexpr std::int64_t kForever = INT64_MAX;
constexpr int kMaxSimulatedPerWait = 1024;  // larger sets wait for real, unsimulated

std::int64_t to_ns(const timespec* ts) {
  return ts ? ts->tv_sec * 1'000'000'000LL + ts->tv_nsec : kForever;
}
std::int64_t ms_to_ns(int ms) { return ms < 0 ? kForever : ms * 1'000'000LL; }

// The sockets of one wait that connfuzz answers for, and how to fill in their events.
struct SimulatedSet {
  int fds[kMaxSimulatedPerWait];
  short requested[kMaxSimulatedPerWait];
  bool released[kMaxSimulatedPerWait];  // a slow network's real attempt, now the kernel's to report
  int count = 0;
  bool overflow = false;
  bool any_released = false;

  void add(int fd, short events) {
    if (count == kMaxSimulatedPerWait) overflow = true;
    else fds[count] = fd, requested[count] = events, released[count++] = false;
  }
  // A socket of the wait: a hold whose time has come ends now (the kernel answers from
  // here on); one still held or simulated is answered by connfuzz.
  void consider(int fd, const SocketInfo& info, short events) {
    if (info.phase == Phase::Held && runtime().sockets().due_ns(fd) <= runtime().now_ns()) release_hold(fd, info);
    else if (info.is_simulated()) add(fd, events);
  }
  // The kernel sees this socket (its real attempt is the program's to hear of).
  bool real(int k) const { return released[k]; }

  // Completes attempts whose time has come; returns the earliest end still to come.
  std::int64_t settle(std::int64_t now) {
    std::int64_t earliest = kForever;
    SocketTable& table = runtime().sockets();
    for (int i = 0; i < count; ++i) {
      SocketInfo info = table.get(fds[i]);
      if (info.phase != Phase::SimPending && info.phase != Phase::Held) continue;
      std::int64_t due = table.due_ns(fds[i]);
      if (due > now) {
        if (due < earliest) earliest = due;
      } else if (info.phase == Phase::Held) {
        release_hold(fds[i], info);
        released[i] = any_released = true;
      } else {
        complete_simulated(fds[i], info);
      }
    }
    return earliest;
  }

  int ready() const {
    int n = 0;
    for (int i = 0; i < count; ++i)
      if (!released[i]) n += simulated_revents(runtime().sockets().get(fds[i]), requested[i]) != 0;
    return n;
  }
};

// A plan's delay on a wait: the wait runs on the virtual clock, and fails with the
// rule's outcome after that long unless it ends first.
struct Interruption {
  bool planned = false;
  std::int64_t after_ns = kForever;
  int err = 0;
  explicit Interruption(const Decision& d) {
    if (d.fired() && d.action == Action::delay) planned = true, after_ns = d.delay_ns, err = d.eventual;
  }
  Mark mark(int result) const { return planned && result < 0 && errno == err ? Mark::Injected : Mark::Simulated; }
};

// The part of a wait every kind shares. real_wait(timeout_ns or 0) runs the real
// call with the simulated sockets hidden; returns the number of ready real entries.
//
// Nothing ready: virtual time runs to the next simulated end or the next expiry of a
// timerfd (whose kernel timer then fires, so the real wait hears of it), and the wait
// looks again, until its timeout. `interrupt` (a plan's delay on the wait): after that
// much virtual time with nothing ready, the wait fails with `interrupt_err`, unless its
// own timeout comes first.
template <typename RealWait>
int simulated_wait(SimulatedSet& sim, std::int64_t timeout_ns, RealWait real_wait, std::int64_t interrupt = kForever,
                   int interrupt_err = 0) {
  Runtime& rt = runtime();
  const std::int64_t limit = std::min(timeout_ns, interrupt);
  const std::int64_t end = limit == kForever ? kForever : rt.now_ns() + limit;
  // Each look lets time run to one end or expiry; a timer of another wait that keeps
  // firing cannot hold this one for ever.
  constexpr int kMaxLooks = 64;
  for (int look = 0;; ++look) {
    std::int64_t now = rt.now_ns();
    std::int64_t next = std::min(sim.settle(now), rt.next_timer_ns(now));
    int real_ready = real_wait(0);
    if (real_ready != 0 || sim.ready() > 0 || timeout_ns == 0) return real_ready;
    if (next != kForever && next <= end && look < kMaxLooks) {
      rt.advance_clock_to(next);
      continue;
    }
    if (end == kForever) return 0;
    rt.advance_clock_to(end);
    if (interrupt <= timeout_ns) {
      errno = interrupt_err;
      return -1;
    }
    sim.settle(rt.now_ns());
    return sim.any_released ? real_wait(0) : 0;
  }
}

// A wait with no simulated socket in it, whose set holds a virtual timerfd: while a
// virtual timer is armed, its time passes on the virtual clock, not in real time. An
// Asio deadline is such a timer, and the reactor's epoll_wait may have nothing else to
// hear of (a socket whose registration failed is not in the set).
template <typename RealWait>
int real_wait_on_virtual_time(bool watches_timer, std::int64_t timeout_ns, RealWait real_wait) {
  Runtime& rt = runtime();
  if (!watches_timer || timeout_ns == 0 || rt.next_timer_ns(rt.now_ns()) == kForever) return real_wait(timeout_ns);
  SimulatedSet none;
  return simulated_wait(none, timeout_ns, real_wait);
}

bool polls_timer(const pollfd* fds, nfds_t n) {
  const VirtualTimers& timers = runtime().timers();
  if (!timers.any()) return false;
  for (nfds_t i = 0; i < n; ++i)
    if (timers.tracks(fds[i].fd)) return true;
  return false;
}

bool in_set(const fd_set* set, int fd) { return set != nullptr && FD_ISSET(fd, set); }
bool in_any(const fd_set* rd, const fd_set* wr, const fd_set* ex, int fd) {
  return in_set(rd, fd) || in_set(wr, fd) || in_set(ex, fd);
}

bool selects_timer(int limit, const fd_set* rd, const fd_set* wr, const fd_set* ex) {
  const VirtualTimers& timers = runtime().timers();
  if (!timers.any()) return false;
  for (int fd = 0; fd < limit; ++fd)
    if (in_any(rd, wr, ex, fd) && timers.tracks(fd)) return true;
  return false;
}

// select()'s sets as the program passed them: select() rewrites them, so a wait that
// looks more than once puts them back before each look.
struct SelectSets {
  fd_set* rd;
  fd_set* wr;
  fd_set* ex;
  fd_set rd_in, wr_in, ex_in;
  SelectSets(fd_set* r, fd_set* w, fd_set* e) : rd(r), wr(w), ex(e) {
    FD_ZERO(&rd_in);
    FD_ZERO(&wr_in);
    FD_ZERO(&ex_in);
    if (rd) rd_in = *rd;
    if (wr) wr_in = *wr;
    if (ex) ex_in = *ex;
  }
  void restore() const {
    if (rd) *rd = rd_in;
    if (wr) *wr = wr_in;
    if (ex) *ex = ex_in;
  }
};

void log_wait(Call call, const Decision& d, long result, int err, Mark mark, int nfds, std::int64_t timeout_ns) {
  Event ev = begin_event(call, -1, d);
  LineBuilder args(ev.args, sizeof(ev.args));
  args.text("nfds=").number(nfds).text(", timeout=");
  if (timeout_ns == kForever) args.text("-1");
  else args.number(timeout_ns / 1'000'000).text("ms");
  if (d.rule >= 0 && d.refused) {
    note_refusal(ev, d);
    if (mark == Mark::None) mark = Mark::Refused;
  }
  finish(ev, result, err, mark, d.rule >= 0 && mark == Mark::Injected ? runtime().rule_text(d.rule) : nullptr);
}

// poll and ppoll.
template <typename RealPoll>
int poll_common(Call call, pollfd* fds, nfds_t n, std::int64_t timeout_ns, RealPoll real_poll) {
  Runtime& rt = runtime();
  SocketTable& table = rt.sockets();
  SocketInfo first{};
  bool any_socket = false;
  for (nfds_t i = 0; i < n && !any_socket; ++i)
    if ((first = table.get(fds[i].fd)).phase != Phase::Untracked) any_socket = true;
  auto real_wait = [&](std::int64_t t) { return real_poll(fds, n, t); };
  if (!any_socket) return real_wait_on_virtual_time(polls_timer(fds, n), timeout_ns, real_wait);
  Decision d = rt.decide(call, facts_for(first));
  if (d.fired() && d.action == Action::errno_value) {
    log_wait(call, d, -1, d.err, Mark::Injected, static_cast<int>(n), timeout_ns);
    errno = d.err;
    return -1;
  }
  SimulatedSet sim;
  if (table.simulated_count() > 0) {
    for (nfds_t i = 0; i < n; ++i) {
      sim.consider(fds[i].fd, table.get(fds[i].fd), fds[i].events);
    }
  }
  Interruption delay(d);
  if ((sim.count == 0 && !delay.planned) || sim.overflow) {
    int result = real_wait_on_virtual_time(polls_timer(fds, n), timeout_ns, real_wait);
    log_wait(call, d, result, errno, Mark::None, static_cast<int>(n), timeout_ns);
    return result;
  }
  // Hide the simulated sockets from the kernel (poll skips negative descriptors).
  auto hidden = [&](bool hide) {
    for (nfds_t i = 0; i < n; ++i)
      for (int k = 0; k < sim.count; ++k)
        if (!sim.real(k) && (hide ? fds[i].fd == sim.fds[k] : fds[i].fd == -1 - sim.fds[k])) fds[i].fd = -1 - fds[i].fd;
  };
  int result = simulated_wait(sim, timeout_ns, [&](std::int64_t t) {
    hidden(true);
    int r = real_poll(fds, n, t);
    hidden(false);
    return r;
  }, delay.after_ns, delay.err);
  if (result >= 0) {
    for (nfds_t i = 0; i < n; ++i)
      for (int k = 0; k < sim.count; ++k)
        if (!sim.real(k) && fds[i].fd == sim.fds[k]) {
          fds[i].revents = simulated_revents(table.get(fds[i].fd), fds[i].events);
          result += fds[i].revents != 0;
        }
  }
  log_wait(call, d, result, errno, delay.mark(result), static_cast<int>(n), timeout_ns);
  return result;
}

template <typename RealSelect>
int select_common(Call call, int nfds, fd_set* rd, fd_set* wr, fd_set* ex, std::int64_t timeout_ns,
                  RealSelect real_select) {
  Runtime& rt = runtime();
  SocketTable& table = rt.sockets();
  SocketInfo first{};
  bool any_socket = false;
  int limit = nfds < FD_SETSIZE ? nfds : FD_SETSIZE;
  for (int fd = 0; fd < limit && !any_socket; ++fd)
    if (in_any(rd, wr, ex, fd) && (first = table.get(fd)).phase != Phase::Untracked) any_socket = true;
  // Kept only for a wait that may look more than once: one on virtual time.
  const bool timer = selects_timer(limit, rd, wr, ex);
  std::optional<SelectSets> given;
  if (timer) given.emplace(rd, wr, ex);
  auto real_wait = [&](std::int64_t t) {
    if (given) given->restore();
    return real_select(nfds, rd, wr, ex, t);
  };
  if (!any_socket) return real_wait_on_virtual_time(timer, timeout_ns, real_wait);
  Decision d = rt.decide(call, facts_for(first));
  if (d.fired() && d.action == Action::errno_value) {
    log_wait(call, d, -1, d.err, Mark::Injected, nfds, timeout_ns);
    errno = d.err;
    return -1;
  }
  SimulatedSet sim;
  if (table.simulated_count() > 0) {
    for (int fd = 0; fd < limit; ++fd) {
      if (!in_any(rd, wr, ex, fd)) continue;
      sim.consider(fd, table.get(fd),
                   static_cast<short>((in_set(rd, fd) ? POLLIN : 0) | (in_set(wr, fd) ? POLLOUT : 0) |
                                      (in_set(ex, fd) ? POLLPRI : 0)));
    }
  }
  Interruption delay(d);
  if ((sim.count == 0 && !delay.planned) || sim.overflow) {
    int result = real_wait_on_virtual_time(timer, timeout_ns, real_wait);
    log_wait(call, d, result, errno, Mark::None, nfds, timeout_ns);
    return result;
  }
  if (!given) given.emplace(rd, wr, ex);
  int result = simulated_wait(sim, timeout_ns, [&](std::int64_t t) {
    given->restore();
    for (int k = 0; k < sim.count; ++k) {
      if (sim.real(k)) continue;
      if (rd) FD_CLR(sim.fds[k], rd);
      if (wr) FD_CLR(sim.fds[k], wr);
      if (ex) FD_CLR(sim.fds[k], ex);
    }
    return real_select(nfds, rd, wr, ex, t);
  }, delay.after_ns, delay.err);
  if (result >= 0) {
    // select counts each ready bit; a failed attempt is readable and writable.
    for (int k = 0; k < sim.count; ++k) {
      if (sim.real(k)) continue;
      short revents = simulated_revents(table.get(sim.fds[k]), sim.requested[k]);
      if (rd && (revents & (POLLIN | POLLHUP | POLLERR)) && FD_ISSET(sim.fds[k], &given->rd_in)) { FD_SET(sim.fds[k], rd); ++result; }
      if (wr && (revents & (POLLOUT | POLLERR)) && FD_ISSET(sim.fds[k], &given->wr_in)) { FD_SET(sim.fds[k], wr); ++result; }
    }
  }
  log_wait(call, d, result, errno, delay.mark(result), nfds, timeout_ns);
  return result;
}

template <typename RealEpoll>
int epoll_common(int epfd, epoll_event* events, int max, std::int64_t timeout_ns, RealEpoll real_epoll) {
  Runtime& rt = runtime();
  SocketTable& table = rt.sockets();
  SocketInfo instance = table.get(epfd);
  auto real_wait = [&](std::int64_t t) { return real_epoll(events, max, t); };
  if (!instance.epoll_watches_socket || max <= 0)
    return real_wait_on_virtual_time(instance.epoll_watches_timer, timeout_ns, real_wait);
  Decision d = rt.decide(Call::epoll_wait, Facts{});
  if (d.fired() && d.action == Action::errno_value) {
    log_wait(Call::epoll_wait, d, -1, d.err, Mark::Injected, max, timeout_ns);
    errno = d.err;
    return -1;
  }
  SimulatedSet sim;
  if (table.simulated_count() > 0) {
    for (int fd = 0, high = table.high_water(); fd < high; ++fd) {
      if (table.registration(fd).epfd != epfd) continue;
      sim.consider(fd, table.get(fd), static_cast<short>(table.registration(fd).events));
    }
  }
  Interruption delay(d);
  if ((sim.count == 0 && !delay.planned) || sim.overflow) {
    int result = real_wait_on_virtual_time(instance.epoll_watches_timer, timeout_ns, real_wait);
    log_wait(Call::epoll_wait, d, result, errno, Mark::None, max, timeout_ns);
    return result;
  }
  int result = simulated_wait(sim, timeout_ns, [&](std::int64_t t) {
    int r = real_epoll(events, max, t);
    if (r <= 0) return r;
    // The kernel's events for a simulated socket describe the real, unconnected one: drop them.
    int kept = 0;
    for (int i = 0; i < r; ++i) {
      bool simulated = false;
      for (int k = 0; k < sim.count && !simulated; ++k)
        simulated = !sim.real(k) && table.registration(sim.fds[k]).data == events[i].data.u64;
      if (!simulated) events[kept++] = events[i];
    }
    return kept;
  }, delay.after_ns, delay.err);
  if (result >= 0) {
    for (int k = 0; k < sim.count && result < max; ++k) {
      if (sim.real(k)) continue;
      SocketTable::EpollRegistration reg = table.registration(sim.fds[k]);
      SocketInfo info = table.get(sim.fds[k]);
      short revents = simulated_revents(info, static_cast<short>(reg.events));
      if (revents == 0) continue;
      // Edge-triggered registrations hear of the failure once.
      if (reg.events & EPOLLET) {
        if (info.edge_reported) continue;
        SocketInfo reported = info;
        reported.edge_reported = true;
        table.exchange(sim.fds[k], info, reported);
      }
      events[result].events = static_cast<std::uint32_t>(static_cast<unsigned short>(revents));
      events[result].data.u64 = reg.data;
      ++result;
    }
  }
  log_wait(Call::epoll_wait, d, result, errno, delay.mark(result), max, timeout_ns);
  return result;
}

int ns_to_ms(std::int64_t ns) { return ns == kForever ? -1 : static_cast<int>((ns + 999'999) / 1'000'000); }

}  // namespace

extern "C" {

int poll(pollfd* fds, nfds_t n, int timeout_ms) {
  return poll_common(Call::poll, fds, n, ms_to_ns(timeout_ms),
                     [](pollfd* f, nfds_t k, std::int64_t t) { return real().poll(f, k, ns_to_ms(t)); });
}

int __poll_chk(pollfd* fds, nfds_t n, int timeout_ms, size_t) { return poll(fds, n, timeout_ms); }

int ppoll(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask) {
  return poll_common(Call::ppoll, fds, n, to_ns(timeout), [mask](pollfd* f, nfds_t k, std::int64_t t) {
    timespec ts{t / 1'000'000'000, t % 1'000'000'000};
    return real().ppoll(f, k, t == kForever ? nullptr : &ts, mask);
  });
}

int __ppoll_chk(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask, size_t) {
  return ppoll(fds, n, timeout, mask);
}

int select(int nfds, fd_set* rd, fd_set* wr, fd_set* ex, timeval* timeout) {
  std::int64_t timeout_ns = timeout ? timeout->tv_sec * 1'000'000'000LL + timeout->tv_usec * 1000LL : kForever;
  return select_common(Call::select, nfds, rd, wr, ex, timeout_ns,
                       [timeout](int k, fd_set* r, fd_set* w, fd_set* e, std::int64_t t) {
                         if (t == kForever) return real().select(k, r, w, e, nullptr);
                         timeval tv{t / 1'000'000'000, (t % 1'000'000'000) / 1000};
                         int result = real().select(k, r, w, e, &tv);
                         if (timeout) *timeout = tv;  // Linux reports the time left
                         return result;
                       });
}

int pselect(int nfds, fd_set* rd, fd_set* wr, fd_set* ex, const timespec* timeout, const sigset_t* mask) {
  return select_common(Call::pselect, nfds, rd, wr, ex, to_ns(timeout),
                       [mask](int k, fd_set* r, fd_set* w, fd_set* e, std::int64_t t) {
                         timespec ts{t / 1'000'000'000, t % 1'000'000'000};
                         return real().pselect(k, r, w, e, t == kForever ? nullptr : &ts, mask);
                       });
}

int epoll_ctl(int epfd, int op, int fd, epoll_event* event) {
  Runtime& rt = runtime();
  SocketTable& table = rt.sockets();
  SocketInfo info = table.get(fd);
  if (info.phase == Phase::Untracked) {
    int result = real().epoll_ctl(epfd, op, fd, event);
    // Kept until the instance is closed, as epoll_watches_socket is: a wait on an
    // instance whose timer went away only looks at the timers first.
    if (result == 0 && op == EPOLL_CTL_ADD && rt.timers().tracks(fd)) {
      SocketInfo instance = table.get(epfd);
      if (!instance.epoll_watches_timer) {
        instance.epoll_watches_timer = true;
        table.set(epfd, instance);
      }
    }
    return result;
  }
  Decision d = rt.decide(Call::epoll_ctl, facts_for(info));
  Event ev = begin_event(Call::epoll_ctl, fd, d);
  LineBuilder(ev.args, sizeof(ev.args))
      .number(epfd)
      .text(op == EPOLL_CTL_ADD ? ", EPOLL_CTL_ADD, " : op == EPOLL_CTL_MOD ? ", EPOLL_CTL_MOD, " : ", EPOLL_CTL_DEL, ")
      .number(fd);
  if (d.fired()) return static_cast<int>(finish_injected(ev, d));
  if (d.rule >= 0) note_refusal(ev, d);
  int result = real().epoll_ctl(epfd, op, fd, event);
  int err = errno;
  if (result == 0) {
    if (op == EPOLL_CTL_DEL) {
      table.set_registration(fd, -1, 0, 0);
    } else if (event != nullptr) {
      table.set_registration(fd, epfd, event->events, event->data.u64);
      info.edge_reported = false;
      table.set(fd, info);
      SocketInfo instance = table.get(epfd);
      if (!instance.epoll_watches_socket) {
        instance.epoll_watches_socket = true;
        table.set(epfd, instance);
      }
    }
  }
  return static_cast<int>(finish(ev, result, err, d.rule >= 0 ? Mark::Refused : Mark::None));
}

int epoll_wait(int epfd, epoll_event* events, int max, int timeout_ms) {
  return epoll_common(epfd, events, max, ms_to_ns(timeout_ms), [epfd](epoll_event* e, int m, std::int64_t t) {
    return real().epoll_wait(epfd, e, m, ns_to_ms(t));
  });
}

int epoll_pwait(int epfd, epoll_event* events, int max, int timeout_ms, const sigset_t* mask) {
  return epoll_common(epfd, events, max, ms_to_ns(timeout_ms), [epfd, mask](epoll_event* e, int m, std::int64_t t) {
    return real().epoll_pwait(epfd, e, m, ns_to_ms(t), mask);
  });
}

}  // extern "C"
