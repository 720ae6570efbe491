// A user's mistake, thrown by any part of the `connfuzz` command: main prints "connfuzz: <what>" and exits 2.
#pragma once

#include <stdexcept>

namespace connfuzz::tools {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr int kExitUsage = 2;

}  // namespace connfuzz::tools
