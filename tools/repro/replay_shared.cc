// The options and output printing that `repro`, `minimize` and cell replay share.
#include "replay_shared.h"
#include "modes.h"
#include "usage_error.h"
#include "fuzzer_identity.h"
#include "finding_file.h"

#include <filesystem>
#include <iostream>

#include "commands.h"
#include "environment.h"
#include "text_lines.h"

namespace connfuzz::tools {
namespace {

// The engine's own chatter says nothing about the finding.
bool engine_chatter(std::string_view line) {
  for (std::string_view prefix : {"INFO: ", "Running: ", "Executed ", "MS: ", "Base64: ", "artifact_prefix=",
                                  "Test unit written", "connfuzz replay: "})
    if (line.starts_with(prefix)) return true;
  return line.find("Running 1 inputs") != std::string_view::npos ||
         line.find("Reading 1 input") != std::string_view::npos;
}

}  // namespace

void add_target_options(CLI::App* command, TargetOptions& options) {
  command->add_option("--fuzzer", options.fuzzer,
                      "A fuzzer binary to replay on: any built with connfuzz's public API, a user's own included");
  command->add_option("--target", options.target, "The fuzzer to replay on (posix, asio, example_eagain_spin, ...)");
  command->add_option("--fuzzers", options.fuzzers,
                      std::string("Directory of the *_fuzzer binaries (default: $") +
                          inject::env_name(inject::EnvVar::fuzzer_dir) + ", else beside connfuzz)");
  command->add_option("--timeout", options.timeout, "Seconds before a run counts as a hang (default 60)")
      ->check(positive("--timeout"));
}

void print_output(std::string_view output, std::string_view indent) {
  for_each_line(output, [&](std::string_view line) {
    if (!engine_chatter(line)) std::cout << indent << line << "\n";
    return true;
  });
}

FindingFile read_input_for(const std::string& path, const TargetOptions& options, std::string& binary) {
  if (options.fuzzer.empty()) {
    FindingFile input = read_finding_file(path, options.target);
    binary = fuzzer_binary(input.fuzzer, options.fuzzers);
    return input;
  }
  if (!options.target.empty()) throw UsageError("--fuzzer and --target both name the fuzzer: give one");
  FuzzerIdentity id = identify_fuzzer(options.fuzzer);
  // Its own targets' names, so that a text file that names one (mode=client_dial) reads.
  if (!id.own_targets.empty()) fuzz::set_user_modes(id.family, id.own_targets);
  FindingFile input = read_finding_file(path, "");
  input.fuzzer = id.family;
  input.fuzzer_reason = "--fuzzer";
  input.guessed = false;
  binary = std::filesystem::absolute(options.fuzzer).string();  // it runs in a scratch directory
  return input;
}

}  // namespace connfuzz::tools
