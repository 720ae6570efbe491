// Matching a call against the plan's rules: counters, seeds, predicates, EINTR's conditions.
#include "decider.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace connfuzz::inject {
namespace {

// A stateless draw, so '%' rules give the same answer for the same call index
// whatever the threads' order: splitmix64 of (seed, rule, index).
bool draw(std::uint64_t seed, int rule, std::uint32_t index, int percent) noexcept {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(rule) * 0x100000001ULL + index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<int>(z % 100) < percent;
}

bool selects(const Rule& rule, std::uint32_t index, std::uint64_t seed, int rule_number) noexcept {
  switch (rule.which) {
    case Which::Every: return true;
    case Which::Range: return index >= rule.first && index <= rule.last;
    case Which::Percent: return draw(seed, rule_number, index, rule.percent);
  }
  return false;
}

// A rule that can fire more than once (on every call, a range, a share).
bool repeats(const Rule& rule) noexcept { return rule.which != Which::Range || rule.last != rule.first; }

// Realistic mode: a non-blocking "still connecting" (EALREADY, EINPROGRESS) that a rule
// gives again and again comes only while the attempt is: once it is over Linux answers
// a connect with 0 or EISCONN (or the attempt's error). One given once may stand for a
// slow network, as it always did. EINTR is left as it was: an interrupted blocking
// connect again and again stands for a signal storm during a slow handshake (on a
// socket known to be connected, the real attempt it starts fails at once, EISCONN).
bool says_still_connecting_after_the_end(const Rule& rule, const Facts& facts) noexcept {
  bool over = facts.attempt_over || (facts.state & Connected);
  return over && rule.call == Call::connect && rule.action == Action::errno_value &&
         (rule.err == EALREADY || rule.err == EINPROGRESS) && repeats(rule);
}

// A pending connect ends connected or failed for good. EISCONN as its "failure" says
// connected while the simulation keeps the socket unconnected: no state Linux reaches,
// and a correct caller that believes the re-connect's EISCONN would be blamed for it.
bool ends_as_no_attempt_can(const Rule& rule) noexcept {
  return rule.call == Call::connect && rule.eventual == EISCONN;
}

bool matches(const Predicate& where, const Facts& facts) noexcept {
  if (where.families) {
    std::uint8_t family = facts.family == AF_UNIX    ? Predicate::kUnix
                          : facts.family == AF_INET  ? Predicate::kInet
                          : facts.family == AF_INET6 ? Predicate::kInet6
                          : facts.family == AF_UNSPEC ? Predicate::kUnspec
                                                      : 0;
    if (!(where.families & family)) return false;
  }
  if (where.types) {
    std::uint8_t type = facts.type == SOCK_STREAM ? Predicate::kStream : facts.type == SOCK_DGRAM ? Predicate::kDgram : 0;
    if (!(where.types & type)) return false;
  }
  return !where.has_port || facts.port == where.port;
}

// A rule whose fault is an EINTR: the errno itself, or a wait interrupted after a delay.
bool is_eintr(const Rule& rule, Call call) noexcept {
  if (rule.action == Action::errno_value) return rule.err == EINTR;
  return rule.action == Action::delay && call != Call::connect && rule.eventual == EINTR;
}

// The socket states (When bits) in which Linux can answer the rule's call as it says, on
// a blocking or a non-blocking socket: its errno's row, or its action's (on a non-blocking
// socket also the row of the errno the action answers there at once: a delay's
// EINPROGRESS); a connect's planned outcome (>ERRNO) must be one its kind of socket can
// end with (no AF_UNIX connect times out).
std::uint16_t realistic_when(const Rule& rule, bool nonblocking) noexcept {
  std::uint16_t when = Never;
  if (rule.action == Action::errno_value) {
    if (const ErrnoRow* row = find_row(rule.call, rule.err)) when = row->when;
  } else if (rule.call != Call::connect) {
    when = Anytime;
  } else if (const ActionInfo* action = find_action(rule.action)) {
    when = action->when;
    const ErrnoRow* answer = nonblocking && action->nonblocking_answer != 0 ? find_row(Call::connect, action->nonblocking_answer) : nullptr;
    if (answer != nullptr) when |= answer->when;
  }
  if (rule.call == Call::connect && rule.eventual != 0)
    if (const ErrnoRow* outcome = find_row(Call::connect, rule.eventual)) when |= outcome->when;
  return when;
}

}  // namespace

