// Runs a command with core dumps allowed (the soft core limit raised) in a directory of its
// own, and says what it left there: a crash it treats as a finding must leave no core.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "connfuzz_command.h"

namespace connfuzz::testing {

// Whether a crash's core would land in the crashing process's directory here ("core",
// "core.%p") once the soft limit is raised: else (a pipe to a collector, an absolute
// path, a hard limit of 0) no test can see it; `why` says which.
inline bool cores_land_in_the_directory(std::string& why) {
  std::ifstream file("/proc/sys/kernel/core_pattern");
  std::string pattern;
  std::getline(file, pattern);
  why = "core_pattern '" + pattern + "' writes no core into the process's directory";
  if (pattern.empty() || pattern[0] == '|' || pattern.find('/') != std::string::npos) return false;
  rlimit limit{};
  why = "the hard core limit is 0";
  return getrlimit(RLIMIT_CORE, &limit) == 0 && limit.rlim_max != 0;
}

struct LeftBehind {
  CommandResult result;
  std::vector<std::string> files;  // what the command left in its directory
};

inline LeftBehind run_with_core_dumps(const std::string& command) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("connfuzz-core-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  LeftBehind out;
  // The soft limit as high as the hard one lets it (dash's plain `ulimit -c` sets both).
  out.result = run_shell("ulimit -S -c \"$(ulimit -H -c)\" && cd " + quote(dir.string()) + " && " + command);
  for (const auto& entry : fs::directory_iterator(dir)) out.files.push_back(entry.path().filename().string());
  fs::remove_all(dir);
  return out;
}

}  // namespace connfuzz::testing
