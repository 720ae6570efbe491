// A connfuzz request's address in the forms curl takes: a URL whose host is a numeric
// address (so that curl resolves nothing: Curl_resolv, lib/hostip.c of 7.88.1, turns a
// numeric host into an address itself and starts no resolver thread), and for AF_UNIX
// the path given by CURLOPT_UNIX_SOCKET_PATH or CURLOPT_ABSTRACT_UNIX_SOCKET.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "curl_connect.h"

namespace connfuzz::libraries::curl {
namespace {

connfuzz::Result refused(int err, const char* why) {
  return connfuzz::Result::rejected(err, std::string("curl cannot be asked for this address: ") + why);
}

// A sockaddr shorter than its family's structure cannot be written as a URL: curl
// builds its own sockaddr, of the right length. Such an address is refused as input.
bool inet_url(const connfuzz::Address& a, Destination& out) {
  if (a.len < static_cast<socklen_t>(sizeof(sockaddr_in))) return false;
  sockaddr_in in{};
  std::memcpy(&in, a.addr, sizeof(in));
  char host[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &in.sin_addr, host, sizeof(host));
  out.url = std::string("http://") + host + ":" + std::to_string(ntohs(in.sin_port)) + "/";
  return true;
}

// Linux takes a sockaddr_in6 without its scope (RFC 2133's 24 bytes); the scope, when
// there, is curl's CURLOPT_ADDRESS_SCOPE.
constexpr socklen_t kInet6WithoutScope = offsetof(sockaddr_in6, sin6_scope_id);

bool inet6_url(const connfuzz::Address& a, Destination& out) {
  if (a.len < kInet6WithoutScope) return false;
  sockaddr_in6 in6{};
  std::memcpy(&in6, a.addr, a.len < sizeof(in6) ? a.len : sizeof(in6));
  char host[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof(host));
  out.url = std::string("http://[") + host + "]:" + std::to_string(ntohs(in6.sin6_port)) + "/";
  out.scope_id = static_cast<long>(in6.sin6_scope_id);
  return true;
}

// A path is a C string to curl: the bytes up to the first NUL within the length, as
// Linux reads a pathname address. An abstract name (a NUL first) with a NUL inside it,
// or an unnamed address, cannot be said as a C string: refused. A path that fills
// sun_path without a NUL is given whole, and curl refuses it (Curl_unix2addr needs room
// for the NUL): that refusal is curl's, reported as it reports it.
bool unix_path(const connfuzz::Address& a, Destination& out, const char*& why) {
  constexpr std::size_t kPathAt = offsetof(sockaddr_un, sun_path);
  if (a.len <= kPathAt) return why = "an unnamed AF_UNIX address", false;
  std::size_t n = a.len - kPathAt;
  if (n > sizeof(sockaddr_un::sun_path)) n = sizeof(sockaddr_un::sun_path);
  const char* path = reinterpret_cast<const char*>(a.addr) + kPathAt;
  out.is_unix = true;
  out.url = "http://127.0.0.1/";  // the host is not used with a socket path
  if (path[0] != '\0') {
    out.unix_path.assign(path, strnlen(path, n));
    return true;
  }
  out.abstract = true;
  out.unix_path.assign(path + 1, n - 1);
  if (out.unix_path.empty() || out.unix_path.find('\0') != std::string::npos)
    return why = "an abstract AF_UNIX name that is empty or holds a NUL (curl takes a C string)", false;
  return true;
}

}  // namespace

bool destination_of(const connfuzz::Request& request, Destination& out, connfuzz::Result& rejected) {
  const connfuzz::Address& a = request.addresses.front();
  const char* why = "a length shorter than its family's address";
  int err = EINVAL;
  bool ok = false;
  // curl picks the socket's family from the address and always asks for a stream
  // socket: the request's domain and type are not curl's to take (a mismatch is simply
  // not expressible, and curl connects as it always does).
  if (a.len >= sizeof(sa_family_t)) {
    switch (a.addr->sa_family) {
      case AF_INET: ok = inet_url(a, out); break;
      case AF_INET6: ok = inet6_url(a, out); break;
      case AF_UNIX: ok = unix_path(a, out, why); break;
      default:
        why = "a family curl does not connect to (it takes IPv4, IPv6 and AF_UNIX)";
        err = EAFNOSUPPORT;
        break;
    }
  }
  if (!ok) rejected = refused(err, why);
  return ok;
}

}  // namespace connfuzz::libraries::curl
