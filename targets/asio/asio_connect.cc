// Boost.Asio connect targets over generic endpoints, so that any family and length reaches Asio.
#include "asio_connect.h"
#include "asio_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/generic/datagram_protocol.hpp>
#include <boost/asio/generic/seq_packet_protocol.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <vector>

namespace connfuzz::targets {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using asio_detail::connected;
using asio_detail::Connection;
using asio_detail::from_error;

template <typename Protocol>
std::vector<typename Protocol::endpoint> endpoints_of(const ConnectRequest& request) {
  std::vector<typename Protocol::endpoint> endpoints;
  for (const Endpoint& e : request.addresses)
    endpoints.emplace_back(e.addr, e.len, request.protocol);  // throws for lengths past sockaddr_storage
  return endpoints;
}

// Opens with the request's domain, not the endpoint's family, so mismatches reach connect().
template <typename Protocol>
bool open_for(Connection<Protocol>& c, const ConnectRequest& request, error_code& ec) {
  c.socket.open(Protocol(request.domain, request.protocol), ec);
  return !ec;
}

template <typename Protocol>
ConnectResult sync_ec(const ConnectRequest& request) {
  auto c = std::make_shared<Connection<Protocol>>();
  error_code ec;
  auto endpoints = endpoints_of<Protocol>(request);
  if (!open_for(*c, request, ec)) return from_error(ec, "open");
  c->socket.connect(endpoints.front(), ec);
  return ec ? from_error(ec, "connect") : connected(c);
}

template <typename Protocol>
ConnectResult sync_throw(const ConnectRequest& request) {
  auto c = std::make_shared<Connection<Protocol>>();
  auto endpoints = endpoints_of<Protocol>(request);
  try {
    c->socket.open(Protocol(request.domain, request.protocol));
    c->socket.connect(endpoints.front());
  } catch (const boost::system::system_error& e) {
    return from_error(e.code(), "connect (thrown)");
  }
  return connected(c);
}

// Runs the io_context until `done`; the deadline cancels the socket's operations.
template <typename Protocol>
void run_with_deadline(Connection<Protocol>& c, const ConnectRequest& request, bool& done, bool& expired) {
  asio::steady_timer deadline(c.io, std::chrono::milliseconds(request.timeout_ms));
  deadline.async_wait([&](const error_code& ec) {
    if (ec || done) return;
    expired = true;
    error_code ignored;
    c.socket.close(ignored);
  });
  while (!done && c.io.run_one() > 0) {
  }
  deadline.cancel();
  c.io.run();
}

template <typename Protocol>
ConnectResult async_one(const ConnectRequest& request) {
  auto c = std::make_shared<Connection<Protocol>>();
  error_code ec, result_ec;
  auto endpoints = endpoints_of<Protocol>(request);
  if (!open_for(*c, request, ec)) return from_error(ec, "open");
  bool done = false, expired = false;
  c->socket.async_connect(endpoints.front(), [&](const error_code& e) {
    result_ec = e;
    done = true;
  });
  run_with_deadline(*c, request, done, expired);
  if (expired) return failure(ETIMEDOUT, "async_connect: deadline passed");
  return result_ec ? from_error(result_ec, "async_connect") : connected(c);
}

template <typename Protocol>
ConnectResult range_sync(const ConnectRequest& request) {
  auto c = std::make_shared<Connection<Protocol>>();
  error_code ec;
  asio::connect(c->socket, endpoints_of<Protocol>(request), ec);
  return ec ? from_error(ec, "asio::connect") : connected(c);
}

template <typename Protocol>
ConnectResult range_async(const ConnectRequest& request) {
  auto c = std::make_shared<Connection<Protocol>>();
  error_code result_ec;
  bool done = false, expired = false;
  auto endpoints = endpoints_of<Protocol>(request);
  asio::async_connect(c->socket, endpoints, [&](const error_code& e, const typename Protocol::endpoint&) {
    result_ec = e;
    done = true;
  });
  run_with_deadline(*c, request, done, expired);
  if (expired) return failure(ETIMEDOUT, "async_connect(range): deadline passed");
  return result_ec ? from_error(result_ec, "asio::async_connect") : connected(c);
}

// Picks the generic protocol of the request's socket type; other types go as streams.
template <template <typename> class Op>
ConnectResult by_type(const ConnectRequest& request) {
  try {
    if (request.type == SOCK_DGRAM) return Op<asio::generic::datagram_protocol>::run(request);
    if (request.type == SOCK_SEQPACKET) return Op<asio::generic::seq_packet_protocol>::run(request);
    return Op<asio::generic::stream_protocol>::run(request);
  } catch (const boost::system::system_error& e) {
    // Only endpoint construction throws here: Asio refused the bytes before any connect.
    return from_error(e.code(), "endpoint", true);
  }
}

template <typename P> struct SyncEc { static ConnectResult run(const ConnectRequest& r) { return sync_ec<P>(r); } };
template <typename P> struct SyncThrow { static ConnectResult run(const ConnectRequest& r) { return sync_throw<P>(r); } };
template <typename P> struct AsyncOne { static ConnectResult run(const ConnectRequest& r) { return async_one<P>(r); } };
template <typename P> struct RangeSync { static ConnectResult run(const ConnectRequest& r) { return range_sync<P>(r); } };
template <typename P> struct RangeAsync { static ConnectResult run(const ConnectRequest& r) { return range_async<P>(r); } };

}  // namespace

ConnectResult asio_connect_ec(const ConnectRequest& request) { return by_type<SyncEc>(request); }
ConnectResult asio_connect_throw(const ConnectRequest& request) { return by_type<SyncThrow>(request); }
ConnectResult asio_async_connect(const ConnectRequest& request) { return by_type<AsyncOne>(request); }
ConnectResult asio_range_connect(const ConnectRequest& request) { return by_type<RangeSync>(request); }
ConnectResult asio_async_range_connect(const ConnectRequest& request) { return by_type<RangeAsync>(request); }

}  // namespace connfuzz::targets
