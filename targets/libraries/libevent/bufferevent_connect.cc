// bufferevent_socket_connect and bufferevent_socket_connect_hostname, as a program on
// libevent connects: a bufferevent whose write timeout is the deadline, its event
// callback the outcome (BEV_EVENT_CONNECTED, or BEV_EVENT_ERROR with EVUTIL_SOCKET_ERROR()).
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cerrno>

#include "ev_attempt.h"
#include "libevent_targets.h"

namespace connfuzz::libraries::libevent {
namespace {

void on_event(bufferevent* bev, short what, void* arg) {
  auto* attempt = static_cast<Attempt*>(arg);
  if (what & BEV_EVENT_CONNECTED) {
    attempt->connected = true;
  } else if (what & BEV_EVENT_TIMEOUT) {
    attempt->expired = true;
  } else {
    attempt->error = EVUTIL_SOCKET_ERROR();  // read first: anything called later may change it
    attempt->dns_error = bufferevent_socket_get_dns_error(bev);
  }
  attempt->done = true;
}

// A bufferevent that will make its own socket, with the request's deadline as its write
// timeout (libevent waits for the connect as for a write).
std::shared_ptr<Attempt> bufferevent_attempt(const connfuzz::Request& request) {
  auto attempt = new_attempt();
  if (!attempt) return nullptr;
  attempt->bev = bufferevent_socket_new(attempt->base, -1, BEV_OPT_CLOSE_ON_FREE);
  if (attempt->bev == nullptr) return nullptr;
  bufferevent_setcb(attempt->bev, nullptr, nullptr, on_event, attempt.get());
  timeval deadline = deadline_of(request.timeout_ms);
  bufferevent_set_timeouts(attempt->bev, nullptr, &deadline);
  return attempt;
}

// The numeric host and port a caller of bufferevent_socket_connect_hostname would pass
// for an AF_INET or AF_INET6 address (an IPv6 scope id and flow label have no place in them).
bool host_and_port(const connfuzz::Address& to, char (&host)[INET6_ADDRSTRLEN], int& port) {
  if (to.len >= sizeof(sockaddr_in) && to.addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(to.addr);
    port = ntohs(in->sin_port);
    return inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host)) != nullptr;
  }
  if (to.len >= sizeof(sockaddr_in6) && to.addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(to.addr);
    port = ntohs(in6->sin6_port);
    return inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host)) != nullptr;
  }
  return false;
}

}  // namespace

connfuzz::Result libevent_bufferevent(const connfuzz::Request& request) {
  const connfuzz::Address& to = request.addresses.front();
  // libevent reads sa_family and hands the length to connect() as given: an address
  // without a family is the one thing a caller cannot pass it.
  if (to.len < sizeof(sa_family_t)) return connfuzz::Result::rejected(EINVAL, "bufferevent_socket_connect: no family in the address");
  auto attempt = bufferevent_attempt(request);
  if (!attempt) return ev_failure(ENOMEM, "bufferevent_socket_new");
  if (bufferevent_socket_connect(attempt->bev, to.addr, static_cast<int>(to.len)) < 0)
    return ev_failure(EVUTIL_SOCKET_ERROR(), "bufferevent_socket_connect");
  return await_connect(std::move(attempt), "bufferevent_socket_connect");
}

connfuzz::Result libevent_bufferevent_hostname(const connfuzz::Request& request) {
  const connfuzz::Address& to = request.addresses.front();
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  // A host name and a port express IPv4 and IPv6 only. The host is always numeric: with
  // no evdns_base libevent calls evutil_getaddrinfo, which on Linux is glibc's
  // getaddrinfo, and glibc parses a numeric host before any name service is asked.
  if (!host_and_port(to, host, port))
    return connfuzz::Result::rejected(EAFNOSUPPORT, "bufferevent_socket_connect_hostname takes a host and a port: no AF_INET or AF_INET6 address");
  auto attempt = bufferevent_attempt(request);
  if (!attempt) return ev_failure(ENOMEM, "bufferevent_socket_new");
  // -1 without an errno: libevent refused the family or the port (1 to 65535) itself.
  if (bufferevent_socket_connect_hostname(attempt->bev, nullptr, AF_UNSPEC, host, port) < 0)
    return connfuzz::Result::rejected(EINVAL, "bufferevent_socket_connect_hostname refused port " + std::to_string(port));
  return await_connect(std::move(attempt), "bufferevent_socket_connect_hostname");
}

}  // namespace connfuzz::libraries::libevent
