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
  std::string fuzzer;  // --fuzzer BIN: a fuzzer binary of anyone's, built with the public API
  double timeout = 60;
};

struct FindingFile;
// The input, and the binary it replays on: --fuzzer BIN once it has said which fuzzer it
// is (a binary that is none is a UsageError naming it), else the one --target, a path or
// the bytes name, found in --fuzzers.
FindingFile read_input_for(const std::string& path, const TargetOptions& options, std::string& binary);

void add_target_options(CLI::App* command, TargetOptions& options);

// The target's output, indented under connfuzz's own lines, without the engine's chatter.
void print_output(std::string_view output, std::string_view indent = "  ");

}  // namespace connfuzz::tools
