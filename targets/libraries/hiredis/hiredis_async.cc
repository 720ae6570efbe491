// hiredis's non-blocking connect, driven as its asynchronous API's users drive it.
//
// The library's part: redisAsyncConnect (redisConnectNonBlock inside: socket, O_NONBLOCK,
// connect, EINPROGRESS taken as "in progress"; any other failure in c->err at once), and
// redisAsyncHandleWrite, which on the first writable event reads SO_ERROR
// (__redisAsyncHandleConnect -> redisCheckSocketError), calls the connect callback with
// REDIS_OK or REDIS_ERR and, on REDIS_ERR, frees the context.
// The caller's part, written here: what an adapter (hiredis's adapters/libevent.h,
// libev.h) and its event loop do, as the README's "Asynchronous API" tells:
// check c->err after redisAsyncConnect, wait for the socket to be writable, hand each
// writable event to redisAsyncHandleWrite, and learn the outcome from the connect
// callback. The deadline is the caller's own; hiredis's async connect has none.
#include <async.h>
#include <hiredis.h>
#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>

#include "hiredis_address.h"
#include "hiredis_result.h"
#include "hiredis_targets.h"

namespace connfuzz::hiredis {
namespace {

constexpr int kMaxRounds = 16;  // waits interrupted at once, or hiredis's "not yet" answers, before giving up

long long now_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

long long now_ms() { return now_us() / 1000; }

// A wait an interruption ended within this took no time (timed in microseconds: a
// millisecond tick inside an instant wait made the count vary from run to run).
constexpr long long kInstantUs = 1000;

// What the callbacks saw: hiredis frees a context that failed right after the connect
// callback, and one it drops later (a write that fails) after the disconnect callback.
struct Connecting {
  bool called = false;
  int status = REDIS_ERR;
  int err = 0;
  std::string errstr;
  int errno_at_callback = 0;
  bool dropped = false;  // the disconnect callback ran: the context is gone
};

void on_connect(const redisAsyncContext* ac, int status) {
  auto* seen = static_cast<Connecting*>(ac->data);
  seen->errno_at_callback = errno;  // redisCheckSocketError left SO_ERROR's error in errno
  seen->called = true;
  seen->status = status;
  seen->err = ac->c.err;
  seen->errstr = ac->c.errstr;
}

// The README: "The context object is always freed after the disconnect callback fired."
// After a connect, only hiredis's own failure drops it (the Result's owner frees it after
// `data` is cleared).
void on_disconnect(const redisAsyncContext* ac, int) {
  auto* seen = static_cast<Connecting*>(ac->data);
  if (seen == nullptr) return;
  seen->dropped = true;
  seen->err = ac->c.err;
  seen->errstr = ac->c.errstr;
  seen->errno_at_callback = errno;
}

connfuzz::Result give_up(redisAsyncContext* ac, int err, const char* why) {
  redisAsyncFree(ac);
  connfuzz::Result result;
  result.error = std::error_code(err, std::system_category());
  result.message = why;
  return result;
}

// The event loop: poll for writability until the deadline, retrying an interrupted wait
// with what is left of it, and give each writable event to hiredis. nullopt: hiredis
// called back (the outcome is in `seen`); otherwise the caller's own failure.
std::optional<connfuzz::Result> wait_for_callback(redisAsyncContext* ac, const Connecting& seen, int timeout_ms) {
  long long deadline = now_ms() + timeout_ms;
  for (int quick_interruptions = 0, not_yet = 0; !seen.called;) {
    long long left = std::max(0LL, deadline - now_ms());
    pollfd p{ac->c.fd, POLLOUT, 0};
    long long before = now_us();
    int n = poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno != EINTR && errno != EAGAIN) return give_up(ac, errno, "poll failed");
    if (n == 0) return give_up(ac, ETIMEDOUT, "the caller's deadline passed");
    if (n > 0) {
      redisAsyncHandleWrite(ac);  // may call back, and free ac on failure
      if (seen.called) break;
      // hiredis read SO_ERROR and still says "in progress" on a writable socket, which
      // Linux never does: given up with what hiredis said, rather than looped on.
      if (++not_yet == kMaxRounds) return give_up(ac, EINPROGRESS, "hiredis still says in progress on a writable socket");
      continue;
    }
    // Interrupted: again with the time left, unless no time passes at all.
    if (now_us() - before < kInstantUs && ++quick_interruptions == kMaxRounds) return give_up(ac, ETIMEDOUT, "interrupted again and again");
    if (left == 0) return give_up(ac, ETIMEDOUT, "the caller's deadline passed");
  }
  return std::nullopt;
}

}  // namespace

connfuzz::Result connect_nonblock(const connfuzz::Request& request) {
  std::string why;
  std::optional<TcpAddress> to = tcp_address_of(request.addresses.front(), why);
  if (!to) return connfuzz::Result::rejected(EAFNOSUPPORT, why);
  redisAsyncContext* ac = redisAsyncConnect(to->host.c_str(), to->port);
  int errno_on_return = errno;
  if (ac == nullptr) return failure_of(REDIS_ERR_OOM, "out of memory", ENOMEM, "redisAsyncConnect");
  if (ac->c.err != 0) {
    connfuzz::Result result = failure_of(ac->c.err, ac->c.errstr, errno_on_return, "redisAsyncConnect");
    redisAsyncFree(ac);
    return result;
  }
  Connecting seen;
  ac->data = &seen;
  redisAsyncSetConnectCallback(ac, on_connect);
  redisAsyncSetDisconnectCallback(ac, on_disconnect);
  if (std::optional<connfuzz::Result> failed = wait_for_callback(ac, seen, request.timeout_ms)) return *failed;
  if (seen.status != REDIS_OK || seen.dropped)  // hiredis has freed ac
    return failure_of(seen.err, seen.errstr.c_str(), seen.errno_at_callback, "redisAsyncHandleWrite");
  ac->data = nullptr;
  connfuzz::Result result;
  result.fd = ac->c.fd;
  result.owner = std::shared_ptr<redisAsyncContext>(ac, redisAsyncFree);
  return result;
}

}  // namespace connfuzz::hiredis
