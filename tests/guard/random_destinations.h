// Random connect() destinations of every family and form, from a seed: what the guard
// property test throws at the guard (tests/guard/guard_property_client.cc connects to them,
// tests/guard/guard_property_test.cc judges the log with a model of its own).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace connfuzz::testing {

struct Destination {
  int domain = AF_INET;
  int type = SOCK_STREAM;
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string form;  // what kind of address this is, for messages
};

// `dir`: a directory the test made (and allows); `outside`: one it does not allow,
// reachable from `dir` through `dir`/out (a symbolic link the test made).
inline std::vector<Destination> random_destinations(std::uint64_t seed, int count, const std::string& dir) {
  std::mt19937_64 rng(seed);
  auto byte = [&] { return static_cast<unsigned char>(rng() & 0xff); };
  std::vector<Destination> out;
  for (int i = 0; i < count; ++i) {
    Destination d;
    d.type = rng() % 2 ? SOCK_STREAM : SOCK_DGRAM;
    auto& in = reinterpret_cast<sockaddr_in&>(d.addr);
    auto& in6 = reinterpret_cast<sockaddr_in6&>(d.addr);
    auto& un = reinterpret_cast<sockaddr_un&>(d.addr);
    int form = static_cast<int>(rng() % 14);
    switch (form) {
      case 0: case 1: case 2: {  // IPv4: random, loopback, 0.0.0.0
        d.domain = AF_INET;
        in.sin_family = AF_INET;
        in.sin_port = htons(static_cast<std::uint16_t>(rng()));
        unsigned char* a = reinterpret_cast<unsigned char*>(&in.sin_addr);
        for (int k = 0; k < 4; ++k) a[k] = byte();
        if (form == 1) a[0] = 127;
        if (form == 2) std::memset(a, 0, 4);
        d.len = sizeof(sockaddr_in);
        d.form = form == 0 ? "ipv4" : form == 1 ? "ipv4 loopback" : "0.0.0.0";
        break;
      }
      case 3: case 4: case 5: case 6: case 7: case 8: {  // IPv6 forms
        d.domain = AF_INET6;
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(static_cast<std::uint16_t>(rng()));
        unsigned char* a = in6.sin6_addr.s6_addr;
        for (int k = 0; k < 16; ++k) a[k] = byte();
        if (form == 4) std::memset(a, 0, 16);                                                    // ::
        if (form == 5) std::memset(a, 0, 15), a[15] = 1;                                         // ::1
        if (form == 6) std::memset(a, 0, 10), a[10] = a[11] = 0xff, a[12] = rng() % 2 ? 127 : a[12];  // v4-mapped
        if (form == 7) std::memset(a, 0, 12);                                                    // v4-compatible
        if (form == 8) a[0] = 0xfe, a[1] = 0x80, in6.sin6_scope_id = static_cast<std::uint32_t>(rng() % 4);  // link-local
        d.len = sizeof(sockaddr_in6);
        static const char* kForms[] = {"ipv6", "::", "::1", "v4-mapped", "v4-compatible", "link-local"};
        d.form = kForms[form - 3];
        break;
      }
      case 9: case 10: case 11: {  // AF_UNIX paths: inside, escaping with .., through a link out
        d.domain = AF_UNIX;
        un.sun_family = AF_UNIX;
        static const char* kTails[] = {"/sock-", "/../escaped-", "/out/linked-"};
        std::string path = dir + kTails[form - 9] + std::to_string(rng() % 1000);
        std::strncpy(un.sun_path, path.c_str(), sizeof(un.sun_path) - 1);
        d.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
        if (rng() % 4 == 0) d.len = sizeof(sockaddr_un);  // no NUL within the length: the kernel reads up to it
        d.form = form == 9 ? "unix inside" : form == 10 ? "unix .. escape" : "unix link escape";
        break;
      }
      case 12: {  // abstract names, with and without the prefix the guard allows
        d.domain = AF_UNIX;
        un.sun_family = AF_UNIX;
        std::string name = (rng() % 2 ? "connfuzz-" : "other-") + std::to_string(rng() % 1000);
        std::memcpy(un.sun_path + 1, name.data(), name.size());
        d.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
        d.form = "abstract";
        break;
      }
      default: {  // a family the socket does not expect, or garbage
        d.domain = rng() % 2 ? AF_INET : AF_INET6;
        for (std::size_t k = 0; k < sizeof(d.addr); ++k) reinterpret_cast<unsigned char*>(&d.addr)[k] = byte();
        d.len = static_cast<socklen_t>(rng() % sizeof(d.addr));
        d.form = "random bytes";
        break;
      }
    }
    // Lengths that cut the address short or run past it, now and then.
    if (rng() % 8 == 0) d.len = static_cast<socklen_t>(rng() % (d.len + 8));
    out.push_back(d);
  }
  return out;
}

}  // namespace connfuzz::testing
