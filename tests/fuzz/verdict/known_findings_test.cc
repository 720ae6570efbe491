// Each documented finding explains its own calls and nothing one detail away: a near
// miss of every write-up still fires, and a documented finding silences only its verdicts.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "calls.h"
#include "known_findings.h"

namespace connfuzz::fuzz {
namespace {

using inject::Call;
using testing::Calls;
using testing::failed_with;

targets::ConnectResult connected_on(int fd) {
  targets::ConnectResult r;
  r.fd = fd;
  return r;
}
Scenario in_mode(Mode mode) {
  Scenario s;
  s.mode = mode;
  return s;
}

std::string_view section_for(Mode mode, const targets::ConnectResult& r, const Calls& calls, Verdict verdict) {
  return documented_finding(in_mode(mode), r, calls.events(), Finding{verdict, "reason"});
}

TEST(KnownFindings, CloseRetryAfterEagainIsTheRetryOfThatCloseOnly) {
  Calls retry;
  retry.injected(Call::close, 5, EAGAIN).kernel_failed(Call::close, 5, EBADF);
  EXPECT_EQ(section_for(Mode::endpoint_generic, failed_with(EAGAIN), retry, Verdict::bad_descriptor),
            "asio-close-retry-after-eagain");
  // One detail off: a close that failed with EINTR, another descriptor, another verdict, a POSIX caller.
  Calls eintr;
  eintr.injected(Call::close, 5, EINTR).kernel_failed(Call::close, 5, EBADF);
  EXPECT_EQ(section_for(Mode::endpoint_generic, failed_with(EINTR), eintr, Verdict::bad_descriptor), "");
  Calls other_fd;
  other_fd.injected(Call::close, 5, EAGAIN).kernel_failed(Call::close, 6, EBADF);
  EXPECT_EQ(section_for(Mode::endpoint_generic, failed_with(EAGAIN), other_fd, Verdict::bad_descriptor), "");
  EXPECT_EQ(section_for(Mode::endpoint_generic, failed_with(EAGAIN), retry, Verdict::socket_leak), "");
  EXPECT_EQ(section_for(Mode::posix_blocking, failed_with(EAGAIN), retry, Verdict::bad_descriptor), "");
}

Calls storm(Call call, int err, inject::Mark mark = inject::Mark::Injected) {
  Calls calls;
  calls.socket(3);
  for (std::size_t i = 0; i < kTail; ++i) calls.add(call, 4, -1, err, mark);
  return calls;
}

TEST(KnownFindings, ReactorSpinsAreTheCallThatSpunNotThePlan) {
  targets::ConnectResult inside{};  // the spin is stopped inside the target's call
  EXPECT_EQ(section_for(Mode::asio_async_connect, inside, storm(Call::epoll_wait, EINTR), Verdict::timeout_overrun),
            "asio-reactor-eintr-storm");
  EXPECT_EQ(section_for(Mode::asio_async_connect, inside, storm(Call::epoll_wait, EINVAL), Verdict::timeout_overrun),
            "asio-reactor-epoll-error-ignored");
  // A spin on another call, on the kernel's own answers, or in a mode without the reactor.
  EXPECT_EQ(section_for(Mode::asio_async_connect, inside, storm(Call::poll, EINTR), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::asio_async_connect, inside, storm(Call::epoll_wait, EINVAL, inject::Mark::None),
                        Verdict::timeout_overrun),
            "");
  EXPECT_EQ(section_for(Mode::asio_connect_ec, inside, storm(Call::epoll_wait, EINTR), Verdict::timeout_overrun), "");
  // The storm ended: the last calls are something else.
  Calls ended = storm(Call::epoll_wait, EINTR);
  ended.add(Call::connect, 4, -1, EALREADY);
  EXPECT_EQ(section_for(Mode::asio_async_connect, inside, ended, Verdict::timeout_overrun), "");
}

TEST(KnownFindings, EpollModIgnoredIsAFailedModAndATimeout) {
  Calls mod;
  mod.socket(4).add(Call::connect, 4, -1, EINPROGRESS).injected(Call::epoll_ctl, 3, ENOMEM, "3, EPOLL_CTL_MOD, 4");
  EXPECT_EQ(section_for(Mode::asio_async_connect, failed_with(ETIMEDOUT), mod, Verdict::missed_completion),
            "asio-reactor-epoll-mod-ignored");
  Calls add;
  add.socket(4).add(Call::connect, 4, -1, EINPROGRESS).injected(Call::epoll_ctl, 3, ENOMEM, "3, EPOLL_CTL_ADD, 4");
  EXPECT_EQ(section_for(Mode::asio_async_connect, failed_with(ETIMEDOUT), add, Verdict::missed_completion), "");
  EXPECT_EQ(section_for(Mode::asio_async_connect, failed_with(ECONNREFUSED), mod, Verdict::missed_completion), "");
}

TEST(KnownFindings, SyncConnectEintrIsTheEintrOfConnectItself) {
  Calls from_connect;
  from_connect.socket(4).injected(Call::connect, 4, EINTR);
  EXPECT_EQ(section_for(Mode::asio_connect_ec, failed_with(EINTR), from_connect, Verdict::still_connecting_failure),
            "asio-sync-connect-eintr");
  EXPECT_EQ(section_for(Mode::asio_connect_ec, failed_with(EINTR), from_connect, Verdict::abandoned),
            "asio-sync-connect-eintr");
  // A real signal's EINTR (libFuzzer's -timeout SIGALRM during a blocking connect) is the same finding.
  Calls from_a_real_signal;
  from_a_real_signal.socket(4).kernel_failed(Call::connect, 4, EINTR).add(Call::close, 4, 0);
  EXPECT_EQ(section_for(Mode::asio_range_connect, failed_with(EINTR), from_a_real_signal,
                        Verdict::still_connecting_failure),
            "asio-sync-connect-eintr");
  // The EINTR the caller got came from the wait in poll_connect: another bug, not this one.
  Calls from_poll;
  from_poll.socket(4).add(Call::connect, 4, -1, EINPROGRESS).injected(Call::poll, -1, EINTR);
  EXPECT_EQ(section_for(Mode::asio_connect_ec, failed_with(EINTR), from_poll, Verdict::still_connecting_failure), "");
  EXPECT_EQ(section_for(Mode::asio_async_connect, failed_with(EINTR), from_connect, Verdict::still_connecting_failure),
            "");
  // The caller's close of what failed fails too (a sweep's pair): the EINTR it reports is still connect's.
  Calls closed_interrupted = from_connect;
  closed_interrupted.injected(Call::close, 4, EINTR);
  EXPECT_EQ(section_for(Mode::asio_connect_ec, failed_with(EINTR), closed_interrupted, Verdict::still_connecting_failure),
            "asio-sync-connect-eintr");
  Calls poll_then_close = from_poll;
  poll_then_close.injected(Call::close, 4, EINTR);
  EXPECT_EQ(section_for(Mode::asio_connect_ec, failed_with(EINTR), poll_then_close, Verdict::still_connecting_failure), "");
}

TEST(KnownFindings, RangeConnectAbandonsTheInterruptedAttemptItClosesAtOnce) {
  Calls moved_on;
  moved_on.socket(4).injected(Call::connect, 4, EINTR).add(Call::close, 4, 0).socket(4).add(Call::connect, 4, 0);
  targets::ConnectResult connected;
  connected.fd = 4;
  EXPECT_EQ(section_for(Mode::asio_range_connect, connected, moved_on, Verdict::abandoned),
            "asio-range-connect-eintr-abandoned");
  // A wait between the EINTR and the close, or a single connect: not this write-up.
  Calls waited;
  waited.socket(4).injected(Call::connect, 4, EINTR).add(Call::poll, -1, 0).add(Call::close, 4, 0);
  EXPECT_EQ(section_for(Mode::asio_range_connect, connected, waited, Verdict::abandoned), "");
  EXPECT_EQ(section_for(Mode::asio_async_range, connected, moved_on, Verdict::abandoned), "");
  // A close that fails has closed the descriptor all the same (Linux): the same abandonment.
  Calls close_failed;
  close_failed.socket(4).injected(Call::connect, 4, EINTR).injected(Call::close, 4, EIO).socket(4).add(Call::connect, 4, 0);
  EXPECT_EQ(section_for(Mode::asio_range_connect, connected, close_failed, Verdict::abandoned),
            "asio-range-connect-eintr-abandoned");
}

TEST(KnownFindings, AfUnspecIsTheReturnedSocketsLastConnect) {
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  Calls dissolved;
  dissolved.socket(4).connect_to(4, &unspec, sizeof(unspec), 0);
  EXPECT_EQ(section_for(Mode::asio_connect_ec, connected_on(4), dissolved, Verdict::false_success),
            "asio-connect-af-unspec");
  // A still-connecting answer made up for it, then SO_ERROR 0 (AFL++, endpoint_tcp_resize).
  Calls pending;
  pending.socket(4).connect_to(4, &unspec, sizeof(unspec), -1, EINPROGRESS).add(Call::poll, -1, 1).add(Call::so_error, 4, 0);
  EXPECT_EQ(section_for(Mode::endpoint_tcp_resize, connected_on(4), pending, Verdict::false_success),
            "asio-connect-af-unspec");
  // A range whose later endpoint "succeeded", and a single connect to AF_INET.
  EXPECT_EQ(section_for(Mode::asio_range_connect, connected_on(4), dissolved, Verdict::false_success), "");
  sockaddr_in inet{};
  inet.sin_family = AF_INET;
  inet.sin_port = htons(80);
  Calls to_inet;
  to_inet.socket(4).connect_to(4, reinterpret_cast<sockaddr*>(&inet), sizeof(inet), 0);
  EXPECT_EQ(section_for(Mode::asio_connect_ec, connected_on(4), to_inet, Verdict::false_success), "");
}

TEST(KnownFindings, UdpPortZeroIsAConnectToPortZero) {
  sockaddr_in zero{};
  zero.sin_family = AF_INET;
  Calls to_zero;
  to_zero.socket(4).connect_to(4, reinterpret_cast<sockaddr*>(&zero), sizeof(zero), 0);
  EXPECT_EQ(section_for(Mode::posix_datagram, connected_on(4), to_zero, Verdict::false_success),
            "kernel-udp-connect-port-zero");
  // The kernel's, whichever caller asks: GLib's client got it in the main job's fuzzing.
  EXPECT_EQ(section_for(Mode::glib_client_async, connected_on(4), to_zero, Verdict::false_success),
            "kernel-udp-connect-port-zero");
  // The kernel's answer still, where realistic mode declined a planned fault (NOT INJECTED).
  Calls declined;
  declined.socket(4).connect_to(4, reinterpret_cast<sockaddr*>(&zero), sizeof(zero), 0);
  const_cast<inject::Event*>(declined.events().back())->mark = inject::Mark::Refused;
  EXPECT_EQ(section_for(Mode::posix_datagram, connected_on(4), declined, Verdict::false_success),
            "kernel-udp-connect-port-zero");
  sockaddr_in port{};
  port.sin_family = AF_INET;
  port.sin_port = htons(9);
  Calls to_port;
  to_port.socket(4).connect_to(4, reinterpret_cast<sockaddr*>(&port), sizeof(port), 0);
  EXPECT_EQ(section_for(Mode::posix_datagram, connected_on(4), to_port, Verdict::false_success), "");
}

TEST(KnownFindings, RangeOpenFailureAndEsocktnosupportNeedTheirOwnErrors) {
  Calls open_failed;
  open_failed.kernel_failed(Call::socket, -1, EAFNOSUPPORT);
  EXPECT_EQ(section_for(Mode::asio_async_range, failed_with(ECANCELED), open_failed, Verdict::unexplained_failure),
            "asio-async-range-open-failure");
  EXPECT_EQ(section_for(Mode::asio_async_range, failed_with(ECONNREFUSED), open_failed, Verdict::unexplained_failure), "");
  Calls seqpacket;
  seqpacket.kernel_failed(Call::socket, -1, ESOCKTNOSUPPORT);
  EXPECT_EQ(section_for(Mode::kernel_raw, failed_with(ESOCKTNOSUPPORT), seqpacket, Verdict::undocumented_errno),
            "kernel-socket-esocktnosupport");
  Calls planned;
  planned.injected(Call::socket, -1, ESOCKTNOSUPPORT);
  EXPECT_EQ(section_for(Mode::kernel_raw, failed_with(ESOCKTNOSUPPORT), planned, Verdict::undocumented_errno), "");
}

TEST(KnownFindings, LibuvEintrRetryIsTheReconnectRightAfterAnInjectedEintr) {
  Calls retried;
  retried.socket(21).injected(Call::connect, 21, EINTR).kernel_failed(Call::connect, 21, EISCONN);
  EXPECT_EQ(section_for(Mode::libuv_pipe_connect, failed_with(EISCONN), retried, Verdict::still_connecting_failure),
            "libuv-connect-eintr-retry");
  // One detail off: another descriptor, no EINTR before it, another family of modes, another verdict.
  Calls other_fd;
  other_fd.socket(21).injected(Call::connect, 21, EINTR).kernel_failed(Call::connect, 22, EISCONN);
  EXPECT_EQ(section_for(Mode::libuv_pipe_connect, failed_with(EISCONN), other_fd, Verdict::still_connecting_failure), "");
  Calls no_eintr;
  no_eintr.socket(21).injected(Call::connect, 21, EINPROGRESS).kernel_failed(Call::connect, 21, EALREADY);
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, failed_with(EALREADY), no_eintr, Verdict::still_connecting_failure), "");
  EXPECT_EQ(section_for(Mode::posix_nonblocking, failed_with(EISCONN), retried, Verdict::still_connecting_failure), "");
  EXPECT_EQ(section_for(Mode::libuv_pipe_connect, failed_with(EISCONN), retried, Verdict::socket_leak), "");
}

