// The oracles: each reads the calls of one input and says what, if anything, is wrong.
#include "oracles.h"

#include <fcntl.h>

#include <algorithm>
#include <set>

#include "actions.h"
#include "errno_table.h"
#include "real_calls.h"
#include "runtime.h"

namespace connfuzz::fuzz {
namespace {

using inject::Call;
using inject::ErrnoClass;
using inject::Event;
using inject::Mark;

std::string line_of(const Event& event) {
  char line[512];
  std::size_t n = inject::format_event(event, line, sizeof(line));
  while (n > 0 && line[n - 1] == '\n') --n;
  return std::string(line, n);
}

std::string milliseconds(std::int64_t ns) { return std::to_string(ns / 1'000'000) + " ms"; }

std::string name(int err) {
  const char* n = inject::errno_name(err);
  return n ? n : std::to_string(err);
}

// How many "not yet" answers a caller must have sat through before giving up with ETIMEDOUT.
constexpr int kPatienceShown = 3;

// The error an event reports: errno of a failed call, or the pending error SO_ERROR read.
int reported_error(const Event& e) {
  if (e.call == Call::so_error) return e.err;
  return e.result < 0 ? e.err : 0;
}

std::optional<Finding> bad_descriptor(std::span<const Event* const> events) {
  for (const Event* e : events)
    if (e->mark == Mark::None && e->result < 0 && e->err == EBADF && e->call != Call::so_error)
      return Finding{"bad-descriptor", "the kernel says the descriptor was not open: " + line_of(*e)};
  return std::nullopt;
}

std::optional<Finding> io_unconnected(std::span<const Event* const> events) {
  for (const Event* e : events) {
    if (!inject::is_io_call(e->call)) continue;
    bool unconnected = e->mark == Mark::Simulated ||
                       (e->mark == Mark::None && e->result < 0 &&
                        (e->err == ENOTCONN || e->err == EPIPE || e->err == EDESTADDRREQ));
    if (unconnected) return Finding{"io-unconnected", "a read or write on a socket with no connection: " + line_of(*e)};
  }
  return std::nullopt;
}

std::optional<Finding> socket_leak(std::span<const Event* const> events, int returned_fd) {
  std::set<int> open;
  for (const Event* e : events) {
    if (e->call == Call::socket && e->result >= 0) open.insert(static_cast<int>(e->result));
    if (e->call == Call::close) open.erase(e->fd);  // on Linux close frees the fd even when it fails
  }
  open.erase(returned_fd);
  for (int fd : open) {
    if (inject::real().fcntl(fd, F_GETFD) < 0) continue;  // closed by a path connfuzz does not see
    return Finding{"socket-leak", "socket " + std::to_string(fd) + " was opened during the input and never closed"};
  }
  return std::nullopt;
}

std::optional<Finding> undocumented(std::span<const Event* const> events) {
  for (const Event* e : events) {
    if (e->mark != Mark::None || e->result >= 0) continue;
    if ((e->call == Call::connect || e->call == Call::socket) && inject::find_row(e->call, e->err) == nullptr)
      return Finding{"undocumented-errno", name(e->err) + " is documented by no source for " +
                                               std::string(inject::call_name(e->call)) + ": " + line_of(*e)};
  }
  return std::nullopt;
}

// A connect that answers EALREADY, EISCONN or EINPROGRESS while an earlier attempt
// on the same socket is under way says "still connecting", whatever its row says.
bool continues_attempt(const Event& e, std::span<const Event* const> before) {
  if (e.call != Call::connect || (e.err != EALREADY && e.err != EISCONN && e.err != EINPROGRESS)) return false;
  return std::any_of(before.begin(), before.end(), [&](const Event* p) {
    return p->call == Call::connect && p->fd == e.fd && p->result < 0 &&
           (p->err == EINTR || p->err == EINPROGRESS || p->err == EALREADY);
  });
}

bool still_connecting(const Event& e, std::span<const Event* const> before) {
  const inject::ErrnoRow* row = inject::find_row(e.call, reported_error(e));
  return (row && row->klass == ErrnoClass::StillConnecting) || continues_attempt(e, before);
}

// What can keep an attempt from ending at once on loopback, where the kernel settles a
// connect before it returns: the plan's hold; a rule that answered the connect, its
// SO_ERROR or a wait (a slow network, a simulated attempt, an interrupted wait); or a
// "not yet" the plan gave any call (an EINTR storm on the greeting's send).
bool plan_held_attempt_back(std::span<const Event* const> events, bool hold) {
  if (hold) return true;
  return std::any_of(events.begin(), events.end(), [](const Event* e) {
    if (e->mark != Mark::Injected && e->mark != Mark::Simulated) return false;
    if (e->call == Call::connect || e->call == Call::so_error || inject::is_wait_call(e->call)) return true;
    return still_connecting(*e, {});
  });
}

// Asio's own renamings, recorded rather than hidden: socket_ops::connect turns a
// connect() EAGAIN into ENOBUFS on Linux, and epoll_reactor keeps a descriptor that
// epoll_ctl refused with EPERM, then fails its operations with EOPNOTSUPP.
struct Translation {
  int seen, reported;
};
constexpr Translation kAsioTranslations[] = {{EAGAIN, ENOBUFS}, {EPERM, EOPNOTSUPP}};

bool translates_to(int seen, int reported, bool asio) {
  if (seen == reported) return true;
  if (!asio) return false;
  return std::any_of(std::begin(kAsioTranslations), std::end(kAsioTranslations),
                     [&](const Translation& t) { return t.seen == seen && t.reported == reported; });
}

std::optional<Finding> outcome(const OracleInput& in) {
  const auto& result = in.result;
  auto events = in.events;
  if (result.connected()) {
    // The kernel may be done while connfuzz still holds the attempt (a slow network):
    // the target cannot have seen it connected yet.
    inject::SocketInfo held = inject::runtime().sockets().get(result.fd);
    if (held.phase == inject::Phase::Held || held.phase == inject::Phase::SimPending)
      return Finding{"false-success", "the target reported a connection on fd " + std::to_string(result.fd) +
                                          " while its attempt was still in progress"};
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    if (inject::real().getpeername(result.fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0)
      return Finding{"false-success", "the target reported a connection on fd " + std::to_string(result.fd) +
                                          " but the kernel has none (getpeername: " + name(errno) + ")"};
    return std::nullopt;
  }
  if (result.rejected_input) return std::nullopt;  // the caller's own check of its input

  int reported = result.err;
  bool timed_out_wait = false;
  int not_yet = 0;  // answers of the still-connecting class
  int failed_waits = 0;
  std::string still;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = *events[i];
    int err = reported_error(e);
    if (inject::is_wait_call(e.call) && e.result <= 0) timed_out_wait = true;  // ran out, or was interrupted
    if (inject::is_wait_call(e.call) && e.result < 0) ++failed_waits;
    if (err == 0) continue;
    bool waiting = still_connecting(e, events.first(i));
    if (waiting) ++not_yet;
    bool impossible_fault = in.any_mode && e.mark == Mark::Injected;
    if (!waiting || impossible_fault) {
      if (translates_to(err, reported, in.asio_errors)) return std::nullopt;
      continue;
    }
    if (still.empty()) still = line_of(e);
  }
  // A deadline can only pass while something holds the attempt back; otherwise the
  // target stopped listening for an answer that had come (or for the error it was given).
  if (reported == ETIMEDOUT && in.deadline_ns > 0 && !plan_held_attempt_back(events, in.hold)) {
    auto missed = std::find_if(events.begin(), events.end(), [](const Event* e) {
      return e->mark == Mark::Injected && e->result < 0;
    });
    return Finding{"missed-completion", "the target reported a timeout, but nothing held its attempt back (loopback "
                                        "answers at once; no rule delayed the connect or its waits)" +
                                            (missed == events.end() ? "" : "; the error it did not report: " + line_of(**missed))};
  }
  // The target's own deadline: a wait ran out, or "not yet" came back again and again;
  // one it promised is not reported much before that much time has passed.
  if (reported == ETIMEDOUT && (timed_out_wait || not_yet >= kPatienceShown)) {
    // Waits failing again and again without time passing (an EAGAIN storm) are a reason
    // to give up before the deadline; one interrupted wait is not.
    bool patient = not_yet >= kPatienceShown || failed_waits >= kPatienceShown;
    bool early = in.deadline_ns > 0 && !patient && in.elapsed_ns < in.deadline_ns * 9 / 10;
    if (!early) return std::nullopt;
    return Finding{"early-timeout", "the target reported a timeout after " + milliseconds(in.elapsed_ns) +
                                        " of its " + milliseconds(in.deadline_ns) + " deadline" +
                                        (still.empty() ? "" : "; it gave up at: " + still)};
  }
  std::string how = result.how.empty() ? "" : " (" + result.how + ")";
  if (!still.empty())
    return Finding{"still-connecting-failure", "the target failed with " + name(reported) + how +
                                                   " while the attempt was still going on; first sign: " + still};
  return Finding{"unexplained-failure",
                 "the target failed with " + name(reported) + how + ", which no call on its path returned"};
}

}  // namespace

std::optional<Finding> check_oracles(const OracleInput& input) {
  if (auto f = bad_descriptor(input.events)) return f;
  if (auto f = io_unconnected(input.events)) return f;
  if (auto f = socket_leak(input.events, input.result.fd)) return f;
  // The kernel target passes answers through: what it owes is documented errnos,
  // not outcomes (a connect to AF_UNSPEC returns 0 having dissolved, as documented).
  if (input.kernel) return undocumented(input.events);
  return outcome(input);
}

Finding spin_finding(std::uint32_t calls) {
  return Finding{"spin", "the target made " + std::to_string(calls) +
                             " intercepted calls for one input: a retry without bound"};
}

std::int64_t overrun_limit_ns(std::int64_t deadline_ns) noexcept { return 2 * deadline_ns + 1'000'000'000; }

Finding overrun_finding(std::int64_t passed_ns, std::int64_t deadline_ns) {
  return Finding{"timeout-overrun", std::to_string(passed_ns / 1'000'000) + " ms of virtual time passed and the target, "
                                    "whose deadline is " + std::to_string(deadline_ns / 1'000'000) +
                                    " ms, was still waiting: a timeout that is never reached"};
}

Finding deadlock_finding(bool asleep_for_good, int cap_seconds) {
  std::string how = asleep_for_good
                        ? "sleeps on a futex with no timeout, as does every thread it started: nothing is left to wake it"
                        : "did not return within " + std::to_string(cap_seconds) + " s";
  return Finding{"deadlock-after-cancel", "after a thread was cancelled inside connect, the target's next call " + how +
                                              " (the cancelled thread left a lock held)"};
}

bool cancelled_inside_connect(std::span<const inject::Event* const> events) {
  return std::any_of(events.begin(), events.end(), [](const Event* e) {
    return e->call == Call::connect && e->mark == Mark::Injected && e->err == ECANCELED;
  });
}

std::vector<const inject::Event*> logged_events() {
  const inject::EventLog& log = inject::runtime().log();
  std::vector<const inject::Event*> events;
  for (std::uint32_t i = 0; i < log.size(); ++i) events.push_back(&log.at(i));
  return events;
}

}  // namespace connfuzz::fuzz
