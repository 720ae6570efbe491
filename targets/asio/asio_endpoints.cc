// Asio endpoints filled from raw sockaddr bytes the way an accept() or getpeername()
// result is: bytes copied into data(), then resize(length). Then a plain connect.
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/system/system_error.hpp>
#include <algorithm>
#include <cstring>

#include "asio_connect.h"
#include "asio_connection.h"

namespace connfuzz::targets {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using asio_detail::connected;
using asio_detail::Connection;
using asio_detail::from_error;

// `open_as`: the protocol the socket is opened with (the request's domain).
template <typename Protocol>
ConnectResult connect_raw(const ConnectRequest& request, typename Protocol::endpoint endpoint, const Protocol& open_as) {
  const Endpoint& raw = request.addresses.front();
  std::size_t copied = std::min<std::size_t>(raw.len, endpoint.capacity());
  std::memcpy(endpoint.data(), raw.addr, copied);
  try {
    endpoint.resize(raw.len);
  } catch (const boost::system::system_error& e) {
    return from_error(e.code(), "endpoint.resize", true);
  }
  auto c = std::make_shared<Connection<Protocol>>();
  error_code ec;
  c->socket.open(open_as, ec);
  if (ec) return from_error(ec, "open");
  c->socket.connect(endpoint, ec);
  if (ec) return from_error(ec, "connect");
  return connected(c);
}

}  // namespace

ConnectResult asio_generic_endpoint_connect(const ConnectRequest& request) {
  using P = asio::generic::stream_protocol;
  return connect_raw<P>(request, P::endpoint(), P(request.domain, request.protocol));
}

ConnectResult asio_local_endpoint_connect(const ConnectRequest& request) {
  using P = asio::local::stream_protocol;
  return connect_raw<P>(request, P::endpoint(), P());
}

ConnectResult asio_tcp_resize_connect(const ConnectRequest& request) {
  using P = asio::ip::tcp;
  return connect_raw<P>(request, P::endpoint(), request.domain == AF_INET6 ? P::v6() : P::v4());
}

}  // namespace connfuzz::targets
