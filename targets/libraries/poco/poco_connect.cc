// Poco::Net::StreamSocket's connects. POCO does the socket, the non-blocking connect and,
// for connect(address, timeout), the wait and SO_ERROR (SocketImpl::connect, SocketImpl.cpp
// 155-186); for connectNB the wait is the caller's: Socket::poll to the deadline (POCO's
// own epoll wait, which retries EINTR with what is left), then SocketImpl::socketError.
#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "poco_result.h"
#include "poco_targets.h"

namespace connfuzz::poco {
namespace {

using Poco::Net::SocketAddress;
using Poco::Net::StreamSocket;

Poco::Timespan timespan_of(int timeout_ms) { return Poco::Timespan(timeout_ms / 1000, (timeout_ms % 1000) * 1000); }

// The request's domain, as POCO's StreamSocket(Family) takes it; another domain has no
// Family, and the socket is then made by connect for the address's own family.
std::shared_ptr<StreamSocket> socket_for(const connfuzz::Request& request) {
  if (request.domain == AF_INET) return std::make_shared<StreamSocket>(SocketAddress::IPv4);
  if (request.domain == AF_INET6) return std::make_shared<StreamSocket>(SocketAddress::IPv6);
  if (request.domain == AF_UNIX) return std::make_shared<StreamSocket>(SocketAddress::UNIX_LOCAL);
  return std::make_shared<StreamSocket>();
}

// POCO 1.11 reads the family of an address of any length, and copies sizeof(sockaddr_un)
// bytes of an AF_UNIX one whatever its length (poco-socketaddress-unix-overread,
// docs/FINDINGS.md): a shorter address is handed over in a zeroed sockaddr_un, as a caller
// holding a sockaddr_storage has it, so that fuzzing goes on past that known read. POCO
// still sees the request's length and checks it.
const sockaddr* readable_whole(const connfuzz::Address& a, sockaddr_un& copy) {
  if (a.len >= sizeof(sockaddr_un)) return a.addr;
  std::memcpy(&copy, a.addr, a.len);
  return reinterpret_cast<const sockaddr*>(&copy);
}

// The sockaddr goes to POCO as a caller holding one (from getaddrinfo, a config) passes it:
// SocketAddress(const sockaddr*, length), whose own checks take or refuse family and length.
std::optional<SocketAddress> address_of(const connfuzz::Request& request, connfuzz::Result& refused) {
  const connfuzz::Address& a = request.addresses.front();
  sockaddr_un whole{};
  try {
    return SocketAddress(readable_whole(a, whole), a.len);
  } catch (const Poco::Exception& e) {
    refused = failure_of(e, "SocketAddress");
    refused.rejected_input = true;  // POCO refused the bytes before any socket or connect
    return std::nullopt;
  }
}

connfuzz::Result connected(std::shared_ptr<StreamSocket> socket) {
  connfuzz::Result result;
  result.fd = socket->impl()->sockfd();
  result.owner = std::move(socket);  // connfuzz checks the fd, then ~StreamSocket closes it
  return result;
}

connfuzz::Result failed(int err, std::string how) {
  connfuzz::Result result;
  result.error = std::error_code(err, std::system_category());
  result.message = std::move(how);
  return result;
}

// What both modes share: the address, the socket, and POCO's exceptions as the failure.
template <typename Connect>
connfuzz::Result connect_with(const connfuzz::Request& request, const char* step, Connect connect) {
  connfuzz::Result refused;
  std::optional<SocketAddress> to = address_of(request, refused);
  if (!to) return refused;
  try {
    return connect(socket_for(request), *to);
  } catch (const Poco::Exception& e) {
    return failure_of(e, step);
  }
}

}  // namespace

// The request's type cannot be put to a StreamSocket (always SOCK_STREAM): it is not used.
connfuzz::Result connect_timeout(const connfuzz::Request& request) {
  return connect_with(request, "StreamSocket::connect", [&](std::shared_ptr<StreamSocket> socket, const SocketAddress& to) {
    socket->connect(to, timespan_of(request.timeout_ms));
    return connected(std::move(socket));
  });
}

// connectNB, then the caller's part: one poll to the deadline (POCO's poll retries an
// interrupted wait itself), then the socket's pending error, as POCO reads it.
connfuzz::Result connect_nb(const connfuzz::Request& request) {
  return connect_with(request, "StreamSocket::connectNB", [&](std::shared_ptr<StreamSocket> socket, const SocketAddress& to) {
    socket->connectNB(to);
    constexpr int kWritableOrError = Poco::Net::Socket::SELECT_WRITE | Poco::Net::Socket::SELECT_ERROR;
    if (!socket->poll(timespan_of(request.timeout_ms), kWritableOrError))
      return failed(ETIMEDOUT, "Socket::poll: the caller's deadline passed");
    if (int err = socket->impl()->socketError(); err != 0)
      return failed(err, std::string("SocketImpl::socketError: ") + std::strerror(err));
    return connected(std::move(socket));
  });
}

}  // namespace connfuzz::poco
