// Wrappers for poll(), ppoll(), select(), pselect(), epoll_ctl(), epoll_wait(), epoll_pwait().
//
// A wait that involves a simulated socket, or a virtual timerfd while a timer is armed,
// never sleeps for real: the real descriptors are polled without blocking, and if
// nothing is ready the virtual clock jumps to the simulated attempt's end, the next
// timer or the wait's timeout.
#include <fcntl.h>
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
// A steady clock stands still while the program runs, the kernel's timers do not: one
// may have fired before the program's clock reached it. A wait moves the clock to its
// expiry, as a simulated wait lets time run to the next timer whichever descriptors it
// watches, so that the program finds the timer due whenever the kernel fired it.
void reach_fired_timers(Runtime& rt) {
  if (!rt.steady_clock()) return;
  std::int64_t next = rt.next_timer_ns(rt.now_ns());
  if (next != kForever && next <= rt.timers_now_ns()) rt.advance_clock_to(next);
}

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
    reach_fired_timers(rt);
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
  std::int64_t began = rt.now_ns();
  bool timer_armed = watches_timer && rt.next_timer_ns(began) != kForever;
  if (timer_armed && timeout_ns != 0) {
    SimulatedSet none;
    return simulated_wait(none, timeout_ns, real_wait);  // which reaches fired timers itself
  }
  if (timer_armed) reach_fired_timers(rt);
  int ready = real_wait(timeout_ns);
  if (ready == 0 && timeout_ns != kForever) rt.note_wait_ran_out(began, timeout_ns);
  return ready;
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

// The one course of every wait (poll, ppoll, select, pselect, epoll_wait, epoll_pwait):
// decide a fault, log it, let the virtual clock run, call the real function. `Wait` is
// one of the kinds below; each says how its descriptors are given and answered:
//   call, count                the call as plans name it; the log's nfds=
//   tracked(facts)             a socket connfuzz follows is in the wait (facts: the first one's)
//   watches_timer()            a virtual timerfd is in the wait
//   real_wait(t)               the real call as the program made it, timeout t ns
//   collect(sim)               hands the wait's sockets to sim.consider()
//   real_wait_hiding(sim, t)   the real call, the simulated sockets hidden from the kernel
//   add_simulated(sim, ready)  `ready` real entries and the simulated sockets' readiness
template <typename Wait>
int wait_under_plan(Wait& wait, std::int64_t timeout_ns) {
  Runtime& rt = runtime();
  auto real_wait = [&](std::int64_t t) { return wait.real_wait(t); };
  Facts facts;
  if (!wait.tracked(facts)) return real_wait_on_virtual_time(wait.watches_timer(), timeout_ns, real_wait);
  facts.wait_does_not_block = timeout_ns == 0;
  Decision d = rt.decide(wait.call, facts);
  if (d.fired() && d.action == Action::errno_value) {
    log_wait(wait.call, d, -1, d.err, Mark::Injected, wait.count, timeout_ns);
    errno = d.err;
    return -1;
  }
  SimulatedSet sim;
  if (rt.sockets().simulated_count() > 0) wait.collect(sim);
  Interruption delay(d);
  if ((sim.count == 0 && !delay.planned) || sim.overflow) {
    int result = real_wait_on_virtual_time(wait.watches_timer(), timeout_ns, real_wait);
    log_wait(wait.call, d, result, errno, Mark::None, wait.count, timeout_ns);
    return result;
  }
  auto hiding = [&](std::int64_t t) { return wait.real_wait_hiding(sim, t); };
  int result = simulated_wait(sim, timeout_ns, hiding, delay.after_ns, delay.err);
  if (result >= 0) result = wait.add_simulated(sim, result);
  log_wait(wait.call, d, result, errno, delay.mark(result), wait.count, timeout_ns);
  return result;
}

// poll and ppoll; real_poll(fds, n, timeout_ns).
template <typename RealPoll>
struct PollWait {
  Call call;
  pollfd* fds;
  nfds_t n;
  int count;
  RealPoll real_poll;

  PollWait(Call c, pollfd* f, nfds_t k, RealPoll real)
      : call(c), fds(f), n(k), count(static_cast<int>(k)), real_poll(real) {}

