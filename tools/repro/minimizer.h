// The smallest scenario on which the same finding still fires: a greedy walk over
// fuzz/scenario_shrink.cc's steps, each candidate replayed on the fuzzer's binary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace connfuzz::tools {

struct Minimized {
  std::vector<std::uint8_t> bytes;  // never longer than the input
  int runs = 0;                     // replays made
  bool stopped = false;             // max_runs was reached before the walk ended
};

// `signature`: the finding the input fires (FuzzerRun::signature), kept at every step.
Minimized minimize_finding(const std::string& binary, const std::string& fuzzer, const std::vector<std::uint8_t>& input,
                           const std::string& signature, double timeout_seconds, int max_runs);

// The text that goes beside a minimized file: "# fuzzer:", "# finding:" and the scenario.
std::string minimized_text(const std::string& fuzzer, const std::string& signature, const std::vector<std::uint8_t>& bytes);

}  // namespace connfuzz::tools
