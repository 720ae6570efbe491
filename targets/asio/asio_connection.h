// What the Asio targets share: a socket with its own io_context, and error_codes as results.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

#include "connect_target.h"

namespace connfuzz::targets::asio_detail {

template <typename Protocol>
struct Connection {
  boost::asio::io_context io;
  typename Protocol::socket socket{io};
};

// Asio's system errors carry the errno; its own categories have no errno, so they
// come back negative and never match one.
inline ConnectResult from_error(const boost::system::error_code& ec, const char* step, bool rejected = false) {
  int err = ec.category() == boost::system::system_category() ? ec.value() : -ec.value();
  ConnectResult result = failure(err, std::string(step) + ": " + ec.message() + " [" + ec.category().name() + "]");
  result.rejected_input = rejected;
  return result;
}

template <typename Protocol>
ConnectResult connected(std::shared_ptr<Connection<Protocol>> c) {
  ConnectResult result;
  result.fd = c->socket.native_handle();
  result.owner = std::move(c);
  return result;
}

}  // namespace connfuzz::targets::asio_detail