  bool tracked(Facts& facts) const {
    for (nfds_t i = 0; i < n; ++i) {
      SocketInfo info = runtime().sockets().get(fds[i].fd);
      if (info.phase != Phase::Untracked) {
        facts = facts_for(info);
        return true;
      }
    }
    return false;
  }
  bool watches_timer() const { return polls_timer(fds, n); }
  int real_wait(std::int64_t t) { return real_poll(fds, n, t); }
  void collect(SimulatedSet& sim) const {
    for (nfds_t i = 0; i < n; ++i) sim.consider(fds[i].fd, runtime().sockets().get(fds[i].fd), fds[i].events);
  }
  // poll skips negative descriptors: -1 - fd hides one, and the same again shows it.
  void hide(const SimulatedSet& sim, bool hiding) {
    for (nfds_t i = 0; i < n; ++i)
      for (int k = 0; k < sim.count; ++k)
        if (!sim.real(k) && fds[i].fd == (hiding ? sim.fds[k] : -1 - sim.fds[k])) fds[i].fd = -1 - fds[i].fd;
  }
  int real_wait_hiding(const SimulatedSet& sim, std::int64_t t) {
    hide(sim, true);
    int ready = real_poll(fds, n, t);
    hide(sim, false);
    return ready;
  }
  int add_simulated(const SimulatedSet& sim, int ready) {
    for (nfds_t i = 0; i < n; ++i)
      for (int k = 0; k < sim.count; ++k)
        if (!sim.real(k) && fds[i].fd == sim.fds[k]) {
          fds[i].revents = simulated_revents(runtime().sockets().get(fds[i].fd), fds[i].events);
          ready += fds[i].revents != 0;
        }
    return ready;
  }
};

// select and pselect; real_select(nfds, rd, wr, ex, timeout_ns).
template <typename RealSelect>
struct SelectWait {
  Call call;
  int count;  // nfds
  int limit;  // the descriptors below it are the sets' (at most FD_SETSIZE)
  fd_set* rd;
  fd_set* wr;
  fd_set* ex;
  RealSelect real_select;
  bool timer;
  // The sets as given, kept only for a wait that may look more than once: one on virtual
  // time, or one with simulated sockets (the first real call copies them, unchanged yet).
  std::optional<SelectSets> given;

  SelectWait(Call c, int nfds, fd_set* r, fd_set* w, fd_set* e, RealSelect real)
      : call(c), count(nfds), limit(nfds < FD_SETSIZE ? nfds : FD_SETSIZE), rd(r), wr(w), ex(e), real_select(real),
        timer(selects_timer(limit, r, w, e)) {
    if (timer) given.emplace(rd, wr, ex);
  }

  bool tracked(Facts& facts) const {
    for (int fd = 0; fd < limit; ++fd) {
      if (!in_any(rd, wr, ex, fd)) continue;
      SocketInfo info = runtime().sockets().get(fd);
      if (info.phase != Phase::Untracked) {
        facts = facts_for(info);
        return true;
      }
    }
    return false;
  }
  bool watches_timer() const { return timer; }
  int real_wait(std::int64_t t) {
    if (given) given->restore();
    return real_select(count, rd, wr, ex, t);
  }
  void collect(SimulatedSet& sim) const {
    for (int fd = 0; fd < limit; ++fd) {
      if (!in_any(rd, wr, ex, fd)) continue;
      sim.consider(fd, runtime().sockets().get(fd),
                   static_cast<short>((in_set(rd, fd) ? POLLIN : 0) | (in_set(wr, fd) ? POLLOUT : 0) |
                                      (in_set(ex, fd) ? POLLPRI : 0)));
    }
  }
  int real_wait_hiding(const SimulatedSet& sim, std::int64_t t) {
    if (!given) given.emplace(rd, wr, ex);
    given->restore();
    for (int k = 0; k < sim.count; ++k) {
      if (sim.real(k)) continue;
      if (rd) FD_CLR(sim.fds[k], rd);
      if (wr) FD_CLR(sim.fds[k], wr);
      if (ex) FD_CLR(sim.fds[k], ex);
    }
    return real_select(count, rd, wr, ex, t);
  }
  // select counts each ready bit; a failed attempt is readable and writable.
  int add_simulated(const SimulatedSet& sim, int ready) {
    for (int k = 0; k < sim.count; ++k) {
      if (sim.real(k)) continue;
      int fd = sim.fds[k];
      short revents = simulated_revents(runtime().sockets().get(fd), sim.requested[k]);
      if (rd && (revents & (POLLIN | POLLHUP | POLLERR)) && FD_ISSET(fd, &given->rd_in)) { FD_SET(fd, rd); ++ready; }
      if (wr && (revents & (POLLOUT | POLLERR)) && FD_ISSET(fd, &given->wr_in)) { FD_SET(fd, wr); ++ready; }
    }
    return ready;
  }
};

// epoll_wait and epoll_pwait (both epoll_wait to a plan); real_epoll(events, max, timeout_ns).
template <typename RealEpoll>
struct EpollWait {
  Call call = Call::epoll_wait;
  int epfd;
  epoll_event* events;
  int count;  // maxevents
  RealEpoll real_epoll;
  SocketInfo instance;

  EpollWait(int ep, epoll_event* e, int max, RealEpoll real)
      : epfd(ep), events(e), count(max), real_epoll(real), instance(runtime().sockets().get(ep)) {}

