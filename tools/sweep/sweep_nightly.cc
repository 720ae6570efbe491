// A depth-1 sweep whose findings land where a night's fuzzing puts its crashes.
#include "sweep_nightly.h"

#include <cstdio>

#include "sweep.h"
#include "sweep_report.h"
#include "usage_error.h"

namespace connfuzz::tools {

bool sweep_into_crash_files(const std::string& binary, const std::string& crashes_dir, const std::string& corpus, int jobs) {
  SweepOptions options;
  options.fuzzer = binary;
  options.jobs = jobs;
  options.corpus = corpus;
  options.progress = false;
  SweepResult result;
  try {
    result = run_sweep(options);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "connfuzz: nightly: no sweep of %s: %s\n", binary.c_str(), e.what());
    return true;
  }
  if (result.interrupted) return false;
  std::size_t saved = save_findings(result, crashes_dir).size();
  SweepTally t = tally_sweep(result);
  std::fprintf(stderr, "connfuzz: nightly: sweep of %s: %zu cells in %.1f s, %zu new findings, %zu documented; %zu files in %s\n",
               result.family.c_str(), result.cells.size(), result.seconds, t.new_findings, t.documented, saved,
               crashes_dir.c_str());
  return true;
}

}  // namespace connfuzz::tools
