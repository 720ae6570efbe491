// The targets the fuzzer of this process registered through the public API, each with
// the mode it has in inputs: modes.def's code for connfuzz's own, kFirstUserMode on
// for a user's.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <connfuzz/connfuzz.hpp>

#include "modes.h"

namespace connfuzz::fuzz {

struct RegisteredTarget {
  Mode mode;
  connfuzz::Target target;
};

// Checks and keeps the fuzzer's targets; returns what is wrong with them ("" when nothing).
std::string register_targets(std::string_view fuzzer, std::vector<connfuzz::Target> targets);
std::span<const RegisteredTarget> registered_targets() noexcept;
// The target of `mode`; nullptr when the fuzzer has none (for_family maps every input onto one).
const RegisteredTarget* registered_target(Mode mode) noexcept;

}  // namespace connfuzz::fuzz
