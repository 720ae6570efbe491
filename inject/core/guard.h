// The network guard: decides, fail-closed, whether a destination may reach the kernel.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

namespace connfuzz::inject {

// Where AF_UNIX connects may go. Fixed capacity: the guard runs inside connect()
// and must neither allocate nor lock.
struct GuardConfig {
  static constexpr int kMaxDirs = 8;
  static constexpr std::size_t kMaxPath = 256;
  char unix_dirs[kMaxDirs][kMaxPath] = {};  // canonical directories, no trailing '/'
  int unix_dir_count = 0;
  char abstract_prefix[64] = "connfuzz-";  // abstract names must start with this

  // Adds a directory after canonicalizing it; false if it does not exist or is too long.
  bool allow_unix_dir(const char* dir) noexcept;
};

struct GuardVerdict {
  bool allowed = true;
  int err = 0;                  // the errno to answer with when not allowed
  const char* reason = nullptr;  // a static string for the event log
};

// The address rules alone, apart from any sockaddr: whether the kernel keeps a
// destination on loopback. An IPv4 address a.b.c.d is the number a<<24|b<<16|c<<8|d;
// an IPv6 address is its first and last eight bytes read the same way. Pure and
// inline, so that a test can walk all 2^32 IPv4 addresses, bare and mapped, in seconds.
constexpr bool loopback_v4(std::uint32_t v4) noexcept { return v4 >> 24 == 127; }

// ::1, or an IPv4-mapped 127.0.0.0/8 (::ffff:127.x.y.z), which Linux connects over IPv4.
// Not the IPv4-compatible ::127.x.y.z: Linux routes that as IPv6, off loopback.
constexpr bool loopback_v6(std::uint64_t high, std::uint64_t low) noexcept {
  if (high != 0) return false;
  if (low == 1) return true;
  return low >> 32 == 0xffff && loopback_v4(static_cast<std::uint32_t>(low));
}

// socket_domain: the socket's domain (AF_INET, ...), or -1 when the descriptor is
// not a socket (the kernel then answers ENOTSOCK/EBADF itself).
// Async-signal-safe: only syscalls and stack buffers.
GuardVerdict check_destination(int socket_domain, const sockaddr* addr, socklen_t len,
                               const GuardConfig& config) noexcept;

}  // namespace connfuzz::inject
