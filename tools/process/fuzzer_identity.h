// Whether a binary is a connfuzz fuzzer, and of which family: what every `--fuzzer BIN`
// option asks before it trusts the binary with anything.
#pragma once

#include <string>

namespace connfuzz::tools {

struct FuzzerIdentity {
  std::string family;  // "posix", "example_leak_on_refused", a user's own
  std::string format;  // the input its engine reads: "scenario"
};

// Asks the binary (CONNFUZZ_IDENTIFY=1, a few seconds at most). A file that does not
// carry connfuzz's entry points is never run. Throws UsageError naming the binary and
// why it is none: missing, not executable, not a connfuzz fuzzer, no answer in time.
FuzzerIdentity identify_fuzzer(const std::string& binary);

}  // namespace connfuzz::tools