TEST(KnownFindings, LibuvEintrStormIsTheConnectThatSpunAndIsSteeredAround) {
  targets::ConnectResult inside{};
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, inside, storm(Call::connect, EINTR), Verdict::timeout_overrun),
            "libuv-connect-eintr-storm");
  // One detail off: another errno, another call, libevent, another verdict.
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, inside, storm(Call::connect, EAGAIN), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, inside, storm(Call::epoll_wait, EINTR), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, inside, storm(Call::connect, EINTR), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, inside, storm(Call::connect, EINTR), Verdict::socket_leak), "");
  Scenario s;
  s.mode = Mode::libuv_tcp_connect;
  s.plan = inject::parse_plan("connect@*=EINTR>EACCES mode=any");
  EXPECT_EQ(steer_around_documented_stops(s), "libuv-connect-eintr-storm");
  EXPECT_EQ(s.plan.rule_count, 0);
}

TEST(KnownFindings, LibuvUncheckedSoErrorNeedsAFailedGetsockopt) {
  Calls failed;
  failed.socket(21).add(Call::connect, 21, 0).injected(Call::getsockopt, 21, EBADF);
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, failed_with(165582432), failed, Verdict::unexplained_failure),
            "libuv-so-error-unchecked");
  EXPECT_EQ(section_for(Mode::libuv_pipe_connect, connected_on(21), failed, Verdict::false_success),
            "libuv-so-error-unchecked");
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, failed_with(29961408), failed, Verdict::still_connecting_failure),
            "libuv-so-error-unchecked");
  // One detail off: SO_ERROR's value injected (getsockopt itself worked), libevent, another verdict.
  Calls value;
  value.socket(21).add(Call::connect, 21, 0).injected(Call::so_error, 21, ENOSR);
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, failed_with(EIO), value, Verdict::unexplained_failure), "");
  EXPECT_EQ(section_for(Mode::libevent_socket_connect, failed_with(EBADF), failed, Verdict::unexplained_failure), "");
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, failed_with(EBADF), failed, Verdict::socket_leak), "");
}

