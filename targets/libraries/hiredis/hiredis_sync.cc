// The blocking connects: redisConnectWithTimeout and redisConnectUnixWithTimeout. hiredis
// does all of it (socket, non-blocking connect, poll to the timeout, SO_ERROR); the target
// only converts the address, reads the outcome as hiredis documents it and keeps the context.
#include <hiredis.h>

#include <cerrno>
#include <memory>

#include "hiredis_address.h"
#include "hiredis_result.h"
#include "hiredis_targets.h"

namespace connfuzz::hiredis {
namespace {

timeval timeval_of(int timeout_ms) { return timeval{timeout_ms / 1000, (timeout_ms % 1000) * 1000}; }

// The outcome of a redisConnect* call: the connected context kept alive by the Result
// (connfuzz checks the fd, then redisFree closes it), or the context's error.
connfuzz::Result outcome(redisContext* c, int errno_on_return, const char* call) {
  if (c == nullptr) return failure_of(REDIS_ERR_OOM, "redisContextInit: out of memory", ENOMEM, call);
  if (c->err != 0) {
    connfuzz::Result result = failure_of(c->err, c->errstr, errno_on_return, call);
    redisFree(c);  // closes the socket if hiredis left it open (a failed SO_ERROR read does)
    return result;
  }
  connfuzz::Result result;
  result.fd = c->fd;
  result.owner = std::shared_ptr<redisContext>(c, redisFree);
  return result;
}

}  // namespace

// hiredis resolves the host with getaddrinfo, AF_INET first, then AF_INET6: the numeric
// host inet_ntop wrote needs no lookup. The request's socket (domain, type, protocol)
// cannot be put to hiredis, which opens the stream socket the address's family calls for.
connfuzz::Result connect_tcp(const connfuzz::Request& request) {
  std::string why;
  std::optional<TcpAddress> to = tcp_address_of(request.addresses.front(), why);
  if (!to) return connfuzz::Result::rejected(EAFNOSUPPORT, why);
  redisContext* c = redisConnectWithTimeout(to->host.c_str(), to->port, timeval_of(request.timeout_ms));
  int errno_on_return = errno;  // REDIS_ERR_IO's cause, as hiredis's README says to read it
  return outcome(c, errno_on_return, "redisConnectWithTimeout");
}

// The path goes as a C string; hiredis copies at most 107 bytes of it into sun_path
// (strncpy, net.c:461). A longer path is left to hiredis, as a caller passing it would.
connfuzz::Result connect_unix(const connfuzz::Request& request) {
  std::string why;
  std::optional<std::string> path = unix_path_of(request.addresses.front(), why);
  if (!path) return connfuzz::Result::rejected(EAFNOSUPPORT, why);
  redisContext* c = redisConnectUnixWithTimeout(path->c_str(), timeval_of(request.timeout_ms));
  int errno_on_return = errno;
  return outcome(c, errno_on_return, "redisConnectUnixWithTimeout");
}

}  // namespace connfuzz::hiredis
