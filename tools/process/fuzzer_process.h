// Runs a fuzz target's binary on one input, in a scratch directory of its own, and
// reads from its output how the run ended: the finding `connfuzz repro` and
// `connfuzz minimize` compare.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace connfuzz::tools {

struct FuzzerRun {
  int exit_status = 0;  // as timeout(1): the program's, 128+N for signal N, 124 on timeout
  bool timed_out = false;
  std::string output;   // the target's stdout and stderr, interleaved

  // What broke, comparable between runs: "connfuzz: unexplained-failure",
  // "AddressSanitizer: stack-buffer-overflow", "timeout", ...; empty: no finding.
  std::string signature;
  std::string summary;        // the one line that says it (a SUMMARY: line when there is one)
  std::string documented_as;  // the docs/FINDINGS.md section: as the target named it, or as
                              // a docs/findings "# expect:" pattern matches the output
  bool finding() const noexcept { return !signature.empty(); }
};

// The target's engine (libFuzzer, AFL++'s driver or connfuzz's replay driver) reads the
// input from a file: it is written to the scratch directory, which goes afterwards with
// whatever the run left there (libFuzzer's crash-* copy, the harness's socket directory).
// After `timeout_seconds` the run is killed and counts as a "timeout" finding.
FuzzerRun run_fuzzer(const std::string& binary, const std::vector<std::uint8_t>& input, double timeout_seconds);

// The parse alone, for a run's output: fills signature, summary and documented_as.
void read_finding(FuzzerRun& run);

}  // namespace connfuzz::tools
