// The plan actions that are no errno (actions.def): real signals, slow networks, thread
// cancellation. Their names, their syntax, the signals and durations plans may name.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "errno_table.h"

namespace connfuzz::inject {

enum class Action : std::uint8_t {
  errno_value,  // the call returns the rule's errno: the plain fault
#define CONNFUZZ_ACTION(id, syntax, on_connect, on_waits, when, answer, what) id,
#include "actions.def"
#undef CONNFUZZ_ACTION
};

struct ActionInfo {
  Action action;
  std::string_view name;    // "signal"
  std::string_view syntax;  // "!SIGNAL"
  bool on_connect;
  bool on_waits;
  std::uint16_t when;       // When bits for connect (realistic mode)
  int nonblocking_answer;   // what a non-blocking connect returns for it at once, or 0
  std::string_view what;
};

// The rows of actions.def (errno_value has none).
std::span<const ActionInfo> action_rows() noexcept;
const ActionInfo* find_action(Action action) noexcept;
const ActionInfo* find_action(std::string_view name) noexcept;
// Whether `call` takes `action` at all (before any state is known).
bool takes_action(Call call, Action action) noexcept;
bool is_wait_call(Call call) noexcept;
// read, write, send, recv: the first exchange on a connected socket.
bool is_io_call(Call call) noexcept;

// Signals by name ("SIGALRM", "ALRM") or number; nullopt for names the platform lacks.
std::optional<int> signal_from_text(std::string_view text) noexcept;
// "SIGALRM"; nullptr for numbers without a name (real-time signals print as numbers).
const char* signal_name(int sig) noexcept;
// Why a plan may not deliver this signal ("" when it may): SIGKILL and SIGSTOP cannot be
// caught, and a signal a program cannot handle interrupts nothing.
std::string_view signal_refusal(int sig) noexcept;

// The longest delay a plan may ask for: an hour of virtual time is past every connect
// timeout in practice (Linux gives up a SYN after 127 s).
inline constexpr std::int64_t kMaxDelayNs = 3600LL * 1'000'000'000;
// "250ms", "3s", "1500us": the largest unit that divides the duration.
std::string duration_text(std::int64_t ns);
// Writes the same into a fixed buffer (async-signal-safe); returns its length.
std::size_t duration_text(std::int64_t ns, char* out, std::size_t size) noexcept;

}  // namespace connfuzz::inject
