// What `repro`, `minimize` and a matrix cell's replay share: the target options, the
// exit status of a finding, and the target's output without the engine's chatter.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace connfuzz::tools {

// The exit status of `repro` and `minimize` when the input still finds something.
inline constexpr int kExitFinding = 1;

struct TargetOptions {
  std::string target;
  std::string fuzzers;
  double timeout = 60;
};

void add_target_options(CLI::App* command, TargetOptions& options);

// The target's output, indented under connfuzz's own lines, without the engine's chatter.
void print_output(std::string_view output, std::string_view indent = "  ");

}  // namespace connfuzz::tools
