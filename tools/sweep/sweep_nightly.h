// `connfuzz nightly`'s sweep before the fuzzing: each distinct finding of a depth-1 sweep
// becomes one of the fuzzer's crash files, which the night replays, groups, minimizes
// and reports with the fuzzers' own.
#pragma once

#include <string>

namespace connfuzz::tools {

// Sweeps `binary` (depth 1, seeds from `corpus`/<family>/) and saves its findings into
// `crashes_dir`; says on stderr what it found. A binary that is no connect fuzzer (the
// parser fuzzers) is passed over. False when a SIGINT or SIGTERM stopped it (the night
// stops with it).
bool sweep_into_crash_files(const std::string& binary, const std::string& crashes_dir, const std::string& corpus, int jobs);

}  // namespace connfuzz::tools