TEST(KnownFindings, LibeventCloseClobberIsTheCloseErrorReportedOnly) {
  Calls closed;
  closed.socket(17).kernel_failed(Call::connect, 17, EINVAL).injected(Call::close, 17, EINTR);
  EXPECT_EQ(section_for(Mode::libevent_socket_connect, failed_with(EINTR), closed, Verdict::still_connecting_failure),
            "libevent-connect-error-clobbered-by-close");
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, failed_with(EINTR), closed, Verdict::still_connecting_failure),
            "libevent-connect-error-clobbered-by-close");
  Calls eio;
  eio.socket(17).kernel_failed(Call::connect, 17, EINVAL).injected(Call::close, 17, EIO);
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, failed_with(EIO), eio, Verdict::unexplained_failure),
            "libevent-connect-error-clobbered-by-close");
  // One detail off: the connect's own error reported, an EINTR of connect, another mode, another verdict.
  EXPECT_EQ(section_for(Mode::libevent_socket_connect, failed_with(EINVAL), closed, Verdict::unexplained_failure), "");
  Calls connect_eintr;
  connect_eintr.socket(17).injected(Call::connect, 17, EINTR);
  EXPECT_EQ(section_for(Mode::libevent_socket_connect, failed_with(EINTR), connect_eintr,
                        Verdict::still_connecting_failure), "");
  EXPECT_EQ(section_for(Mode::libuv_tcp_connect, failed_with(EINTR), closed, Verdict::still_connecting_failure), "");
  EXPECT_EQ(section_for(Mode::libevent_socket_connect, failed_with(EINTR), closed, Verdict::socket_leak), "");
}

