// What the connect targets share: the public API's request and result, and the few
// helpers every target uses. Targets know nothing of fuzzing: they are plain callers of connect().
#pragma once

#include <sys/socket.h>

#include <string>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::targets {

// Targets are written against the public API, as a user's are: these are its types.
using Endpoint = connfuzz::Address;
using ConnectRequest = connfuzz::Request;
using ConnectResult = connfuzz::Result;
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
