// Runs many supervised programs, a bounded number at a time, each with its timeout.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "supervisor.h"

namespace connfuzz::tools {

// Starts requests[i] in order, at most `jobs` at once, and calls on_done(i, result)
// as each ends (in the order they end). A SIGINT or SIGTERM kills every running
// program and makes run_all return false; it returns true when every one has run.
// `tick`, when given, is called about once a second while programs run (progress lines).
bool run_all(const std::vector<RunRequest>& requests, int jobs,
             const std::function<void(std::size_t, const RunResult&)>& on_done,
             const std::function<void()>& tick = {});

}  // namespace connfuzz::tools
