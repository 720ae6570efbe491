// The guard's address rules against a plain model, for every one of the 2^32 IPv4 addresses.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <tuple>

#include "guard.h"

namespace connfuzz::inject {
namespace {

// The model, written from DESIGN.md's safety section and not from guard.cc: an IPv4
// destination is allowed iff it is in 127.0.0.0/8; an IPv6 one iff it is ::1 or an
// IPv4-mapped address (::ffff:a.b.c.d) whose IPv4 address the first rule allows; an
// IPv4-compatible one (::a.b.c.d) only when it is ::1. `n` is a.b.c.d as a number.
bool model_v4(std::uint32_t n) { return n >= 0x7f000000u && n <= 0x7fffffffu; }
bool model_mapped(std::uint32_t n) { return model_v4(n); }
bool model_compatible(std::uint32_t n) { return n == 1; }

constexpr std::uint64_t kMapped = 0xffffull << 32;  // the low 64 bits of ::ffff:0.0.0.0

void put_v4(std::uint32_t n, unsigned char* out) {
  out[0] = static_cast<unsigned char>(n >> 24);
  out[1] = static_cast<unsigned char>(n >> 16);
  out[2] = static_cast<unsigned char>(n >> 8);
  out[3] = static_cast<unsigned char>(n);
}

std::string dotted(std::uint32_t n) {
  std::ostringstream s;
  s << (n >> 24) << '.' << ((n >> 16) & 0xff) << '.' << ((n >> 8) & 0xff) << '.' << (n & 0xff);
  return s.str();
}

// Disagreements of one walk, the first few kept for the message.
struct Walk {
  std::uint64_t checked = 0, wrong = 0;
  std::string first;
  void disagree(const std::string& what) {
    if (++wrong <= 5) first += "  " + what + "\n";
  }
};

// Every IPv4 address n, judged by guard(n) and by model(n), a /16 at a time: the inner
// loop is plain enough for the compiler to vectorise, so the 2^32 take seconds, and
// the clock is read once per /16, so the walk is bounded in time as well as in count.
template <typename Guard, typename Model>
Walk walk_all(Guard guard, Model model) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kLimit = std::chrono::seconds(120);
  auto start = Clock::now();
  Walk walk;
  for (std::uint32_t high = 0; high < 0x10000; ++high) {
    std::uint32_t base = high << 16, wrong = 0;
    for (std::uint32_t low = 0; low < 0x10000; ++low) wrong += guard(base | low) != model(base | low);
    if (wrong != 0)  // rare: find which, for the message
      for (std::uint32_t low = 0; low < 0x10000; ++low)
        if (guard(base | low) != model(base | low))
          walk.disagree(dotted(base | low) + (guard(base | low) ? " allowed" : " denied"));
    walk.checked += 0x10000;
    if (Clock::now() - start > kLimit) break;
  }
  return walk;
}

TEST(GuardExhaustive, EveryBareIpv4AddressIsAllowedExactlyWhenInLoopback) {
  Walk walk = walk_all([](std::uint32_t n) { return loopback_v4(n); }, model_v4);
  EXPECT_EQ(walk.checked, std::uint64_t{1} << 32) << "the walk ran out of time";
  EXPECT_EQ(walk.wrong, 0u) << "the guard disagrees with the model on:\n" << walk.first;
}

TEST(GuardExhaustive, EveryIpv4MappedIpv6AddressIsAllowedExactlyWhenItsIpv4IsLoopback) {
  Walk walk = walk_all([](std::uint32_t n) { return loopback_v6(0, kMapped | n); }, model_mapped);
  EXPECT_EQ(walk.checked, std::uint64_t{1} << 32) << "the walk ran out of time";
  EXPECT_EQ(walk.wrong, 0u) << "the guard disagrees with the model on ::ffff:\n" << walk.first;
}

TEST(GuardExhaustive, EveryIpv4CompatibleIpv6AddressIsDeniedButTheLoopbackOne) {
  Walk walk = walk_all([](std::uint32_t n) { return loopback_v6(0, n); }, model_compatible);
  EXPECT_EQ(walk.checked, std::uint64_t{1} << 32) << "the walk ran out of time";
  EXPECT_EQ(walk.wrong, 0u) << "the guard disagrees with the model on :: (compatible):\n" << walk.first;
}

// The walks above judge the pure rules; this one shows check_destination is wired to
// them: every /16, at its first, last and one middle host, as sockaddr_in on an inet
// and an inet6 socket and as a mapped sockaddr_in6.
TEST(GuardExhaustive, CheckDestinationAgreesWithTheModelOnEverySixteenBitPrefix) {
  Walk walk;
  for (std::uint32_t prefix = 0; prefix < 0x10000; ++prefix) {
    for (std::uint32_t host : {0x0000u, 0x8001u, 0xffffu}) {
      std::uint32_t n = prefix << 16 | host;
      sockaddr_in in{};
      in.sin_family = AF_INET;
      put_v4(n, reinterpret_cast<unsigned char*>(&in.sin_addr));
      sockaddr_in6 in6{};
      in6.sin6_family = AF_INET6;
      in6.sin6_addr.s6_addr[10] = in6.sin6_addr.s6_addr[11] = 0xff;
      put_v4(n, in6.sin6_addr.s6_addr + 12);
      auto* v4 = reinterpret_cast<const sockaddr*>(&in);
      auto* v6 = reinterpret_cast<const sockaddr*>(&in6);
      for (const auto& [domain, addr, len] : {std::tuple{AF_INET, v4, socklen_t{sizeof(in)}},
                                               std::tuple{AF_INET6, v4, socklen_t{sizeof(in)}},
                                               std::tuple{AF_INET6, v6, socklen_t{sizeof(in6)}}}) {
        GuardVerdict v = check_destination(domain, addr, len, GuardConfig{});
        ++walk.checked;
        if (v.allowed != model_v4(n) || (!v.allowed && v.err != ENETUNREACH))
          walk.disagree(dotted(n) + " on domain " + std::to_string(domain) + (v.allowed ? ": allowed" : ": denied"));
      }
    }
  }
  EXPECT_EQ(walk.wrong, 0u) << "check_destination disagrees with the model on:\n" << walk.first;
}

}  // namespace
}  // namespace connfuzz::inject