  bool tracked(Facts& facts) const {
    facts = Facts{};
    return instance.epoll_watches_socket && count > 0;
  }
  bool watches_timer() const { return instance.epoll_watches_timer; }
  int real_wait(std::int64_t t) { return real_epoll(events, count, t); }
  void collect(SimulatedSet& sim) const {
    SocketTable& table = runtime().sockets();
    for (int fd = 0, high = table.high_water(); fd < high; ++fd) {
      if (table.registration(fd).epfd != epfd) continue;
      // Closed where connfuzz does not see it (syscall(SYS_close), as libuv closes): the
      // kernel has dropped a closed file from every epoll set, so its simulation goes too.
      if (real().fcntl(fd, F_GETFD) < 0) continue;
      sim.consider(fd, table.get(fd), static_cast<short>(table.registration(fd).events));
    }
  }
  // The kernel's events for a simulated socket describe the real, unconnected one: dropped.
  // They can fill a small buffer (maxevents 1) while a real event waits behind them; epoll
  // hands its ready entries out in turn, so it is asked again at once, at most once per
  // simulated socket. (A larger buffer of our own would take edge-triggered events the
  // caller has no room for.)
  int real_wait_hiding(const SimulatedSet& sim, std::int64_t t) {
    for (int look = 0; look <= sim.count; ++look) {
      int ready = real_epoll(events, count, look == 0 ? t : 0);
      if (ready <= 0) return ready;
      int kept = drop_simulated(sim, ready);
      if (kept > 0 || ready < count) return kept;
    }
    return 0;
  }
  int drop_simulated(const SimulatedSet& sim, int ready) {
    int kept = 0;
    for (int i = 0; i < ready; ++i) {
      bool simulated = false;
      for (int k = 0; k < sim.count && !simulated; ++k)
        simulated = !sim.real(k) && runtime().sockets().registration(sim.fds[k]).data == events[i].data.u64;
      if (!simulated) events[kept++] = events[i];
    }
    return kept;
  }
  int add_simulated(const SimulatedSet& sim, int ready) {
    SocketTable& table = runtime().sockets();
    for (int k = 0; k < sim.count && ready < count; ++k) {
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
      events[ready].events = static_cast<std::uint32_t>(static_cast<unsigned short>(revents));
      events[ready].data.u64 = reg.data;
      ++ready;
    }
    return ready;
  }
};

int ns_to_ms(std::int64_t ns) { return ns == kForever ? -1 : static_cast<int>((ns + 999'999) / 1'000'000); }

}  // namespace

extern "C" {

int poll(pollfd* fds, nfds_t n, int timeout_ms) {
  PollWait wait(Call::poll, fds, n, [](pollfd* f, nfds_t k, std::int64_t t) { return real().poll(f, k, ns_to_ms(t)); });
  return wait_under_plan(wait, ms_to_ns(timeout_ms));
}

int __poll_chk(pollfd* fds, nfds_t n, int timeout_ms, size_t) { return poll(fds, n, timeout_ms); }

int ppoll(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask) {
  PollWait wait(Call::ppoll, fds, n, [mask](pollfd* f, nfds_t k, std::int64_t t) {
    timespec ts{t / 1'000'000'000, t % 1'000'000'000};
    return real().ppoll(f, k, t == kForever ? nullptr : &ts, mask);
  });
  return wait_under_plan(wait, to_ns(timeout));
}

int __ppoll_chk(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask, size_t) {
  return ppoll(fds, n, timeout, mask);
}

int select(int nfds, fd_set* rd, fd_set* wr, fd_set* ex, timeval* timeout) {
  std::int64_t timeout_ns = timeout ? timeout->tv_sec * 1'000'000'000LL + timeout->tv_usec * 1000LL : kForever;
  SelectWait wait(Call::select, nfds, rd, wr, ex, [timeout](int k, fd_set* r, fd_set* w, fd_set* e, std::int64_t t) {
    if (t == kForever) return real().select(k, r, w, e, nullptr);
    timeval tv{t / 1'000'000'000, (t % 1'000'000'000) / 1000};
    int result = real().select(k, r, w, e, &tv);
    if (timeout) *timeout = tv;  // Linux reports the time left
    return result;
  });
  return wait_under_plan(wait, timeout_ns);
}

int pselect(int nfds, fd_set* rd, fd_set* wr, fd_set* ex, const timespec* timeout, const sigset_t* mask) {
  SelectWait wait(Call::pselect, nfds, rd, wr, ex, [mask](int k, fd_set* r, fd_set* w, fd_set* e, std::int64_t t) {
    timespec ts{t / 1'000'000'000, t % 1'000'000'000};
    return real().pselect(k, r, w, e, t == kForever ? nullptr : &ts, mask);
  });
  return wait_under_plan(wait, to_ns(timeout));
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
  EpollWait wait(epfd, events, max, [epfd](epoll_event* e, int m, std::int64_t t) {
    return real().epoll_wait(epfd, e, m, ns_to_ms(t));
  });
  return wait_under_plan(wait, ms_to_ns(timeout_ms));
}

int epoll_pwait(int epfd, epoll_event* events, int max, int timeout_ms, const sigset_t* mask) {
  EpollWait wait(epfd, events, max, [epfd, mask](epoll_event* e, int m, std::int64_t t) {
    return real().epoll_pwait(epfd, e, m, ns_to_ms(t), mask);
  });
  return wait_under_plan(wait, ms_to_ns(timeout_ms));
}

}  // extern "C"
