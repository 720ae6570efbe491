// The network guard: decides, fail-closed, whether a destination may reach the kernel.
#pragma once

#include <sys/socket.h>

#include <cstddef>

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

// socket_domain: the socket's domain (AF_INET, ...), or -1 when the descriptor is
// not a socket (the kernel then answers ENOTSOCK/EBADF itself).
// Async-signal-safe: only syscalls and stack buffers.
GuardVerdict check_destination(int socket_domain, const sockaddr* addr, socklen_t len,
                               const GuardConfig& config) noexcept;

}  // namespace connfuzz::inject
