// Line coverage as OSS-Fuzz shows it: a corpus replayed through a fuzzer built with
// clang's source-based coverage (the `coverage` preset, or -fprofile-instr-generate
// -fcoverage-mapping on the target's code), merged by llvm-profdata and drawn by llvm-cov.
#pragma once

#include <string>
#include <vector>

namespace connfuzz::tools {

struct FileCoverage {
  std::string file;  // as the build named it
  long lines = 0, covered = 0;
};

struct SourceCoverage {
  std::vector<FileCoverage> files;  // the target's own code: no system or connfuzz header
  std::string html_index;           // DIR/html/index.html
};

// Replays `inputs` (files or directories) through `fuzzer`, writing DIR/profiles, DIR/html
// and DIR/summary.txt. Throws UsageError when the fuzzer carries no such coverage, or
// llvm-profdata/llvm-cov are missing (named with their Debian package).
SourceCoverage measure_source_coverage(const std::string& fuzzer, const std::vector<std::string>& inputs,
                                       const std::string& dir);

// "  targets/posix/posix_connect.cc  lines 131/178  73.6%", one per file, and the total.
std::string coverage_summary(const SourceCoverage& coverage);

}  // namespace connfuzz::tools
