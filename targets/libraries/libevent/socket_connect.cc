// evutil_socket_connect_, the connect every bufferevent makes, called as a program would
// that waits on the event base itself: writable, then evutil_socket_finished_connecting_
// (SO_ERROR). Both are internal to libevent but exported by its libraries (Debian's
// libevent_core-2.1.so.7 too); util-internal.h declares them, and it is not installed.
#include <cerrno>

#include "ev_attempt.h"
#include "libevent_targets.h"

extern "C" {
// util-internal.h: 2 for connection refused, 1 for connected, 0 for not yet, -1 for error.
int evutil_socket_connect_(evutil_socket_t* fd_ptr, const struct sockaddr* sa, int socklen);
// util-internal.h: 1 for connected, 0 for not yet, -1 for an error, which it leaves in errno.
int evutil_socket_finished_connecting_(evutil_socket_t fd);
}

namespace connfuzz::libraries::libevent {
namespace {

void on_writable(evutil_socket_t fd, short, void* arg) {
  auto* attempt = static_cast<Attempt*>(arg);
  int finished = evutil_socket_finished_connecting_(fd);
  if (finished == 0) return;  // not yet: the persistent event waits again
  attempt->connected = finished == 1;
  if (finished < 0) attempt->error = EVUTIL_SOCKET_ERROR();
  attempt->done = true;
}

void on_deadline(evutil_socket_t, short, void* arg) {
  auto* attempt = static_cast<Attempt*>(arg);
  attempt->expired = true;
  attempt->done = true;
}

// Waits for the socket to be writable, or for the deadline.
bool arm(Attempt& attempt, int timeout_ms) {
  attempt.writable = event_new(attempt.base, attempt.fd, EV_WRITE | EV_PERSIST, on_writable, &attempt);
  attempt.deadline = evtimer_new(attempt.base, on_deadline, &attempt);
  timeval deadline = deadline_of(timeout_ms);
  return attempt.writable != nullptr && attempt.deadline != nullptr && event_add(attempt.writable, nullptr) == 0 &&
         evtimer_add(attempt.deadline, &deadline) == 0;
}

}  // namespace

connfuzz::Result libevent_socket_connect(const connfuzz::Request& request) {
  const connfuzz::Address& to = request.addresses.front();
  // It reads sa_family to make the socket and hands the length to connect() as given.
  if (to.len < sizeof(sa_family_t)) return connfuzz::Result::rejected(EINVAL, "evutil_socket_connect_: no family in the address");
  auto attempt = new_attempt();
  if (!attempt) return ev_failure(ENOMEM, "event_base_new");
  int started = evutil_socket_connect_(&attempt->fd, to.addr, static_cast<int>(to.len));
  // -1: it closed the socket it made; errno is the error.
  if (started < 0) return ev_failure(EVUTIL_SOCKET_ERROR(), "evutil_socket_connect_");
  if (started == 2) return ev_failure(ECONNREFUSED, "evutil_socket_connect_: refused");
  if (started == 1) return connected_on(attempt, attempt->fd);
  if (!arm(*attempt, request.timeout_ms)) return ev_failure(EVUTIL_SOCKET_ERROR(), "event_add");
  return await_connect(std::move(attempt), "evutil_socket_connect_");
}

}  // namespace connfuzz::libraries::libevent
