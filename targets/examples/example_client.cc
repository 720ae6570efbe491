// The example connect callers as whole programs, for `connfuzz matrix` and `connfuzz run`:
//
//   example_client STYLE [--check]
//
// It connects with STYLE to a loopback listener of its own, sends one message and
// exits 0 if and only if it connected and the server received the message; 1 with a
// message when it could not. With --check it stops once connected, like a health check.
// The correct styles are blocking, nonblocking (poll + SO_ERROR), backoff (bounded
// retries with back-off), sndtimeo (SO_SNDTIMEO as the deadline) and worker (connect on
// a cancellable thread); each other style has the one bug named in buggy_connect.h.
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "buggy_connect.h"
#include "loopback_server.h"
#include "posix/posix_connect.h"

namespace {

using connfuzz::targets::ConnectRequest;
using connfuzz::targets::ConnectResult;
using connfuzz::targets::ConnectTarget;

// Out-of-resources failures are retried on a new socket, a bounded number of times,
// waiting longer each time; every other failure is final (connect-contract.md).
ConnectResult backoff_connect(const ConnectRequest& request) {
  constexpr int kAttempts = 4;
  ConnectResult result;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    result = connfuzz::targets::posix_blocking_connect(request);
    bool transient = result.error.value() == EAGAIN || result.error.value() == ENOBUFS || result.error.value() == ENOSR || result.error.value() == EMFILE ||
                     result.error.value() == ENFILE || result.error.value() == ENOMEM;
    if (result.connected() || !transient) break;
    timespec pause{0, 1'000'000L << attempt};
    nanosleep(&pause, nullptr);
  }
  return result;
}

struct Style {
  std::string_view name;
  ConnectTarget connect;
  // After a failure it is given the job again, as a pool or a retry would: the program
  // goes on working, where a socket it leaked is a real leak (exit would close it).
  bool tries_again = false;
};

namespace ex = connfuzz::targets::examples;
constexpr Style kStyles[] = {
    {"blocking", connfuzz::targets::posix_blocking_connect},
    {"nonblocking", connfuzz::targets::posix_nonblocking_connect},
    {"backoff", backoff_connect},
    {"eintr_reconnect", ex::eintr_reconnect},
    {"inprogress_success", ex::inprogress_success},
    {"no_so_error", ex::no_so_error},
    {"eagain_spin", ex::eagain_spin},
    {"leak_on_refused", ex::leak_on_refused, true},
    {"unknown_errno", ex::unknown_errno},
    {"double_close", ex::double_close},
    {"reuse_after_refused", ex::reuse_after_refused},
    {"shared_length", ex::shared_length},
    {"eintr_wait_readable", ex::eintr_wait_readable},
    {"sndtimeo", connfuzz::targets::posix_sndtimeo_connect},
    {"worker", connfuzz::targets::posix_worker_connect},
    {"cancel_no_cleanup", ex::cancel_no_cleanup},
    {"cancel_keeps_lock", ex::cancel_keeps_lock},
    {"timeout_not_reduced", ex::timeout_not_reduced},
    {"timeout_on_eintr", ex::timeout_on_eintr},
    {"sndtimeo_as_success", ex::sndtimeo_as_success},
    {"sndtimeo_as_failure", ex::sndtimeo_as_failure},
    {"epoll_error_ignored", ex::epoll_error_ignored},
};

// A SIGALRM handler without SA_RESTART, as clients that bound a connect with alarm()
// have: a signal inside connect() then interrupts it.
void on_alarm(int) {}
void handle_alarm() {
  struct sigaction action {};
  action.sa_handler = on_alarm;
  sigaction(SIGALRM, &action, nullptr);
}

int usage() {
  std::fprintf(stderr, "usage: example_client STYLE [--check]\nstyles:");
  for (const Style& s : kStyles) std::fprintf(stderr, " %.*s", static_cast<int>(s.name.size()), s.name.data());
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::string_view(argv[2]) != "--check")) return usage();
  const Style* style = nullptr;
  for (const Style& s : kStyles)
    if (s.name == argv[1]) style = &s;
  if (style == nullptr) return usage();
  bool check_only = argc == 3;
  handle_alarm();

  sockaddr_in server{};
  int listener = connfuzz::examples::start_loopback_listener(server);
  connfuzz::targets::Endpoint to{reinterpret_cast<const sockaddr*>(&server), sizeof(server)};
  ConnectRequest request;
  request.addresses = {&to, 1};
  ConnectResult result = style->connect(request);
  // A worker cancelled inside connect is given the job again, as a pool would.
  if (!result.connected() && (result.error.value() == ECANCELED || style->tries_again)) result = style->connect(request);
  if (!result.connected()) {
    std::fprintf(stderr, "example_client %s: could not connect: %s\n", argv[1],
                 result.message.empty() ? std::strerror(result.error.value()) : result.message.c_str());
    return 1;
  }
  if (check_only) {
    std::printf("example_client %s: connected\n", argv[1]);
    return 0;
  }
  const char ping[] = "ping";
  ssize_t sent;
  do sent = send(result.fd, ping, sizeof(ping), MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  int err = sent == static_cast<ssize_t>(sizeof(ping)) ? connfuzz::examples::accept_and_read(listener, sizeof(ping))
                                                       : (sent < 0 ? errno : EPROTO);
  if (!result.owner) close(result.fd);
  if (err != 0) {
    std::fprintf(stderr, "example_client %s: connected, but the message did not arrive: %s\n", argv[1], std::strerror(err));
    return 1;
  }
  std::printf("example_client %s: connected and sent a message\n", argv[1]);
  return 0;
}