TEST(KnownFindings, LibeventLostEnableIsAFailedEpollAddWithNoErrorReported) {
  targets::ConnectResult nothing{};
  Calls add_failed;
  add_failed.socket(17).add(Call::connect, 17, 0).injected(Call::epoll_ctl, 17, ENOMEM, "14, EPOLL_CTL_ADD, 17");
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, nothing, add_failed, Verdict::broken_contract),
            "libevent-bufferevent-enable-failure-lost");
  EXPECT_EQ(section_for(Mode::libevent_bufferevent_hostname, nothing, add_failed, Verdict::unexplained_failure),
            "libevent-bufferevent-enable-failure-lost");
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, nothing, add_failed, Verdict::still_connecting_failure),
            "libevent-bufferevent-enable-failure-lost");
  // One detail off: an error reported, a failed EPOLL_CTL_MOD, evutil_socket_connect_'s own wait, another verdict.
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, failed_with(ENOMEM), add_failed, Verdict::unexplained_failure), "");
  Calls mod_failed;
  mod_failed.socket(17).add(Call::connect, 17, 0).injected(Call::epoll_ctl, 17, ENOMEM, "14, EPOLL_CTL_MOD, 17");
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, nothing, mod_failed, Verdict::broken_contract), "");
  EXPECT_EQ(section_for(Mode::libevent_socket_connect, nothing, add_failed, Verdict::broken_contract), "");
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, nothing, add_failed, Verdict::socket_leak), "");
}

TEST(KnownFindings, LibeventDeferredErrorLeakNeedsTheLoopToHaveFailed) {
  Calls loop_failed;
  loop_failed.socket(17).kernel_failed(Call::connect, 17, ECONNREFUSED).injected(Call::epoll_wait, 14, EINVAL);
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, failed_with(EINVAL), loop_failed, Verdict::socket_leak),
            "libevent-deferred-error-leaks-socket");
  // One detail off: the loop ran (a wait the kernel answered), evutil_socket_connect_, another verdict.
  Calls loop_ran;
  loop_ran.socket(17).kernel_failed(Call::connect, 17, ECONNREFUSED).add(Call::epoll_wait, 14, 1);
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, failed_with(ECONNREFUSED), loop_ran, Verdict::socket_leak), "");
  EXPECT_EQ(section_for(Mode::libevent_socket_connect, failed_with(EINVAL), loop_failed, Verdict::socket_leak), "");
  EXPECT_EQ(section_for(Mode::libevent_bufferevent, failed_with(EINVAL), loop_failed, Verdict::broken_contract), "");
}

TEST(KnownFindings, HiredisPollEintrIsTheWaitOfItsBlockingConnects) {
  Calls interrupted;
  interrupted.socket(4).add(Call::connect, 4, -1, EINPROGRESS).injected(Call::poll, -1, EINTR).add(Call::close, 4, 0);
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), interrupted, Verdict::still_connecting_failure),
            "hiredis-wait-poll-eintr");
  EXPECT_EQ(section_for(Mode::hiredis_connect_unix, failed_with(EINTR), interrupted, Verdict::abandoned),
            "hiredis-wait-poll-eintr");
  // A real signal's EINTR is the same wait given up.
  Calls signalled;
  signalled.socket(4).add(Call::connect, 4, -1, EINPROGRESS).kernel_failed(Call::poll, -1, EINTR).add(Call::close, 4, 0);
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), signalled, Verdict::still_connecting_failure),
            "hiredis-wait-poll-eintr");
  // The caller's own loop (the non-blocking mode) retries its waits: not this write-up; nor
  // an EINTR the target got from connect, nor an interruption of another wait.
  EXPECT_EQ(section_for(Mode::hiredis_connect_nonblock, failed_with(EINTR), interrupted, Verdict::still_connecting_failure),
            "");
  Calls from_connect;
  from_connect.socket(4).injected(Call::connect, 4, EINTR).add(Call::close, 4, 0);
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), from_connect, Verdict::still_connecting_failure), "");
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), from_connect, Verdict::abandoned), "");
  Calls other_wait;
  other_wait.socket(4).add(Call::connect, 4, -1, EINPROGRESS).injected(Call::epoll_wait, 3, EINTR);
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), other_wait, Verdict::still_connecting_failure), "");
  // Another verdict on the same calls is not explained.
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), interrupted, Verdict::unexplained_failure), "");
}

