// The network guard. Its rule is that nothing can leave the machine, whatever the
// bytes: a destination is allowed only when the guard can show the kernel will either
// keep it on loopback or reject it before sending. Everything else is denied.
#include "guard.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace connfuzz::inject {
namespace {

constexpr GuardVerdict kAllow{};

GuardVerdict deny(int err, const char* reason) noexcept { return {false, err, reason}; }

// `n` bytes in network order as a number.
std::uint64_t big_endian(const unsigned char* bytes, int n) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < n; ++i) value = value << 8 | bytes[i];
  return value;
}

long raw(long number, long a, long b = 0, long c = 0, long d = 0) noexcept {
  return syscall(number, a, b, c, d);
}

// The canonical path of what `path` names (following every symbolic link), or of its
// parent directory when the last component does not exist. Uses O_PATH and
// /proc/self/fd, so it is async-signal-safe. Returns false when it cannot tell.
bool canonical_path(const char* path, char* out, std::size_t out_size) noexcept {
  int fd = static_cast<int>(raw(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path), O_PATH | O_CLOEXEC));
  char parent[sizeof(sockaddr_un::sun_path) + 2];
  if (fd < 0) {
    if (errno != ENOENT) return false;
    // The socket file does not exist: judge its directory, where the kernel will look.
    std::size_t n = std::strlen(path);
    if (n >= sizeof(parent)) return false;
    std::memcpy(parent, path, n + 1);
    char* slash = std::strrchr(parent, '/');
    if (slash == nullptr) std::strcpy(parent, ".");
    else if (slash == parent) slash[1] = '\0';
    else *slash = '\0';
    fd = static_cast<int>(raw(SYS_openat, AT_FDCWD, reinterpret_cast<long>(parent), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (fd < 0) return false;
  }
  char link[32] = "/proc/self/fd/";
  int digits = 0;
  char reversed[12];
  for (int v = fd; v > 0 || digits == 0; v /= 10) reversed[digits++] = static_cast<char>('0' + v % 10);
  std::size_t at = std::strlen(link);
  while (digits > 0) link[at++] = reversed[--digits];
  link[at] = '\0';
  long n = raw(SYS_readlinkat, AT_FDCWD, reinterpret_cast<long>(link), reinterpret_cast<long>(out),
               static_cast<long>(out_size - 1));
  raw(SYS_close, fd);
  if (n <= 0 || static_cast<std::size_t>(n) >= out_size - 1 || out[0] != '/') return false;
  out[n] = '\0';
  return true;
}

bool inside(const char* path, const char* dir) noexcept {
  std::size_t n = std::strlen(dir);
  if (std::strncmp(path, dir, n) != 0) return false;
  return path[n] == '\0' || path[n] == '/' || (n == 1 && dir[0] == '/');
}

GuardVerdict check_unix(const sockaddr* addr, socklen_t len, const GuardConfig& config) noexcept {
  constexpr socklen_t kPathOffset = offsetof(sockaddr_un, sun_path);
  // Lengths the kernel rejects with EINVAL before looking anything up (unix_validate_addr).
  if (len <= kPathOffset || len > sizeof(sockaddr_un)) return kAllow;
  const char* sun_path = reinterpret_cast<const sockaddr_un*>(addr)->sun_path;
  std::size_t path_bytes = len - kPathOffset;
  if (sun_path[0] == '\0') {
    std::size_t prefix = std::strlen(config.abstract_prefix);
    if (path_bytes - 1 >= prefix && std::memcmp(sun_path + 1, config.abstract_prefix, prefix) == 0) return kAllow;
    return deny(ECONNREFUSED, "abstract AF_UNIX name without the harness's prefix");
  }
  // The kernel reads the path up to a NUL or the given length, whichever comes first.
  char path[sizeof(sockaddr_un::sun_path) + 1];
  std::size_t n = strnlen(sun_path, path_bytes);
  std::memcpy(path, sun_path, n);
  path[n] = '\0';
  char canonical[GuardConfig::kMaxPath + 64];
  if (!canonical_path(path, canonical, sizeof(canonical)))
    return deny(EACCES, "AF_UNIX path that cannot be resolved (fail-closed)");
  for (int i = 0; i < config.unix_dir_count; ++i)
    if (inside(canonical, config.unix_dirs[i])) return kAllow;
  return deny(EACCES, "AF_UNIX path outside the allowed directories");
}

}  // namespace

bool GuardConfig::allow_unix_dir(const char* dir) noexcept {
  if (unix_dir_count == kMaxDirs) return false;
  char canonical[kMaxPath + 64];
  int fd = static_cast<int>(raw(SYS_openat, AT_FDCWD, reinterpret_cast<long>(dir), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (fd < 0) return false;
  raw(SYS_close, fd);
  if (!canonical_path(dir, canonical, sizeof(canonical)) || std::strlen(canonical) >= kMaxPath) return false;
  std::strcpy(unix_dirs[unix_dir_count++], canonical);
  return true;
}

GuardVerdict check_destination(int socket_domain, const sockaddr* addr, socklen_t len,
                               const GuardConfig& config) noexcept {
  if (socket_domain < 0) return kAllow;  // not a socket: the kernel refuses it itself
  // The kernel copies at most sizeof(sockaddr_storage) and rejects negative or larger
  // lengths (move_addr_to_kernel), and a null pointer faults before anything is sent.
  if (addr == nullptr || len < sizeof(sa_family_t) || len > sizeof(sockaddr_storage)) return kAllow;
  sa_family_t family;
  std::memcpy(&family, addr, sizeof(family));
  switch (socket_domain) {
    case AF_UNIX:
      if (family != AF_UNIX) return kAllow;  // unix_validate_addr: EINVAL
      return check_unix(addr, len, config);
    case AF_INET:
    case AF_INET6:
      // AF_UNSPEC dissolves the association; no destination.
      if (family == AF_UNSPEC) return kAllow;
      // An AF_INET6 UDP socket connects to AF_INET addresses too (__ip6_datagram_connect),
      // so the address's own family decides how to read it, whatever the socket's.
      if (family == AF_INET) {
        if (len < sizeof(sockaddr_in)) return kAllow;  // EINVAL before routing
        const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
        const auto* a = reinterpret_cast<const unsigned char*>(&in->sin_addr);
        if (loopback_v4(static_cast<std::uint32_t>(big_endian(a, 4)))) return kAllow;
        return deny(ENETUNREACH, "IPv4 destination outside 127.0.0.0/8");
      }
      if (family == AF_INET6) {
        if (len < 24) return kAllow;  // SIN6_LEN_RFC2133: EINVAL before routing
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
        const unsigned char* a = in6->sin6_addr.s6_addr;
        if (loopback_v6(big_endian(a, 8), big_endian(a + 8, 8))) return kAllow;
        return deny(ENETUNREACH, "IPv6 destination other than ::1 or ::ffff:127.0.0.0/104");
      }
      return deny(ENETUNREACH, "address family that an internet socket might route (fail-closed)");
    case AF_NETLINK:
      // A netlink address names the kernel or a process on this machine, never a host
      // (glibc's getaddrinfo and if_nameindex send to the kernel this way).
      return kAllow;
    default:
      return deny(ENETUNREACH, "socket domain the guard does not know (fail-closed)");
  }
}

}  // namespace connfuzz::inject
