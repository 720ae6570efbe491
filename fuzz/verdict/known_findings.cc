// The documented findings: each a row of data, narrow by construction (the modes, the error, the calls that define it).
#include "known_findings.h"

#include <netinet/in.h>

#include <algorithm>
#include <cerrno>

namespace connfuzz::fuzz {
namespace {

using inject::Call;
using inject::Event;
using inject::Mark;
using Events = std::span<const Event* const>;
using Err = CallPattern::Err;
using By = CallPattern::By;

constexpr std::uint64_t bits(std::initializer_list<Verdict> verdicts) {
  std::uint64_t b = 0;
  for (Verdict v : verdicts) b |= std::uint64_t{1} << static_cast<int>(v);
  return b;
}
constexpr std::uint64_t bits(std::initializer_list<Mode> modes) {
  std::uint64_t b = 0;
  for (Mode m : modes) b |= std::uint64_t{1} << static_cast<int>(m);
  return b;
}

// A user's target (code 128 on) is in no write-up: the write-ups are of connfuzz's own modes.
bool in_modes(std::uint64_t modes, Mode mode) {
  int code = static_cast<int>(mode);
  return code < 64 && ((modes >> code) & 1) != 0;
}

// The modes by what they drive: Asio's synchronous connects use poll(), its
// asynchronous ones the epoll reactor.
constexpr std::uint64_t kAsioSyncSingle = bits({Mode::asio_connect_ec, Mode::asio_connect_throw});
constexpr std::uint64_t kAsioAsync = bits({Mode::asio_async_connect, Mode::asio_async_range});
constexpr std::uint64_t kEndpoint = bits({Mode::endpoint_generic, Mode::endpoint_local, Mode::endpoint_tcp_resize});
constexpr std::uint64_t kAsioAll = kAsioSyncSingle | kAsioAsync | bits({Mode::asio_range_connect}) | kEndpoint;
// hiredis 0.14.1: the blocking connects wait in redisContextWaitReady; every connect of
// the family records an error from errno and then closes the socket (net.c).
constexpr std::uint64_t kHiredisBlocking = bits({Mode::hiredis_connect, Mode::hiredis_connect_unix});
constexpr std::uint64_t kHiredisAll = kHiredisBlocking | bits({Mode::hiredis_connect_nonblock});

// libcurl (libraries.def): the easy and the multi interface share cf-socket.c's connect.
constexpr std::uint64_t kCurl = bits({Mode::curl_easy, Mode::curl_multi});
constexpr std::uint64_t kGlib = bits({Mode::glib_client_sync, Mode::glib_client_async});
constexpr std::uint64_t kLibuvAll = bits({Mode::libuv_tcp_connect, Mode::libuv_pipe_connect});
// libevent's connects: the two through a bufferevent, and evutil_socket_connect_ beneath them.
constexpr std::uint64_t kLibeventBufferevent = bits({Mode::libevent_bufferevent, Mode::libevent_bufferevent_hostname});
constexpr std::uint64_t kLibeventAll = kLibeventBufferevent | bits({Mode::libevent_socket_connect});

// The kernel's own answers: the same to whichever of connfuzz's modes asks.
constexpr std::uint64_t kEveryMode = ~std::uint64_t{0};

constexpr KnownFinding kKnown[] = {
    // Asio's socket_ops::close calls close() again after EWOULDBLOCK/EAGAIN (Windows keeps
    // the socket open then); Linux has freed the descriptor, so the second close finds it gone.
    {"asio-close-retry-after-eagain", bits({Verdict::bad_descriptor}), kAsioAll, -1, Shape::then_same_fd,
     {Call::close, Err::equals, EAGAIN, By::plan}, {Call::close, Err::equals, EBADF, By::kernel}},
    // Every epoll_wait interrupted, for ever: the io_context retries without end, past
    // the connect's deadline (the async modes have one, so this is a timeout-overrun).
    {"asio-reactor-eintr-storm", bits({Verdict::timeout_overrun}), kAsioAsync, -1, Shape::every_last_call,
     {Call::epoll_wait, Err::equals, EINTR, By::plan}},
    // epoll_reactor::run never looks at epoll_wait's -1: any lasting error is a busy loop.
    {"asio-reactor-epoll-error-ignored", bits({Verdict::timeout_overrun}), kAsioAsync, -1, Shape::every_last_call,
     {Call::epoll_wait, Err::other_than, EINTR, By::plan}},
    // epoll_reactor::start_op ignores a failed EPOLL_CTL_MOD for a connect: only the deadline ends the wait.
    {"asio-reactor-epoll-mod-ignored", bits({Verdict::missed_completion}), kAsioAsync, ETIMEDOUT, Shape::some_call,
     {Call::epoll_ctl, Err::any_failure, 0, By::plan, "EPOLL_CTL_MOD"}},
    // Asio's synchronous connect returns the EINTR of an interrupted connect() to the
    // caller, which then closes the attempt it thinks failed. Whoever sent the signal: the
    // plan, or a real one (the fuzzing engine's own SIGALRM can interrupt a blocking connect).
    {"asio-sync-connect-eintr", bits({Verdict::still_connecting_failure, Verdict::abandoned}),
     kAsioSyncSingle | bits({Mode::asio_range_connect}) | kEndpoint, EINTR, Shape::reported_by,
     {Call::connect, Err::equals, EINTR, By::anyone}},
    // The same EINTR inside asio::connect over a range: range_connect moves on to the next
    // endpoint and closes the socket whose attempt was still going on.
    {"asio-range-connect-eintr-abandoned", bits({Verdict::abandoned}), bits({Mode::asio_range_connect}), -1,
     Shape::then_same_fd, {Call::connect, Err::equals, EINTR, By::anyone}, {Call::close, Err::anything, 0, By::anyone}},
    // connect() to AF_UNSPEC returns 0 having dissolved the socket's association; Asio's
    // single connect reports it as connected. Whatever that connect returned: a made-up
    // EINPROGRESS (mode=any) whose SO_ERROR then reads 0 ends the same way.
    {"asio-connect-af-unspec", bits({Verdict::false_success}), kAsioSyncSingle | bits({Mode::asio_async_connect}) | kEndpoint,
     -1, Shape::last_connect_of_result, {Call::connect, Err::anything, 0, By::anyone}, {}, {AF_UNSPEC, false}},
    // range_connect_op takes a socket it could not open (socket() or the reactor's
    // epoll_ctl failed) for one the user closed, and ends with operation_aborted.
    {"asio-async-range-open-failure", bits({Verdict::unexplained_failure, Verdict::still_connecting_failure}),
     bits({Mode::asio_async_range}), ECANCELED, Shape::some_call, {Call::socket, Err::any_failure}},
    {"asio-async-range-open-failure", bits({Verdict::unexplained_failure, Verdict::still_connecting_failure}),
     bits({Mode::asio_async_range}), ECANCELED, Shape::some_call, {Call::epoll_ctl, Err::any_failure}},
    // socket_ops::non_blocking_connect checks a connect the reactor called ready with
    // poll(fd, POLLOUT, 0) and takes anything but 0 for "done": a failed poll (EINTR: a
    // signal, the plan's or a real one) on an attempt still going on reads SO_ERROR 0 on
    // the socket it then returns as connected.
    {"asio-nonblocking-connect-poll-failure", bits({Verdict::false_success}), kAsioAsync, -1, Shape::then_on_result,
     {Call::poll, Err::any_failure, 0, By::anyone, "nfds=1, timeout=0ms"}, {Call::so_error, Err::clean}},
    // curl's socket_connect_result (lib/cf-socket.c) takes a connect()'s EAGAIN for
    // EINPROGRESS; nothing is in progress, SO_ERROR reads 0, and curl fails with
    // CURLE_COULDNT_CONNECT and no OS errno. A full AF_UNIX backlog does it without injection.
    // (An interrupted wait on the way makes it a still-connecting-failure.)
    {"curl-eagain-as-in-progress", bits({Verdict::unexplained_failure, Verdict::still_connecting_failure}), kCurl, -1,
     Shape::some_call,
     {Call::connect, Err::equals, EAGAIN, By::anyone}},
    // cf_tcp_connect (lib/cf-socket.c) tests SOCKET_WRITABLE's -1 (a failed poll) for
    // CURL_CSELECT_ERR: every bit is set, so it closes the attempt still going on and
    // fails with CURLE_COULDNT_CONNECT and no OS errno (an AF_UNIX socket connected at
    // once is given up the same way: unexplained).
    {"curl-poll-failure-as-socket-error", bits({Verdict::still_connecting_failure, Verdict::unexplained_failure}), kCurl, -1, Shape::some_call,
     {Call::poll, Err::any_failure, 0, By::plan, "nfds=1, timeout=0ms"}},
    // curl 7.88.1 ignores a failed fcntl(O_NONBLOCK) ((void)curlx_nonblock, lib/cf-socket.c):
    // the connect then blocks, and a slow handshake runs past CURLOPT_CONNECTTIMEOUT_MS.
    // (On that blocking socket a connect() interrupted by a signal is given up as a failure;
    // the multi loop's own deadline, blocked behind that connect, comes late: unexplained.)
    {"curl-nonblock-failure-ignored",
     bits({Verdict::timeout_overrun, Verdict::still_connecting_failure, Verdict::abandoned, Verdict::unexplained_failure}),
     kCurl, -1, Shape::some_call,
     {Call::fcntl, Err::any_failure, 0, By::plan}},
    // After a connect() that returned 0 (AF_UNIX), cf_tcp_connect reads SO_ERROR and drops a
    // nonzero value: the error is consumed, and curl fails later with no OS errno.
    {"curl-so-error-dropped-after-immediate-connect", bits({Verdict::unexplained_failure}), kCurl, -1,
     Shape::some_call, {Call::so_error, Err::anything, 0, By::plan}},
    // g_socket_condition_timed_wait (gio/gsocket.c) retries poll() on every EINTR and never
    // looks at its timeout once it has run down to 0: a storm of signals outlasts the deadline.
    {"glib-condition-wait-eintr-storm", bits({Verdict::timeout_overrun}), bits({Mode::glib_client_sync}), -1,
     Shape::every_last_call, {Call::poll, Err::equals, EINTR, By::plan}},
    // GLib 2.74's g_socket_constructed (gio/gsocket.c) only warns when fcntl(O_NONBLOCK)
    // fails: the "blocking" GSocket's connect then blocks past the client's timeout.
    // (The async client's loop is blocked inside that connect, so its own deadline comes
    // late and it reports a timeout no wait ran out: unexplained.)
    {"glib-nonblock-failure-ignored", bits({Verdict::timeout_overrun, Verdict::unexplained_failure}), kGlib, -1,
     Shape::some_call, {Call::fcntl, Err::any_failure, 0, By::plan}},
    // g_socket_connect (gio/gsocket.c) calls connect() again after EINTR, without bound.
    {"glib-connect-eintr-retry", bits({Verdict::timeout_overrun}), kGlib, -1, Shape::every_last_call,
     {Call::connect, Err::equals, EINTR, By::plan}},
    // The retry gets EISCONN or EALREADY from the attempt the EINTR left going, and GIO fails with it.
    {"glib-connect-eintr-retry", bits({Verdict::still_connecting_failure}), kGlib, -1, Shape::then_same_fd,
     {Call::connect, Err::equals, EINTR, By::plan}, {Call::connect, Err::any_failure, 0, By::anyone}},
    // GLib's g_socket_close (gio/gsocket.c) calls close() again after EINTR; Linux has
    // freed the descriptor, so the second close finds it gone (or closes another's).
    {"glib-socket-close-eintr-retry", bits({Verdict::bad_descriptor}), kGlib, -1, Shape::then_same_fd,
     {Call::close, Err::equals, EINTR, By::plan}, {Call::close, Err::equals, EBADF, By::kernel}},
    // GLib's g_socket_condition_timed_wait (gio/gsocket.c) returns TRUE when poll() fails
    // with anything but EINTR; g_socket_connect then reads SO_ERROR (0: still pending)
    // and reports the socket connected.
    {"glib-condition-wait-poll-error-ignored", bits({Verdict::false_success}), bits({Mode::glib_client_sync}), -1,
     Shape::some_call, {Call::poll, Err::other_than, EINTR, By::plan}},
    // hiredis 0.14.1's redisContextWaitReady takes poll()'s EINTR for the connect's failure
    // and closes the attempt (net.c:213-216); 1.3.0 retries it.
    {"hiredis-wait-poll-eintr", bits({Verdict::still_connecting_failure}), kHiredisBlocking, EINTR, Shape::reported_by,
     {Call::poll, Err::equals, EINTR, By::anyone}},
    {"hiredis-wait-poll-eintr", bits({Verdict::abandoned}), kHiredisBlocking, -1, Shape::some_call,
     {Call::poll, Err::equals, EINTR, By::anyone}},
    // hiredis records a failure from errno, then closes the socket (redisContextCloseFd): a
    // close() that fails with EINTR leaves EINTR in the errno its README says to read.
    {"hiredis-errno-after-close", bits({Verdict::still_connecting_failure}), kHiredisAll, EINTR, Shape::some_call,
     {Call::close, Err::equals, EINTR, By::plan}},
    // POCO 1.11's SocketImpl::connect(address, timeout) and connectNB take connect()'s
    // EWOULDBLOCK (EAGAIN on Linux: no free port, a full AF_UNIX backlog) for "in progress"
    // (SocketImpl.cpp:172, 204); the wait on the unconnected socket ends at once, SO_ERROR
    // says 0, and the caller is told it is connected.
    {"poco-connect-eagain-as-progress", bits({Verdict::false_success}),
     bits({Mode::poco_connect, Mode::poco_connect_nb}), -1, Shape::last_connect_of_result,
     {Call::connect, Err::equals, EAGAIN, By::anyone}},
    // POCO's SocketImpl::poll retries an interrupted epoll_wait while time is left and when
    // none is: only an EINTR Linux never gives (a zero timeout, mode=any) keeps it going.
    {"poco-wait-eintr-at-zero-timeout", bits({Verdict::timeout_overrun}), bits({Mode::poco_connect, Mode::poco_connect_nb}),
     -1, Shape::every_last_call, {Call::epoll_wait, Err::equals, EINTR, By::plan}},
    // Linux answers connect() of a UDP socket to port 0 with success, yet getpeername()
    // says ENOTCONN (ip4_datagram_connect keeps dport 0, inet_getname calls that unconnected).
    {"kernel-udp-connect-port-zero", bits({Verdict::false_success}), kEveryMode, -1,
     Shape::last_connect_of_result, {Call::connect, Err::succeeded, 0, By::kernel}, {}, {AF_INET, true}},
    // socket(AF_INET, SOCK_SEQPACKET) fails with ESOCKTNOSUPPORT, which no source documents.
    {"kernel-socket-esocktnosupport", bits({Verdict::undocumented_errno}), bits({Mode::kernel_raw}), ESOCKTNOSUPPORT,
     Shape::some_call, {Call::socket, Err::equals, ESOCKTNOSUPPORT, By::kernel}},
    // uv__tcp_connect and uv_pipe_connect call connect() again after EINTR and take the
    // EISCONN or EALREADY of the attempt the first call started for a failure. Linux never
    // interrupts a non-blocking connect: only a mode=any plan reaches it.
    {"libuv-connect-eintr-retry", bits({Verdict::still_connecting_failure}), kLibuvAll, -1, Shape::then_same_fd,
     {Call::connect, Err::equals, EINTR, By::plan}, {Call::connect, Err::any_failure, 0, By::anyone}},
    // The same loop, every connect() interrupted for ever: uv_tcp_connect never returns,
    // and no deadline can end it (the loop has not started). mode=any only, as above.
    {"libuv-connect-eintr-storm", bits({Verdict::timeout_overrun, Verdict::spin}), kLibuvAll, -1,
     Shape::every_last_call, {Call::connect, Err::equals, EINTR, By::plan}},
    // uv__stream_connect ignores getsockopt(SO_ERROR)'s failure and reports the
    // uninitialized `error` it would have filled: garbage, or 0 (connected). Garbage after
    // an EINTR or EINPROGRESS is judged a still-connecting-failure.
    {"libuv-so-error-unchecked",
     bits({Verdict::unexplained_failure, Verdict::false_success, Verdict::still_connecting_failure}), kLibuvAll, -1,
     Shape::some_call, {Call::getsockopt, Err::any_failure, 0, By::plan}},
    // evutil_socket_connect_ and bufferevent_socket_connect close the socket of a failed
    // connect before returning -1, and the caller reads errno after: a failed close's
    // EINTR or EIO is what it hears, not the connect's error.
    {"libevent-connect-error-clobbered-by-close", bits({Verdict::still_connecting_failure}), kLibeventAll, EINTR,
     Shape::some_call, {Call::close, Err::equals, EINTR, By::plan}},
    {"libevent-connect-error-clobbered-by-close", bits({Verdict::unexplained_failure}), kLibeventAll, EIO,
     Shape::some_call, {Call::close, Err::equals, EIO, By::plan}},
    // be_socket_setfd ignores bufferevent_enable's failure: when adding the write event
    // (EPOLL_CTL_ADD) fails, the bufferevent waits for an event that is not there and its
    // event callback never runs; the base runs dry with no outcome and no error (which a
    // failed close on the way out makes a still-connecting-failure too).
    {"libevent-bufferevent-enable-failure-lost",
     bits({Verdict::broken_contract, Verdict::unexplained_failure, Verdict::still_connecting_failure}),
     kLibeventBufferevent, 0, Shape::some_call, {Call::epoll_ctl, Err::any_failure, 0, By::plan, "EPOLL_CTL_ADD"}},
    // A refused connect's event callback is deferred and holds a reference on the
    // bufferevent; when the base's loop fails before running it, bufferevent_free and
    // event_base_free drop the callback without that reference, and the socket stays open.
    {"libevent-deferred-error-leaks-socket", bits({Verdict::socket_leak}), kLibeventBufferevent, -1, Shape::some_call,
     {Call::epoll_wait, Err::any_failure, 0, By::plan}},
};

bool matches(const CallPattern& p, const Event& e) {
  if (e.call != p.call) return false;
  if (p.by == By::plan && e.mark != Mark::Injected) return false;
  // The kernel's own answer: nothing injected it (a planned fault realistic mode declined counts).
  if (p.by == By::kernel && e.mark != Mark::None && e.mark != Mark::Refused) return false;
  bool failed = e.result < 0;
  switch (p.err_test) {
    case Err::any_failure: if (!failed) return false; break;
    case Err::equals: if (!failed || e.err != p.err) return false; break;
    case Err::other_than: if (!failed || e.err == p.err) return false; break;
    case Err::succeeded: if (failed) return false; break;
    case Err::clean: if (failed || e.err != 0) return false; break;
    case Err::anything: break;
  }
  return p.args_contain.empty() || std::string_view(e.args).find(p.args_contain) != std::string_view::npos;
}

bool destination_matches(const DestinationPattern& d, const Event& e) {
  sockaddr_storage to = e.address_storage();
  if (d.family >= 0 && to.ss_family != d.family) return false;
  if (!d.port_zero) return true;
  return e.address_len >= sizeof(sockaddr_in) && reinterpret_cast<const sockaddr_in&>(to).sin_port == 0;
}

bool shape_holds(const KnownFinding& k, const targets::ConnectResult& result, Events events) {
  switch (k.shape) {
    case Shape::some_call:
      return std::any_of(events.begin(), events.end(), [&](const Event* e) { return matches(k.first, *e); });
    case Shape::then_same_fd:
      for (std::size_t i = 0; i + 1 < events.size(); ++i)
        if (matches(k.first, *events[i]) && matches(k.then, *events[i + 1]) && events[i]->fd == events[i + 1]->fd) return true;
      return false;
    case Shape::then_on_result:
      for (std::size_t i = 0; i + 1 < events.size(); ++i)
        if (matches(k.first, *events[i]) && matches(k.then, *events[i + 1]) && events[i + 1]->fd == result.fd) return true;
      return false;
    case Shape::every_last_call: {
      if (events.size() < kTail) return false;
      auto tail = events.last(kTail);
      return std::all_of(tail.begin(), tail.end(), [&](const Event* e) { return matches(k.first, *e); });
    }
    case Shape::reported_by:
      for (auto it = events.rbegin(); it != events.rend(); ++it)
        if ((*it)->call != Call::close && (*it)->result < 0 && (*it)->err == result.error.value())
          return matches(k.first, **it);
      return false;
    case Shape::last_connect_of_result:
      for (auto it = events.rbegin(); it != events.rend(); ++it)
        if ((*it)->call == Call::connect && (*it)->fd == result.fd)
          return matches(k.first, **it) && destination_matches(k.destination, **it);
      return false;
  }
  return false;
}

}  // namespace

std::span<const KnownFinding> known_findings() noexcept { return kKnown; }

bool explains(const KnownFinding& k, const Scenario& scenario, const targets::ConnectResult& result, Events events,
              const Finding& finding) {
  if (!(k.verdicts & (std::uint64_t{1} << static_cast<int>(finding.verdict)))) return false;
  if (!in_modes(k.modes, scenario.mode)) return false;
  if (k.reported >= 0 && (result.connected() || result.error.value() != k.reported)) return false;
  return shape_holds(k, result, events);
}

std::string_view documented_finding(const Scenario& scenario, const targets::ConnectResult& result, Events events,
                                    const Finding& finding) {
  for (const KnownFinding& k : kKnown)
    if (explains(k, scenario, result, events, finding)) return k.section;
  return {};
}

namespace {

// The verdicts found inside the target's call, where the run cannot go on.
constexpr std::uint64_t kStopsInsideCall = bits({Verdict::spin, Verdict::timeout_overrun});

bool unbounded(const inject::Rule& r) { return r.which == inject::Which::Every || r.last == inject::Rule::kOpenEnd; }

// The rule would answer `pattern`'s call for ever with an error the pattern names.
bool drives(const inject::Rule& r, const CallPattern& pattern) {
  if (r.call != pattern.call || r.action != inject::Action::errno_value || !unbounded(r)) return false;
  switch (pattern.err_test) {
    case CallPattern::Err::equals: return r.err == pattern.err;
    case CallPattern::Err::other_than: return r.err != pattern.err;
    case CallPattern::Err::any_failure: return true;
    default: return false;
  }
}

}  // namespace

std::string_view steer_around_documented_stops(Scenario& scenario) {
  for (const KnownFinding& k : kKnown) {
    if ((k.verdicts & kStopsInsideCall) == 0 || k.shape != Shape::every_last_call || k.first.by != By::plan) continue;
    if (!in_modes(k.modes, scenario.mode)) continue;
    inject::Plan& plan = scenario.plan;
    int kept = 0;
    for (int i = 0; i < plan.rule_count; ++i)
      if (!drives(plan.rules[i], k.first)) plan.rules[kept++] = plan.rules[i];
    if (kept == plan.rule_count) continue;
    plan.rule_count = kept;
    return k.section;
  }
  return "";
}

}  // namespace connfuzz::fuzz
