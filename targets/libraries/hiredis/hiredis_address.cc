// sockaddr -> hiredis's strings, as a caller holding a sockaddr would write them.
#include "hiredis_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>

namespace connfuzz::hiredis {
namespace {

// The bytes are the harness's: a structure is copied out only when the length says it
// is all there, so nothing is read past what the request holds.
template <typename Sockaddr>
bool copy_whole(const connfuzz::Address& address, Sockaddr& out) {
  if (address.len < sizeof(Sockaddr)) return false;
  std::memcpy(&out, address.addr, sizeof(Sockaddr));
  return true;
}

std::optional<TcpAddress> ipv4(const connfuzz::Address& address, std::string& why) {
  sockaddr_in in{};
  if (!copy_whole(address, in)) return why = "shorter than sockaddr_in: no whole host to name", std::nullopt;
  char host[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &in.sin_addr, host, sizeof(host));
  return TcpAddress{host, ntohs(in.sin_port)};
}

// A scope id or a flow label has no place in the host string hiredis 0.14.1 takes for
// numeric use ("%scope" would send getaddrinfo to if_nametoindex, a socket of its own).
std::optional<TcpAddress> ipv6(const connfuzz::Address& address, std::string& why) {
  sockaddr_in6 in6{};
  if (!copy_whole(address, in6)) return why = "shorter than sockaddr_in6: no whole host to name", std::nullopt;
  if (in6.sin6_scope_id != 0 || in6.sin6_flowinfo != 0)
    return why = "a scope id or flow label, which hiredis's host string cannot carry", std::nullopt;
  char host[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof(host));
  return TcpAddress{host, ntohs(in6.sin6_port)};
}

}  // namespace

std::optional<TcpAddress> tcp_address_of(const connfuzz::Address& address, std::string& why) {
  if (address.len < sizeof(sa_family_t)) return why = "no address family", std::nullopt;
  if (address.addr->sa_family == AF_INET) return ipv4(address, why);
  if (address.addr->sa_family == AF_INET6) return ipv6(address, why);
  why = "a family that hiredis's TCP connect does not take";
  return std::nullopt;
}

std::optional<std::string> unix_path_of(const connfuzz::Address& address, std::string& why) {
  constexpr std::size_t kPathOffset = offsetof(sockaddr_un, sun_path);
  if (address.len < sizeof(sa_family_t) || address.addr->sa_family != AF_UNIX)
    return why = "not an AF_UNIX address", std::nullopt;
  if (address.len <= kPathOffset) return why = "no path", std::nullopt;
  // Never past sun_path, whatever the length claims: a caller copies no more out of a sockaddr_un.
  std::size_t n = std::min<std::size_t>(address.len - kPathOffset, sizeof(sockaddr_un::sun_path));
  const char* path = reinterpret_cast<const char*>(address.addr) + kPathOffset;
  if (path[0] == '\0') return why = "an abstract name, which a C string cannot hold", std::nullopt;
  return std::string(path, strnlen(path, n));
}

}  // namespace connfuzz::hiredis
