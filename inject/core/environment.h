// The CONNFUZZ_* environment variables (environment.def): their values, their table,
// and the warning for a CONNFUZZ_* name that is none of them.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace connfuzz::inject {

enum class EnvVar {
#define CONNFUZZ_ENV(id, name, fallback, meaning) id,
#include "environment.def"
#undef CONNFUZZ_ENV
};

struct EnvVarInfo {
  EnvVar var;
  std::string_view name;      // "CONNFUZZ_TRACE"
  std::string_view fallback;  // what holds when it is unset
  std::string_view meaning;
};

// The rows of environment.def, in its order.
std::span<const EnvVarInfo> environment_rows() noexcept;
// The variable's name ("CONNFUZZ_TRACE"): to set it, or to name it in a message.
const char* env_name(EnvVar var) noexcept;
// getenv of the variable: nullptr when unset. No allocation (the preload's start-up calls it).
const char* env_value(EnvVar var) noexcept;
// The known name nearest `name` by edit distance, or nullptr when none is close
// (or `name` is itself known). No allocation.
const char* nearest_environment_name(std::string_view name) noexcept;
// Once per process: for each CONNFUZZ_* variable of the environment that environment.def
// lacks, writes "connfuzz: unknown environment variable X; did you mean Y?" (`who`: the
// reader, or nullptr) to stderr with write(2). No allocation.
void warn_unknown_environment(const char* who) noexcept;

}  // namespace connfuzz::inject