// signal(7): a handler's signal interrupts a blocked socket call, which SA_RESTART
// restarts unless the socket has a timeout in that direction (then EINTR whatever the
// flags); the multiplexing waits and close are never restarted. Without a handler only
// a stop and SIGCONT interrupts, and only the socket calls with a timeout set and
// epoll_wait. read and write on a socket run the kernel's recv and send code, so they
// follow recv and send.
const char* why_no_eintr(Call call, std::uint8_t interrupters) noexcept {
  auto restartable = [interrupters](Interrupter timeout) -> const char* {
    if (interrupters & (kCaughtWithoutRestart | timeout)) return nullptr;
    return (interrupters & kCaughtSignal) ? kEveryHandlerRestarts : kNoHandler;
  };
  switch (call) {
    case Call::connect:
    case Call::send:
    case Call::write: return restartable(kSendTimeout);
    case Call::recv:
    case Call::read: return restartable(kReceiveTimeout);
    case Call::epoll_wait: return nullptr;
    default: return (interrupters & kCaughtSignal) ? nullptr : kNoHandler;
  }
}

int destination_port(const sockaddr* addr, socklen_t len) noexcept {
  if (addr == nullptr || len < sizeof(sa_family_t)) return -1;
  sa_family_t family;
  std::memcpy(&family, addr, sizeof(family));
  in_port_t port;
  if (family == AF_INET && len >= sizeof(sockaddr_in)) std::memcpy(&port, &reinterpret_cast<const sockaddr_in*>(addr)->sin_port, sizeof(port));
  else if (family == AF_INET6 && len >= 24) std::memcpy(&port, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_port, sizeof(port));
  else return -1;
  return ntohs(port);
}

void Decider::install(const Plan& plan) {
  plan_ = plan;
  // Only the plan's own rules are ever named in the log; a fuzzer installs a plan per
  // input, so the other slots are left as they are.
  for (int i = 0; i < plan.rule_count; ++i) {
    std::string text = to_text(plan.rules[i]);
    std::size_t n = std::min(text.size(), sizeof(rule_texts_[i]) - 1);
    std::memcpy(rule_texts_[i], text.data(), n);
    rule_texts_[i][n] = '\0';
    rule_when_[i][0] = realistic_when(plan.rules[i], false);
    rule_when_[i][1] = realistic_when(plan.rules[i], true);
  }
  reset_counts();
}

void Decider::reset_counts() noexcept {
  for (auto& c : rule_counts_) c.store(0);
  for (auto& c : call_counts_) c.store(0);
}

Decision Decider::decide(Call call, const Facts& facts) noexcept {
  Decision d;
  d.index = call_counts_[static_cast<int>(call)].bump() + 1;
  // Every rule whose call and filter match counts the call, fired or not, so a
  // rule's indexes do not depend on the rules before it.
  for (int i = 0; i < plan_.rule_count; ++i) {
    const Rule& rule = plan_.rules[i];
    if (rule.call != call || !matches(rule.where, facts)) continue;
    // A rule for every call of its kind counts what the call counter counts: one atomic less.
    std::uint32_t index = rule.where == Predicate{} ? d.index : rule_counts_[i].bump() + 1;
    if (d.rule >= 0 || !selects(rule, index, plan_.seed, i)) continue;
    d.rule = i;
    d.action = rule.action;
    d.err = rule.err;
    d.eventual = rule.eventual;
    d.signal = rule.signal;
    d.delay_ns = rule.delay_ns;
    if (plan_.mode == Mode::Realistic) {
      std::uint16_t when = rule_when_[i][(facts.state & Nonblocking) ? 1 : 0];
      d.refused = (when & Never) || (when & facts.state) != when || says_still_connecting_after_the_end(rule, facts) ||
                  ends_as_no_attempt_can(rule);
      if (d.refused) d.why = kNotRealistic;
      else if (is_eintr(rule, call)) {
        d.why = why_no_eintr(call, facts.interrupters);
        if (d.why == nullptr && call == Call::epoll_wait && facts.wait_does_not_block) d.why = kWaitDoesNotBlock;
        d.refused = d.why != nullptr;
      }
    }
  }
  return d;
}

}  // namespace connfuzz::inject
