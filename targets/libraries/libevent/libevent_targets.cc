// What libevent's connects promise, and how libevent reports errors: each trait and each
// row is a claim about libevent 2.1.12 (Debian 12's), checked by the verdicts.
#include "libevent_targets.h"

namespace connfuzz::libraries::libevent {
namespace {

// libevent's error convention on Unix: EVUTIL_SOCKET_ERROR() is errno
// (include/event2/util.h), and the connect path leaves there the errno it met:
// socket()'s and connect()'s (evutil_socket_connect_, evutil.c; its "2" is ECONNREFUSED)
// and SO_ERROR's (evutil_socket_finished_connecting_, evutil.c, which sets errno to it).
// No errno is reported as another: the table is empty. A name lookup's failure is an
// EVUTIL_EAI_* code (bufferevent_socket_get_dns_error), which matches no errno.
const std::vector<connfuzz::Translation> kLibeventErrorConvention = {};

connfuzz::Traits on_a_base() {
  // The deadline is a write timeout or a timer on the base; libevent makes no threads.
  return {.deadline = true, .translations = kLibeventErrorConvention};
}

}  // namespace

std::vector<connfuzz::Target> libevent_targets() {
  return {{"libevent_bufferevent", libevent_bufferevent, on_a_base()},
          {"libevent_bufferevent_hostname", libevent_bufferevent_hostname, on_a_base()},
          {"libevent_socket_connect", libevent_socket_connect, on_a_base()}};
}

}  // namespace connfuzz::libraries::libevent
