// One libevent connect on an event base of its own: the base, the bufferevent or the
// events it waits with, the deadline, and the outcome turned into a Result.
#pragma once

#include <event2/bufferevent.h>
#include <event2/event.h>

#include <connfuzz/connfuzz.hpp>
#include <memory>
#include <string>

namespace connfuzz::libraries::libevent {

// Everything one attempt made. A connected Result's owner keeps it; freeing it frees the
// bufferevent (BEV_OPT_CLOSE_ON_FREE closes its socket) or closes the socket of
// evutil_socket_connect_, then frees the base.
struct Attempt {
  event_base* base = nullptr;
  bufferevent* bev = nullptr;
  event* writable = nullptr;
  event* deadline = nullptr;
  evutil_socket_t fd = -1;  // the socket evutil_socket_connect_ made; the bufferevent owns its own
  bool done = false;
  bool expired = false;
  bool connected = false;
  int error = 0;      // EVUTIL_SOCKET_ERROR() when libevent said the connect failed
  int dns_error = 0;  // bufferevent_socket_get_dns_error(): an EVUTIL_EAI_* code

  Attempt() = default;
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;
  ~Attempt();
};

// A fresh attempt on a new event base (epoll, no environment variables read), or nullptr.
std::shared_ptr<Attempt> new_attempt();
timeval deadline_of(int timeout_ms);

// Runs the base until the attempt is done, or the base has nothing left to wait for or
// fails; then says what libevent reported. `fd` is the socket a connection is on.
connfuzz::Result await_connect(std::shared_ptr<Attempt> attempt, const char* call);
connfuzz::Result connected_on(std::shared_ptr<Attempt> attempt, evutil_socket_t fd);

// An errno as libevent reports it (EVUTIL_SOCKET_ERROR() is errno on Unix).
connfuzz::Result ev_failure(int err, const std::string& how);

}  // namespace connfuzz::libraries::libevent
