// The documented findings, each described narrowly enough that a new bug does not hide behind it.
#include "known_findings.h"

#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace connfuzz::fuzz {
namespace {

bool first_address_is(const Scenario& s, int family) { return s.addresses.front().family == family; }

struct KnownFinding {
  std::string_view family;  // the fuzzer whose modes it concerns
  std::string_view oracle;
  bool (*matches)(const Scenario&, const targets::ConnectResult&, std::span<const inject::Event* const>);
  std::string_view section;
};

using Events = std::span<const inject::Event* const>;

bool asio_af_unspec(const Scenario& s, const targets::ConnectResult&, Events) { return first_address_is(s, AF_UNSPEC); }

// Asio's range_connect_op takes a socket it could not open (socket() or the reactor's
// epoll_ctl failed) for one the user closed.
bool asio_range_open_failure(const Scenario& s, const targets::ConnectResult& r, Events events) {
  bool open_failed = std::any_of(events.begin(), events.end(), [](auto* e) {
    return (e->call == inject::Call::socket || e->call == inject::Call::epoll_ctl) && e->result < 0;
  });
  return s.mode == Mode::asio_async_range && r.err == ECANCELED && open_failed;
}

// Asio's synchronous connect returns the EINTR of an interrupted connect() to the caller.
bool asio_sync_eintr(const Scenario& s, const targets::ConnectResult& r, Events) {
  return r.err == EINTR && s.mode != Mode::asio_async_connect && s.mode != Mode::asio_async_range;
}

// A plan rule that fails every epoll_wait from some call on, with an errno `errno_matches`.
bool fails_every_epoll_wait(const Scenario& s, bool (*errno_matches)(int)) {
  for (int i = 0; i < s.plan.rule_count; ++i) {
    const inject::Rule& rule = s.plan.rules[i];
    bool unbounded = rule.which == inject::Which::Every || rule.last == inject::Rule::kOpenEnd;
    bool plain = rule.action == inject::Action::errno_value;
    if (rule.call == inject::Call::epoll_wait && plain && errno_matches(rule.err) && unbounded) return true;
  }
  return false;
}

// Every epoll_wait interrupted, for ever: the io_context retries without end, and the
// deadline's timerfd can only be heard through the same interrupted epoll_wait.
bool asio_eintr_storm(const Scenario& s, const targets::ConnectResult&, Events) {
  return fails_every_epoll_wait(s, [](int err) { return err == EINTR; });
}

// epoll_reactor::run never looks at epoll_wait's -1: any lasting error is a busy loop.
bool asio_epoll_error_ignored(const Scenario& s, const targets::ConnectResult&, Events) {
  return fails_every_epoll_wait(s, [](int err) { return err != EINTR; });
}

// epoll_reactor::start_op adds EPOLLOUT for a connect with an EPOLL_CTL_MOD whose
// result it never looks at: the socket is never watched, and only the deadline ends
// the wait (the reactor's other EPOLL_CTL_MOD, for speculative operations, reports it).
bool asio_epoll_mod_ignored(const Scenario& s, const targets::ConnectResult& r, Events events) {
  bool mod_failed = std::any_of(events.begin(), events.end(), [](auto* e) {
    return e->call == inject::Call::epoll_ctl && e->result < 0 &&
           std::string_view(e->args).find("EPOLL_CTL_MOD") != std::string_view::npos;
  });
  return (s.mode == Mode::asio_async_connect || s.mode == Mode::asio_async_range) && r.err == ETIMEDOUT && mod_failed;
}

// Linux answers connect() of a UDP socket to port 0 with success, yet getpeername()
// says ENOTCONN: the socket is "connected" to nothing (ip4_datagram_connect keeps
// dport 0, inet_getname treats dport 0 as unconnected).
bool kernel_udp_port_zero(const Scenario&, const targets::ConnectResult& r, Events events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const inject::Event& e = **it;
    if (e.call != inject::Call::connect || e.fd != r.fd) continue;
    sockaddr_storage to = e.address_storage();
    return e.mark == inject::Mark::None && e.result == 0 && to.ss_family == AF_INET &&
           e.address_len >= sizeof(sockaddr_in) && reinterpret_cast<const sockaddr_in&>(to).sin_port == 0;
  }
  return false;
}

// Asio's socket_ops::close calls close() again after EWOULDBLOCK/EAGAIN (Windows keeps
// the socket open then); Linux has freed the descriptor, so the second close finds it
// gone (or closes another thread's new one). Only the retry of a close that failed
// with EAGAIN counts.
bool asio_close_retry(const Scenario&, const targets::ConnectResult&, Events events) {
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const inject::Event& first = *events[i];
    const inject::Event& again = *events[i + 1];
    if (first.call == inject::Call::close && first.result < 0 && (first.err == EAGAIN || first.err == EWOULDBLOCK) &&
        again.call == inject::Call::close && again.fd == first.fd && again.result < 0 && again.err == EBADF)
      return true;
  }
  return false;
}

constexpr KnownFinding kKnown[] = {
    {"asio", "bad-descriptor", asio_close_retry, "asio-close-retry-after-eagain"},
    {"endpoint", "bad-descriptor", asio_close_retry, "asio-close-retry-after-eagain"},
    {"asio", "spin", asio_eintr_storm, "asio-reactor-eintr-storm"},
    {"asio", "spin", asio_epoll_error_ignored, "asio-reactor-epoll-error-ignored"},
    {"asio", "missed-completion", asio_epoll_mod_ignored, "asio-reactor-epoll-mod-ignored"},
    {"asio", "still-connecting-failure", asio_sync_eintr, "asio-sync-connect-eintr"},
    {"endpoint", "still-connecting-failure", asio_sync_eintr, "asio-sync-connect-eintr"},
    {"asio", "false-success", asio_af_unspec, "asio-connect-af-unspec"},
    {"endpoint", "false-success", asio_af_unspec, "asio-connect-af-unspec"},
    {"asio", "unexplained-failure", asio_range_open_failure, "asio-async-range-open-failure"},
    {"asio", "still-connecting-failure", asio_range_open_failure, "asio-async-range-open-failure"},
    {"posix", "false-success", kernel_udp_port_zero, "kernel-udp-connect-port-zero"},
    {"datagram", "false-success", kernel_udp_port_zero, "kernel-udp-connect-port-zero"},
    // Asio's connect hands the kernel's answer on: the same socket, reached through Asio.
    {"asio", "false-success", kernel_udp_port_zero, "kernel-udp-connect-port-zero"},
    {"endpoint", "false-success", kernel_udp_port_zero, "kernel-udp-connect-port-zero"},
    {"kernel", "undocumented-errno",
     [](const Scenario&, const targets::ConnectResult& r, Events) { return r.err == ESOCKTNOSUPPORT; },
     "kernel-socket-esocktnosupport"},
};

}  // namespace

std::string_view documented_finding(const Scenario& scenario, const targets::ConnectResult& result, Events events,
                                    const Finding& finding) {
  for (const auto& k : kKnown)
    if (mode_family(scenario.mode) == k.family && finding.oracle == k.oracle && k.matches(scenario, result, events))
      return k.section;
  return {};
}

}  // namespace connfuzz::fuzz