TEST(KnownFindings, HiredisErrnoAfterCloseIsAnEintrOnlyCloseGave) {
  Calls closed;
  closed.socket(4).add(Call::connect, 4, -1, EINPROGRESS).add(Call::poll, -1, 0).injected(Call::close, 4, EINTR);
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), closed, Verdict::still_connecting_failure),
            "hiredis-errno-after-close");
  EXPECT_EQ(section_for(Mode::hiredis_connect_nonblock, failed_with(EINTR), closed, Verdict::still_connecting_failure),
            "hiredis-errno-after-close");
  // Another error reported, a close that failed otherwise, another verdict, another library.
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(ETIMEDOUT), closed, Verdict::still_connecting_failure), "");
  Calls closed_eio;
  closed_eio.socket(4).add(Call::connect, 4, -1, EINPROGRESS).add(Call::poll, -1, 0).injected(Call::close, 4, EIO);
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), closed_eio, Verdict::still_connecting_failure), "");
  EXPECT_EQ(section_for(Mode::hiredis_connect, failed_with(EINTR), closed, Verdict::abandoned), "");
  EXPECT_EQ(section_for(Mode::posix_nonblocking, failed_with(EINTR), closed, Verdict::still_connecting_failure), "");
}

TEST(KnownFindings, PocoEagainIsTheLastConnectOfTheSocketItCallsConnected) {
  Calls eagain;
  eagain.socket(4).injected(Call::connect, 4, EAGAIN).add(Call::epoll_wait, 5, 1).add(Call::so_error, 4, 0);
  EXPECT_EQ(section_for(Mode::poco_connect, connected_on(4), eagain, Verdict::false_success),
            "poco-connect-eagain-as-progress");
  // The kernel's own EAGAIN (a full AF_UNIX backlog) is the same.
  Calls full_backlog;
  full_backlog.socket(4).kernel_failed(Call::connect, 4, EAGAIN).add(Call::epoll_wait, 5, 1).add(Call::so_error, 4, 0);
  EXPECT_EQ(section_for(Mode::poco_connect_nb, connected_on(4), full_backlog, Verdict::false_success),
            "poco-connect-eagain-as-progress");
  // Another errno, another socket, another verdict, another library.
  Calls enobufs;
  enobufs.socket(4).injected(Call::connect, 4, ENOBUFS).add(Call::epoll_wait, 5, 1).add(Call::so_error, 4, 0);
  EXPECT_EQ(section_for(Mode::poco_connect, connected_on(4), enobufs, Verdict::false_success), "");
  EXPECT_EQ(section_for(Mode::poco_connect, connected_on(6), eagain, Verdict::false_success), "");
  EXPECT_EQ(section_for(Mode::poco_connect, failed_with(EAGAIN), eagain, Verdict::unexplained_failure), "");
  EXPECT_EQ(section_for(Mode::hiredis_connect, connected_on(4), eagain, Verdict::false_success), "");
}

TEST(KnownFindings, PocoZeroTimeoutStormIsAnEpollWaitStormInItsModes) {
  targets::ConnectResult inside{};
  EXPECT_EQ(section_for(Mode::poco_connect, inside, storm(Call::epoll_wait, EINTR), Verdict::timeout_overrun),
            "poco-wait-eintr-at-zero-timeout");
  EXPECT_EQ(section_for(Mode::poco_connect_nb, inside, storm(Call::epoll_wait, EINTR), Verdict::timeout_overrun),
            "poco-wait-eintr-at-zero-timeout");
  // Another call, another error, the kernel's own answers, another verdict, another library.
  EXPECT_EQ(section_for(Mode::poco_connect, inside, storm(Call::poll, EINTR), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::poco_connect, inside, storm(Call::epoll_wait, EINVAL), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::poco_connect, inside, storm(Call::epoll_wait, EINTR, inject::Mark::None),
                        Verdict::timeout_overrun),
            "");
  EXPECT_EQ(section_for(Mode::poco_connect, inside, storm(Call::epoll_wait, EINTR), Verdict::spin), "");
  EXPECT_EQ(section_for(Mode::hiredis_connect, inside, storm(Call::epoll_wait, EINTR), Verdict::timeout_overrun), "");
}

TEST(KnownFindings, EveryRowNamesAtLeastOneVerdictAndOneMode) {
  for (const KnownFinding& k : known_findings()) {
    EXPECT_NE(k.verdicts, 0u) << k.section;
    EXPECT_NE(k.modes, 0u) << k.section;
  }
}

