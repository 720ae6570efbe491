// Boost.Asio's connect operations as targets: the library's own code under test.
#pragma once

#include <cerrno>
#include <vector>

#include "connect_target.h"

namespace connfuzz::targets {

// Asio's error convention: socket_ops::connect turns a connect() EAGAIN into ENOBUFS on
// Linux, and epoll_reactor keeps a descriptor that epoll_ctl refused with EPERM, then
// fails its operations with EOPNOTSUPP.
inline const std::vector<connfuzz::Translation> kAsioErrorConvention = {{EAGAIN, ENOBUFS}, {EPERM, EOPNOTSUPP}};

// basic_socket::connect(endpoint, error_code&).
ConnectResult asio_connect_ec(const ConnectRequest& request);
// basic_socket::connect(endpoint), the throwing form.
ConnectResult asio_connect_throw(const ConnectRequest& request);
// basic_socket::async_connect, run on an io_context against a steady_timer deadline.
ConnectResult asio_async_connect(const ConnectRequest& request);
// asio::connect over every endpoint of the request.
ConnectResult asio_range_connect(const ConnectRequest& request);
// asio::async_connect over every endpoint of the request, with a deadline.
ConnectResult asio_async_range_connect(const ConnectRequest& request);

// Endpoints made from raw sockaddr bytes, then basic_socket::connect(endpoint, error_code&).
ConnectResult asio_generic_endpoint_connect(const ConnectRequest& request);  // generic::stream_protocol::endpoint(addr, len)
ConnectResult asio_local_endpoint_connect(const ConnectRequest& request);    // local endpoint: bytes copied in, resize(len)
ConnectResult asio_tcp_resize_connect(const ConnectRequest& request);        // ip::tcp endpoint: bytes copied in, resize(len)

}  // namespace connfuzz::targets
