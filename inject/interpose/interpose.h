// Helpers shared by the libc wrappers (interpose_*.cc).
#pragma once

#include <cerrno>

#include "real_calls.h"
#include "runtime.h"

namespace connfuzz::inject::detail {

// The socket's state, learning sockets connfuzz did not see created (inherited,
// dup'ed) the first time they reach connect. Untracked if fd is not a socket.
SocketInfo learn_socket(int fd) noexcept;

Facts facts_for(const SocketInfo& info) noexcept;

// A descriptor the kernel closed without close() (dup2 onto it, close_range): forgotten.
void forget_descriptor(int fd) noexcept;
// `to` is now a copy of `from` (dup and its kin): what `to` was is forgotten, and it
// takes `from`'s socket state, since both name the same socket.
void copy_descriptor(int from, int to) noexcept;
// The Interrupter bits of the program's signal handlers, as the runtime's setting says
// to know them (interpose_signals.cc).
std::uint8_t signal_interrupters() noexcept;
// Reads the socket's SO_SNDTIMEO and SO_RCVTIMEO into `info`.
void learn_timeouts(int fd, SocketInfo& info) noexcept;

// Starts an event for `call` on `fd`; the caller fills args and finishes it.
Event begin_event(Call call, int fd, const Decision& d) noexcept;

// Records the event and returns `result` with errno set to `err` when it fails.
long finish(Event& event, long result, int err, Mark mark, const char* note = nullptr) noexcept;

// For a decision that fired or was refused: the rule's text, and the reason for a refusal.
long finish_injected(Event& event, const Decision& d, long result_on_failure = -1) noexcept;
void note_refusal(Event& event, const Decision& d) noexcept;
// The event's note: "<the rule>: <what>". Returns the event, for finish().
Event& note_rule(Event& event, const Decision& d, const char* what) noexcept;

// Moves a simulated attempt to its end: Failed, with its eventual error pending.
void complete_simulated(int fd, SocketInfo info) noexcept;

// What poll() reports for a simulated socket (0: nothing yet).
short simulated_revents(const SocketInfo& info, short requested) noexcept;

// A program that waits on a Held socket ends the hold: from then on the kernel answers.
void release_hold(int fd, SocketInfo info) noexcept;

// Turns the socket into a synthesised failure, dissolving any real connection so
// that the kernel's later answers agree.
void fail_socket(int fd, SocketInfo info, int pending, bool abort_on_reconnect) noexcept;

// Where a real connect left the socket.
Phase phase_after_real_connect(int result, int err, Phase before) noexcept;

// The socket's SO_SNDTIMEO (0: none): how long a blocking connect may wait.
std::int64_t send_timeout_ns(int fd) noexcept;

// Starts the program's real attempt without blocking (the kernel's attempt goes on
// whatever the socket's mode); false with `err` when the kernel failed it at once,
// the socket's phase then updated.
bool begin_real_attempt(int fd, SocketInfo& info, const sockaddr* addr, socklen_t len, int& err) noexcept;
// After begin_real_attempt: the attempt is the kernel's (Connecting), or held until the
// program first waits when the plan says `hold`.
void mark_attempt_under_way(int fd, SocketInfo info) noexcept;

// A rule whose action is no errno (actions.def), inside connect(). Returns the
// connect's result, or kNotActed when the action does not apply here (the event's
// note says why) and the connect goes on as if unplanned.
inline constexpr int kNotActed = -2;
int act_in_connect(int fd, SocketInfo info, const sockaddr* addr, socklen_t len, Event& ev, const Decision& d);

}  // namespace connfuzz::inject::detail
