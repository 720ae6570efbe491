// The call modes: which connect target a scenario runs. connfuzz's own are modes.def's
// rows, each with the code it keeps in stored inputs; a fuzzer built on the public API
// with targets of its own names them at start-up, and they take the codes from
// kFirstUserMode on, in the order the fuzzer lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace connfuzz::fuzz {

enum class Mode : std::uint8_t {
#define CONNFUZZ_MODE(code, id, family, bug, faults, what) id = code,
#include "modes.def"
#undef CONNFUZZ_MODE
};

inline constexpr int kFirstUserMode = 128;

// connfuzz's own modes, in code order.
std::span<const Mode> all_modes() noexcept;
// A mode's name ("posix_nonblocking", a user's target name); an unnamed user mode is its code.
std::string mode_name(Mode mode);
std::string_view mode_family(Mode mode) noexcept;  // the fuzzer that owns it: "posix", ...
std::string_view mode_description(Mode mode) noexcept;
bool is_user_mode(Mode mode) noexcept;
// For an example: the name of the verdict its bug is found by ("socket-leak"); "" otherwise.
std::string mode_bug(Mode mode);
// For an example: how many faults its bug needs (1, or 2 for a pair only the depth-2 sweep
// assembles); 0 otherwise.
int mode_bug_faults(Mode mode) noexcept;
std::optional<Mode> mode_from_name(std::string_view name) noexcept;
// The modes a fuzzer drives, in code order; empty for an unknown fuzzer.
std::vector<Mode> family_modes(std::string_view family);
// connfuzz's own fuzzers.
std::vector<std::string_view> families();

// The targets of the fuzzer this process runs (or that a tool asked), when it has targets
// of its own: `names` take the modes kFirstUserMode, kFirstUserMode + 1, ...
void set_user_modes(std::string_view fuzzer, std::vector<std::string> names);

}  // namespace connfuzz::fuzz