TEST(KnownFindings, AnInputBoundForADocumentedEndlessLoopIsSteeredAroundIt) {
  auto scenario_with = [](Mode mode, const char* plan) {
    Scenario s;
    s.mode = mode;
    s.plan = inject::parse_plan(plan);
    return s;
  };
  Scenario storm = scenario_with(Mode::asio_async_connect, "epoll_wait@*=EINTR connect@1=EINPROGRESS");
  EXPECT_EQ(steer_around_documented_stops(storm), "asio-reactor-eintr-storm");
  EXPECT_EQ(inject::to_text(storm.plan), "connect@1=EINPROGRESS") << "only the rule that drives the loop goes";
  Scenario broken = scenario_with(Mode::asio_async_range, "epoll_wait@2-=EBADF");
  EXPECT_EQ(steer_around_documented_stops(broken), "asio-reactor-epoll-error-ignored");
  // A storm that ends, another mode, another call: left as they were.
  for (Scenario kept : {scenario_with(Mode::asio_async_connect, "epoll_wait@1-40=EINTR"),
                        scenario_with(Mode::posix_nonblocking, "poll@*=EINTR"),
                        scenario_with(Mode::asio_connect_ec, "epoll_wait@*=EINTR"),
                        scenario_with(static_cast<Mode>(kFirstUserMode), "epoll_wait@*=EINTR")}) {
    Scenario before = kept;
    EXPECT_EQ(steer_around_documented_stops(kept), "");
    EXPECT_EQ(kept, before);
  }
}

}  // namespace
}  // namespace connfuzz::fuzz

// curl's two write-ups: connect()'s EAGAIN taken for EINPROGRESS, and a failed
// zero-timeout poll (cf_tcp_connect's check) taken for an error on the socket.
namespace connfuzz::fuzz {
namespace {
constexpr int kCurlCouldntConnect = -7;  // the curl targets report CURLE_COULDNT_CONNECT so

TEST(KnownFindings, CurlEagainIsConnectsEagainInACurlMode) {
  Calls eagain;
  eagain.socket(16).injected(Call::connect, 16, EAGAIN).add(Call::poll, -1, 1).add(Call::so_error, 16, 0);
  EXPECT_EQ(section_for(Mode::curl_easy, failed_with(kCurlCouldntConnect), eagain, Verdict::unexplained_failure),
            "curl-eagain-as-in-progress");
  EXPECT_EQ(section_for(Mode::curl_multi, failed_with(kCurlCouldntConnect), eagain, Verdict::unexplained_failure),
            "curl-eagain-as-in-progress");
  Calls interrupted_wait;
  interrupted_wait.socket(16).injected(Call::connect, 16, EAGAIN).injected(Call::poll, -1, EINTR);
  EXPECT_EQ(section_for(Mode::curl_multi, failed_with(kCurlCouldntConnect), interrupted_wait,
                        Verdict::still_connecting_failure),
            "curl-eagain-as-in-progress");
  // One detail off: another errno of connect, another verdict, a POSIX caller.
  Calls enobufs;
  enobufs.socket(16).injected(Call::connect, 16, ENOBUFS);
  EXPECT_EQ(section_for(Mode::curl_easy, failed_with(kCurlCouldntConnect), enobufs, Verdict::unexplained_failure), "");
  EXPECT_EQ(section_for(Mode::curl_easy, failed_with(kCurlCouldntConnect), eagain, Verdict::socket_leak), "");
  EXPECT_EQ(section_for(Mode::posix_nonblocking, failed_with(kCurlCouldntConnect), eagain, Verdict::unexplained_failure),
            "");
}

TEST(KnownFindings, CurlPollFailureIsTheZeroTimeoutCheckOnly) {
  Calls check;
  check.socket(16).add(Call::connect, 16, -1, EINPROGRESS).injected(Call::poll, -1, EAGAIN, "nfds=1, timeout=0ms");
  EXPECT_EQ(section_for(Mode::curl_easy, failed_with(kCurlCouldntConnect), check, Verdict::still_connecting_failure),
            "curl-poll-failure-as-socket-error");
  EXPECT_EQ(section_for(Mode::curl_multi, failed_with(kCurlCouldntConnect), check, Verdict::unexplained_failure),
            "curl-poll-failure-as-socket-error");
  // curl_multi_poll's own wait (two descriptors, a timeout) is handled: not this write-up.
  Calls multi_poll;
  multi_poll.socket(16).add(Call::connect, 16, -1, EINPROGRESS).injected(Call::poll, -1, EAGAIN, "nfds=2, timeout=200ms");
  EXPECT_EQ(section_for(Mode::curl_easy, failed_with(kCurlCouldntConnect), multi_poll, Verdict::still_connecting_failure),
            "");
  EXPECT_EQ(section_for(Mode::curl_easy, failed_with(kCurlCouldntConnect), check, Verdict::abandoned), "");
  EXPECT_EQ(section_for(Mode::asio_connect_ec, failed_with(kCurlCouldntConnect), check, Verdict::still_connecting_failure),
            "");
}
}  // namespace
}  // namespace connfuzz::fuzz

