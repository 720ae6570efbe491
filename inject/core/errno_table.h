// The documented-errno table (errno_table.def) and the call list (calls.def) as C++.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace connfuzz::inject {

enum class Call : std::uint8_t {
#define CONNFUZZ_CALL(id, name, covers, cancellation_point) id,
#include "calls.def"
#undef CONNFUZZ_CALL
};
inline constexpr int kCallCount = 0
#define CONNFUZZ_CALL(id, name, covers, cancellation_point) +1
#include "calls.def"
#undef CONNFUZZ_CALL
    ;

// What a correct caller does with the errno (connect-contract.md).
enum class ErrnoClass : std::uint8_t { StillConnecting, OutOfResources, Refused, BadRequest };
inline constexpr int kErrnoClassCount = 4;

// The documents that list an errno for a call.
enum Source : std::uint8_t { GLIBC = 1, LINUX = 2, SVR4 = 4, QNX = 8, POSIX = 16 };

// Conditions on the socket under which the kernel can return the errno. A row is
// realistic in a state when every bit it names holds; Never means only "any" mode.
enum When : std::uint16_t {
  Anytime = 0,
  Blocking = 1 << 0,
  Nonblocking = 1 << 1,
  Inet = 1 << 2,       // AF_INET or AF_INET6
  Unix = 1 << 3,       // AF_UNIX
  Stream = 1 << 4,     // connection-oriented: SOCK_STREAM, SOCK_SEQPACKET (only they wait in connect)
  Pending = 1 << 5,    // a connect attempt is in progress
  Connected = 1 << 6,  // the socket is connected
  Never = 1 << 15,     // impossible on a live socket with a valid buffer
};

struct ErrnoRow {
  Call call;
  int err;
  ErrnoClass klass;
  std::uint8_t sources;
  bool real_on_loopback;
  std::uint16_t when;
};

std::span<const ErrnoRow> errno_rows() noexcept;

std::string_view call_name(Call call) noexcept;
std::string_view call_covers(Call call) noexcept;
bool is_cancellation_point(Call call) noexcept;
std::optional<Call> call_from_name(std::string_view name) noexcept;

std::string_view class_name(ErrnoClass klass) noexcept;  // "still-connecting", ...
std::string sources_text(std::uint8_t sources);          // "glibc,Linux,POSIX"
std::string when_text(std::uint16_t when);               // "nonblocking,inet"

// The table's row for (call, errno), or nullptr when the call does not document it.
const ErrnoRow* find_row(Call call, int err) noexcept;
// The class of an errno a call returned: its row's, or for an errno the table does not
// list for that call, still-connecting for EINPROGRESS, EALREADY and EINTR, else bad-request.
ErrnoClass class_of(Call call, int err) noexcept;

// Errno names as the platform spells them (strerrorname_np); nullptr if unknown.
// Async-signal-safe: it returns static strings.
const char* errno_name(int err) noexcept;
// "EINTR" or "4" -> 4; nullopt for names and numbers the platform does not define.
std::optional<int> errno_from_text(std::string_view text) noexcept;
// Every errno the platform defines, ascending (for "did you mean" and "any" mode).
std::span<const int> platform_errnos() noexcept;

}  // namespace connfuzz::inject
