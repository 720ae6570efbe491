// The sweep's table, grouped by verdict as the matrix's is, in four forms; and the files
// `--save DIR` keeps, one per distinct finding, in the fuzzer's own input format.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "sweep.h"

namespace connfuzz::tools {

// Cell index -> the file that holds its scenario.
using SavedFiles = std::map<std::size_t, std::string>;

// One file per distinct finding (its mode, verdict, documented section and the calls its
// faults struck), the first cell of each: DIR/<verdict>-<mode>-<fault>. Throws UsageError
// when DIR cannot be made.
SavedFiles save_findings(const SweepResult& result, const std::string& dir);

// "text", "md", "json" or "html". Two sweeps of the same binary give the same text:
// pids, the harness's ports and its temporary paths are written as PID, PORT and TMP.
std::string format_sweep(const SweepResult& result, const SavedFiles& saved, std::string_view format);

// The summary counts, as the text's second line says them.
struct SweepTally {
  std::size_t ok = 0, new_findings = 0, documented = 0, refused = 0, unreached = 0;
};
SweepTally tally_sweep(const SweepResult& result);

}  // namespace connfuzz::tools