// Asio's async connect takes a failed zero-timeout poll for a finished attempt.
namespace connfuzz::fuzz {
namespace {
TEST(KnownFindings, AsioNonBlockingConnectPollFailureIsTheCheckOfAnAsyncConnect) {
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_port = htons(80);
  to.sin6_addr = in6addr_loopback;
  auto attempt = [&to](Calls& calls) -> Calls& {
    return calls.socket(17).connect_to(17, reinterpret_cast<sockaddr*>(&to), sizeof(to), -1, EINPROGRESS);
  };
  Calls check;
  attempt(check).injected(Call::poll, -1, EINTR, "nfds=1, timeout=0ms").add(Call::so_error, 17, 0, 0, inject::Mark::Simulated);
  EXPECT_EQ(section_for(Mode::asio_async_range, connected_on(17), check, Verdict::false_success),
            "asio-nonblocking-connect-poll-failure");
  EXPECT_EQ(section_for(Mode::asio_async_connect, connected_on(17), check, Verdict::false_success),
            "asio-nonblocking-connect-poll-failure");
  // The synchronous connects wait in poll_connect (a timeout of their own); another verdict,
  // or a zero-timeout poll that did not fail, or a wait with a timeout, is not this write-up.
  EXPECT_EQ(section_for(Mode::asio_connect_ec, connected_on(17), check, Verdict::false_success), "");
  EXPECT_EQ(section_for(Mode::asio_async_range, connected_on(17), check, Verdict::socket_leak), "");
  Calls ready;
  attempt(ready).add(Call::poll, -1, 1, 0, inject::Mark::None, "nfds=1, timeout=0ms");
  EXPECT_EQ(section_for(Mode::asio_async_range, connected_on(17), ready, Verdict::false_success), "");
  Calls waited;
  attempt(waited).injected(Call::poll, -1, EINTR, "nfds=1, timeout=250ms").add(Call::so_error, 17, 0, 0, inject::Mark::Simulated);
  EXPECT_EQ(section_for(Mode::asio_async_range, connected_on(17), waited, Verdict::false_success), "");
  // A real signal's EINTR is the same finding; the failed check must be the returned
  // socket's, read as no error right after it.
  Calls real_signal;
  attempt(real_signal).add(Call::poll, -1, -1, EINTR, inject::Mark::None, "nfds=1, timeout=0ms");
  real_signal.add(Call::so_error, 17, 0, 0, inject::Mark::Simulated);
  EXPECT_EQ(section_for(Mode::asio_async_range, connected_on(17), real_signal, Verdict::false_success),
            "asio-nonblocking-connect-poll-failure");
  EXPECT_EQ(section_for(Mode::asio_async_range, connected_on(18), check, Verdict::false_success), "") << "another socket's check";
  Calls read_error;
  attempt(read_error).injected(Call::poll, -1, EINTR, "nfds=1, timeout=0ms").add(Call::so_error, 17, 0, ECONNREFUSED);
  EXPECT_EQ(section_for(Mode::asio_async_range, connected_on(17), read_error, Verdict::false_success), "")
      << "SO_ERROR said why: not a success read off a pending attempt";
}
}  // namespace
}  // namespace connfuzz::fuzz

// GLib's two write-ups: close() retried after EINTR, and a failed poll() taken for "ready".
namespace connfuzz::fuzz {
namespace {
TEST(KnownFindings, GlibCloseRetryIsTheRetryAfterEintrOnly) {
  Calls retry;
  retry.socket(14).injected(Call::close, 14, EINTR).kernel_failed(Call::close, 14, EBADF);
  EXPECT_EQ(section_for(Mode::glib_client_sync, failed_with(-1039), retry, Verdict::bad_descriptor),
            "glib-socket-close-eintr-retry");
  EXPECT_EQ(section_for(Mode::glib_client_async, failed_with(-1039), retry, Verdict::bad_descriptor),
            "glib-socket-close-eintr-retry");
  Calls eio;
  eio.socket(14).injected(Call::close, 14, EIO).kernel_failed(Call::close, 14, EBADF);
  EXPECT_EQ(section_for(Mode::glib_client_sync, failed_with(-1039), eio, Verdict::bad_descriptor), "");
  EXPECT_EQ(section_for(Mode::curl_easy, failed_with(-1039), retry, Verdict::bad_descriptor), "");
}

TEST(KnownFindings, GlibPollErrorIsAFailedWaitInTheSyncClient) {
  Calls failed_wait;
  failed_wait.socket(14).add(Call::connect, 14, -1, EINPROGRESS).injected(Call::poll, -1, ENOMEM);
  EXPECT_EQ(section_for(Mode::glib_client_sync, connected_on(14), failed_wait, Verdict::false_success),
            "glib-condition-wait-poll-error-ignored");
  // EINTR is retried (not this write-up), the async client waits in its GMainContext, another verdict.
  Calls interrupted;
  interrupted.socket(14).add(Call::connect, 14, -1, EINPROGRESS).injected(Call::poll, -1, EINTR);
  EXPECT_EQ(section_for(Mode::glib_client_sync, connected_on(14), interrupted, Verdict::false_success), "");
  EXPECT_EQ(section_for(Mode::glib_client_async, connected_on(14), failed_wait, Verdict::false_success), "");
  EXPECT_EQ(section_for(Mode::glib_client_sync, connected_on(14), failed_wait, Verdict::abandoned), "");
}
}  // namespace
}  // namespace connfuzz::fuzz

