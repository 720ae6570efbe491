// Runs a command with core dumps allowed (`ulimit -c unlimited`) in a directory of its
// own, and says what it left there: a crash it treats as a finding must leave no core.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "connfuzz_command.h"

namespace connfuzz::testing {

// Whether a crash's core lands in the crashing process's directory here ("core",
// "core.%p"): else (a pipe to a collector, an absolute path) no test can see it.
inline bool cores_land_in_the_directory(std::string& pattern) {
  std::ifstream file("/proc/sys/kernel/core_pattern");
  std::getline(file, pattern);
  return !pattern.empty() && pattern[0] != '|' && pattern.find('/') == std::string::npos;
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
  out.result = run_shell("ulimit -c unlimited && cd " + quote(dir.string()) + " && " + command);
  for (const auto& entry : fs::directory_iterator(dir)) out.files.push_back(entry.path().filename().string());
  fs::remove_all(dir);
  return out;
}

}  // namespace connfuzz::testing
