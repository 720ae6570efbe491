// Where a finding sits in the target's own code, for code scanning (SARIF): the first
// frame of a sanitizer's stack that is neither connfuzz's nor the system's, else the
// start of the target the harness named ("target: NAME (MODULE+0xOFFSET)"), symbolized.
#pragma once

#include <optional>
#include <string>

namespace connfuzz::tools {

struct SourceLocation {
  std::string file;  // as the build recorded it (usually absolute)
  int line = 0;
};

std::optional<SourceLocation> finding_location(const std::string& fuzzer_output);

}  // namespace connfuzz::tools
