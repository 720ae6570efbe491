// The event base around one libevent connect and the Result it ends in.
#include "ev_attempt.h"

#include <event2/util.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace connfuzz::libraries::libevent {

Attempt::~Attempt() {
  if (bev != nullptr) bufferevent_free(bev);
  if (writable != nullptr) event_free(writable);
  if (deadline != nullptr) event_free(deadline);
  if (fd >= 0) evutil_closesocket(fd);
  if (base != nullptr) event_base_free(base);
}

std::shared_ptr<Attempt> new_attempt() {
  auto attempt = std::make_shared<Attempt>();
  event_config* config = event_config_new();
  if (config == nullptr) return nullptr;
  event_config_set_flag(config, EVENT_BASE_FLAG_IGNORE_ENV);
  attempt->base = event_base_new_with_config(config);
  event_config_free(config);
  return attempt->base == nullptr ? nullptr : attempt;
}

timeval deadline_of(int timeout_ms) {
  return timeval{timeout_ms / 1000, static_cast<suseconds_t>(timeout_ms % 1000) * 1000};
}

connfuzz::Result await_connect(std::shared_ptr<Attempt> attempt, const char* call) {
  // Each turn runs the callbacks that are due or waits for them; the deadline is one of
  // the events waited for, so the loop ends at the latest when it passes.
  int turn = 0;
  while (!attempt->done && (turn = event_base_loop(attempt->base, EVLOOP_ONCE)) == 0) {
  }
  if (turn < 0) return ev_failure(errno, std::string(call) + ": event_base_loop failed");
  if (attempt->expired) return ev_failure(ETIMEDOUT, std::string(call) + ": deadline passed");
  connfuzz::Result result;
  // Nothing left to wait for and no callback: no error, which the contract's verdict names.
  if (!attempt->done) return result;
  if (attempt->dns_error != 0) {
    result.error = std::error_code(attempt->dns_error, std::generic_category());
    result.message = std::string(call) + ": " + evutil_gai_strerror(attempt->dns_error);
    return result;
  }
  if (!attempt->connected) return ev_failure(attempt->error, call);
  evutil_socket_t fd = attempt->bev != nullptr ? bufferevent_getfd(attempt->bev) : attempt->fd;
  return connected_on(std::move(attempt), fd);
}

connfuzz::Result connected_on(std::shared_ptr<Attempt> attempt, evutil_socket_t fd) {
  connfuzz::Result result;
  result.fd = fd;
  result.owner = std::move(attempt);
  return result;
}

connfuzz::Result ev_failure(int err, const std::string& how) {
  connfuzz::Result result;
  result.error = std::error_code(err, std::system_category());
  result.message = how + ": " + evutil_socket_error_to_string(err);
  return result;
}


}  // namespace connfuzz::libraries::libevent
