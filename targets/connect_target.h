// What every connect implementation under test is given and what it gives back.
// Targets know nothing of fuzzing: they are plain callers of connect().
#pragma once

#include <sys/socket.h>

#include <memory>
#include <span>
#include <string>

namespace connfuzz::targets {

struct Endpoint {
  const sockaddr* addr = nullptr;
  socklen_t len = 0;
};

struct ConnectRequest {
  int domain = AF_INET;
  int type = SOCK_STREAM;
  int protocol = 0;
  std::span<const Endpoint> endpoints;  // single-address targets use the first
  int timeout_ms = 2000;                // for targets that wait with a deadline
};

struct ConnectResult {
  int fd = -1;   // >= 0: connected; the caller owns it unless `owner` holds it
  int err = 0;   // on failure: the errno, or the value of a system error_code
  std::string how;  // the error as the implementation put it ("connect: Connection refused")
  // The input was rejected before any connect() (an endpoint too long for its type).
  bool rejected_input = false;
  // Keeps what owns `fd` (an Asio socket and its io_context); dropping it closes fd.
  std::shared_ptr<void> owner;

  bool connected() const noexcept { return fd >= 0; }
};

using ConnectTarget = ConnectResult (*)(const ConnectRequest&);

ConnectResult failure(int err, std::string how);
// A failure the caller decided on its own, before any connect(): its input was no destination.
ConnectResult rejected_input(int err, std::string how);

// connect() to AF_UNSPEC returns 0 having dissolved, not made, a connection: a caller
// that takes addresses it did not build must refuse it as a destination.
bool dissolves(const Endpoint& to) noexcept;
// What such a caller answers: EAFNOSUPPORT, as rejected input.
ConnectResult unspec_refused();

}  // namespace connfuzz::targets