// Found by libFuzzer on the curl and glib fuzzers (mode=any plans, and an EINTR storm).
namespace connfuzz::fuzz {
namespace {
TEST(KnownFindings, CurlNonblockFailureIsAFailedFcntlBeforeTheOverrun) {
  targets::ConnectResult inside{};  // the overrun is stopped inside the target's call
  Calls blocking;
  blocking.socket(16).injected(Call::fcntl, 16, EBADF).add(Call::connect, 16, -1, EINPROGRESS);
  EXPECT_EQ(section_for(Mode::curl_easy, inside, blocking, Verdict::timeout_overrun), "curl-nonblock-failure-ignored");
  Calls nonblocking;
  nonblocking.socket(16).add(Call::fcntl, 16, 0).add(Call::connect, 16, -1, EINPROGRESS);
  EXPECT_EQ(section_for(Mode::curl_easy, inside, nonblocking, Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::posix_nonblocking, inside, blocking, Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::curl_easy, inside, blocking, Verdict::spin), "");
  EXPECT_EQ(section_for(Mode::curl_multi, failed_with(ETIMEDOUT), blocking, Verdict::unexplained_failure),
            "curl-nonblock-failure-ignored");
  EXPECT_EQ(section_for(Mode::curl_multi, failed_with(ETIMEDOUT), nonblocking, Verdict::unexplained_failure), "");
}

TEST(KnownFindings, CurlSoErrorDroppedIsAnInjectedSoErrorValue) {
  Calls dropped;
  dropped.socket(16).add(Call::connect, 16, 0).add(Call::poll, -1, 1);
  dropped.add(Call::so_error, 16, 0, ECONNREFUSED, inject::Mark::Injected).add(Call::close, 16, 0);
  EXPECT_EQ(section_for(Mode::curl_multi, failed_with(-7), dropped, Verdict::unexplained_failure),
            "curl-so-error-dropped-after-immediate-connect");
  Calls kernels;
  kernels.socket(16).add(Call::connect, 16, 0).add(Call::so_error, 16, 0, ECONNRESET).add(Call::close, 16, 0);
  EXPECT_EQ(section_for(Mode::curl_multi, failed_with(-7), kernels, Verdict::unexplained_failure), "");
  EXPECT_EQ(section_for(Mode::glib_client_sync, failed_with(-7), dropped, Verdict::unexplained_failure), "");
  EXPECT_EQ(section_for(Mode::curl_multi, failed_with(-7), dropped, Verdict::socket_leak), "");
}

TEST(KnownFindings, GlibEintrStormIsEveryLastPollInterrupted) {
  targets::ConnectResult inside{};
  EXPECT_EQ(section_for(Mode::glib_client_sync, inside, storm(Call::poll, EINTR), Verdict::timeout_overrun),
            "glib-condition-wait-eintr-storm");
  EXPECT_EQ(section_for(Mode::glib_client_sync, inside, storm(Call::poll, ENOMEM), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::glib_client_async, inside, storm(Call::poll, EINTR), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::glib_client_sync, inside, storm(Call::poll, EINTR, inject::Mark::None),
                        Verdict::timeout_overrun), "");
}
}  // namespace
}  // namespace connfuzz::fuzz

// The glib fuzzer's second minute: a socket left blocking, and connect() retried after EINTR.
namespace connfuzz::fuzz {
namespace {
TEST(KnownFindings, GlibNonblockFailureIsAFailedFcntlBeforeTheOverrun) {
  targets::ConnectResult inside{};
  Calls blocking;
  blocking.socket(14).injected(Call::fcntl, 14, EINVAL).add(Call::connect, 14, -1, EINPROGRESS);
  EXPECT_EQ(section_for(Mode::glib_client_sync, inside, blocking, Verdict::timeout_overrun),
            "glib-nonblock-failure-ignored");
  Calls nonblocking;
  nonblocking.socket(14).add(Call::fcntl, 14, 0).add(Call::connect, 14, -1, EINPROGRESS);
  EXPECT_EQ(section_for(Mode::glib_client_sync, inside, nonblocking, Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::glib_client_sync, inside, blocking, Verdict::false_success), "");
}

TEST(KnownFindings, GlibConnectEintrRetryIsEveryLastConnectInterrupted) {
  targets::ConnectResult inside{};
  EXPECT_EQ(section_for(Mode::glib_client_async, inside, storm(Call::connect, EINTR), Verdict::timeout_overrun),
            "glib-connect-eintr-retry");
  EXPECT_EQ(section_for(Mode::glib_client_sync, inside, storm(Call::connect, EAGAIN), Verdict::timeout_overrun), "");
  EXPECT_EQ(section_for(Mode::curl_easy, inside, storm(Call::connect, EINTR), Verdict::timeout_overrun), "");
  // The retry's own failure (EISCONN from the attempt the EINTR left going), right after it.
  Calls retried;
  retried.socket(17).injected(Call::connect, 17, EINTR).kernel_failed(Call::connect, 17, EISCONN);
  EXPECT_EQ(section_for(Mode::glib_client_async, failed_with(-1000), retried, Verdict::still_connecting_failure),
            "glib-connect-eintr-retry");
  Calls waited;
  waited.socket(17).injected(Call::connect, 17, EINTR).add(Call::poll, -1, 1).kernel_failed(Call::connect, 17, EISCONN);
  EXPECT_EQ(section_for(Mode::glib_client_async, failed_with(-1000), waited, Verdict::still_connecting_failure), "");
  Calls blocked_async;
  blocked_async.socket(17).injected(Call::fcntl, 17, EBADF).add(Call::connect, 17, 0);
  EXPECT_EQ(section_for(Mode::glib_client_async, failed_with(ETIMEDOUT), blocked_async, Verdict::unexplained_failure),
            "glib-nonblock-failure-ignored");
  Calls unblocked_async;
  unblocked_async.socket(17).add(Call::connect, 17, 0);
  EXPECT_EQ(section_for(Mode::glib_client_async, failed_with(ETIMEDOUT), unblocked_async, Verdict::unexplained_failure),
            "");
}
}  // namespace
}  // namespace connfuzz::fuzz
