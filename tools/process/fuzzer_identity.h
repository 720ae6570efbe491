// Whether a binary is a connfuzz fuzzer, and of which family: what every `--fuzzer BIN`
// option asks before it trusts the binary with anything.
#pragma once

#include <string>
#include <vector>

namespace connfuzz::tools {

struct FuzzerIdentity {
  std::string family;  // "posix", "example_leak_on_refused", a user's own
  std::string format;  // the input its engine reads: "scenario"
  std::vector<std::string> own_targets;  // a user's fuzzer: its targets' names, modes 128 on
};

// Asks the binary (CONNFUZZ_IDENTIFY=1, a few seconds at most), once
// check_fuzzer_file has passed. Throws UsageError naming the binary and why it is
// none: missing, not executable, not a connfuzz fuzzer, no answer in time.
FuzzerIdentity identify_fuzzer(const std::string& binary);

// The part that runs nothing: an executable file that carries connfuzz's entry points
// (LLVMFuzzerTestOneInput and the harness's CONNFUZZ_IDENTIFY). Throws as above.
void check_fuzzer_file(const std::string& binary);

}  // namespace connfuzz::tools
