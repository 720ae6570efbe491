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
  // The code the target starts at (a plain function, a C target's connect function),
  // for reports to place a finding in the target's own code; nullptr for a lambda.
  const void* entry = nullptr;
};

// Checks and keeps the fuzzer's targets; returns what is wrong with them ("" when nothing).
std::string register_targets(std::string_view fuzzer, std::vector<connfuzz::Target> targets,
                             std::vector<const void*> entries = {});
std::span<const RegisteredTarget> registered_targets() noexcept;
// What the public API's initialize does, with the entries of C targets (public_api.cc).
int initialize_with_entries(const char* fuzzer, std::vector<connfuzz::Target> targets, std::vector<const void*> entries,
                            int api_version);
// "posix_blocking (/path/posix_fuzzer+0x1234)": where the target's code starts, for a report
// to symbolize; just the name when the target is a lambda.
std::string target_location(Mode mode);
// The target of `mode`; nullptr when the fuzzer has none (for_family maps every input onto one).
const RegisteredTarget* registered_target(Mode mode) noexcept;

}  // namespace connfuzz::fuzz
