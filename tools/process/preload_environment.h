// The environment that puts a program under the preload backend: the library, the
// plan, the directories AF_UNIX connects may reach, the log and the call budget.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace connfuzz::tools {

// $CONNFUZZ_PRELOAD, else libconnfuzz_preload.so beside connfuzz or in ../lib/connfuzz/.
// Throws UsageError naming `command` when there is none.
std::string preload_library(const std::string& command);

// $TMPDIR (or /tmp) and each --allow-unix directory, made canonical; UsageError for a
// path that is not a directory or that the guard cannot take (too many, too long).
std::vector<std::string> allowed_unix_dirs(const std::string& command, const std::vector<std::string>& extra);

struct PreloadSettings {
  std::string library;
  std::string plan;                    // normalized plan text, "" for the guard alone
  std::vector<std::string> unix_dirs;  // from allowed_unix_dirs
  std::string log_path;
  std::uint32_t call_budget = 0;       // 0: none
};
std::vector<std::string> preload_environment(const PreloadSettings& settings);

}  // namespace connfuzz::tools
