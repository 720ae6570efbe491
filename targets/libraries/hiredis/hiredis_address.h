// What hiredis is given for a Request's address: a numeric host and a port, or a path.
// hiredis takes strings, not sockaddrs, so some requests cannot be put to it at all.
#pragma once

#include <optional>
#include <string>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::hiredis {

struct TcpAddress {
  std::string host;  // numeric, as inet_ntop writes it: hiredis's getaddrinfo resolves nothing
  int port = 0;
};

// The host and port of an AF_INET or AF_INET6 address; nullopt, with `why`, for one that
// no host string can say (another family, a structure cut short, a scope id or flow label).
std::optional<TcpAddress> tcp_address_of(const connfuzz::Address& address, std::string& why);

// The path of an AF_UNIX address as a C string: the bytes of sun_path up to its first NUL
// (or its end); nullopt, with `why`, for another family, no path, or an abstract name.
std::optional<std::string> unix_path_of(const connfuzz::Address& address, std::string& why);

}  // namespace connfuzz::hiredis
