// uv_tcp_connect on the request's first address: libuv takes a sockaddr without a
// length and reads sizeof(sockaddr_in) or sizeof(sockaddr_in6) by its family.
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "libuv_targets.h"
#include "uv_attempt.h"

namespace connfuzz::libraries::libuv {
namespace {

// The size libuv reads for a family (uv_tcp_connect in src/uv-common.c), or 0 for the
// families it refuses itself (with UV_EINVAL, before any socket).
std::size_t size_libuv_reads(sa_family_t family) {
  if (family == AF_INET) return sizeof(sockaddr_in);
  if (family == AF_INET6) return sizeof(sockaddr_in6);
  return 0;
}

}  // namespace

connfuzz::Result libuv_tcp_connect(const connfuzz::Request& request) {
  const connfuzz::Address& to = request.addresses.front();
  // A caller cannot hand libuv an address shorter than what libuv reads (there is no
  // length to say so): such a request is refused here, as its caller would have to.
  if (to.len < sizeof(sa_family_t)) return connfuzz::Result::rejected(EINVAL, "uv_tcp_connect: no family in the address");
  sockaddr_storage address{};
  std::memcpy(&address, to.addr, std::min<std::size_t>(to.len, sizeof(address)));
  std::size_t reads = size_libuv_reads(address.ss_family);
  if (to.len < reads) return connfuzz::Result::rejected(EINVAL, "uv_tcp_connect takes no length: the address is shorter than its family's");
  int status = 0;
  auto attempt = new_attempt(status);
  if (!attempt) return uv_failure(status, "uv_loop_init");
  // uv_tcp_init (AF_UNSPEC) opens the socket in uv_tcp_connect, with the address's family.
  uv_tcp_init(&attempt->loop, &attempt->tcp);
  status = uv_tcp_connect(&attempt->request, &attempt->tcp, reinterpret_cast<const sockaddr*>(&address), on_connect);
  if (status != 0) return uv_failure(status, "uv_tcp_connect");
  auto* stream = reinterpret_cast<uv_stream_t*>(&attempt->tcp);
  return await_connect(std::move(attempt), stream, request.timeout_ms, "uv_tcp_connect");
}

}  // namespace connfuzz::libraries::libuv
