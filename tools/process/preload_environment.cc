#include "preload_environment.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "usage_error.h"

namespace connfuzz::tools {
namespace fs = std::filesystem;

std::string preload_library(const std::string& command) {
  if (const char* path = std::getenv("CONNFUZZ_PRELOAD"); path && *path) return path;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  for (const fs::path& candidate : {self.parent_path() / "libconnfuzz_preload.so",
                                    self.parent_path() / "../lib/connfuzz/libconnfuzz_preload.so"})
    if (fs::exists(candidate, ec)) return fs::canonical(candidate, ec).string();
  throw UsageError(command + ": cannot find libconnfuzz_preload.so beside " + self.string() +
                   " (build it, or set CONNFUZZ_PRELOAD)");
}

std::vector<std::string> allowed_unix_dirs(const std::string& command, const std::vector<std::string>& extra) {
  std::vector<std::string> dirs;
  const char* tmp = std::getenv("TMPDIR");
  dirs.emplace_back(tmp && *tmp ? tmp : "/tmp");
  for (const std::string& dir : extra) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw UsageError(command + ": --allow-unix '" + dir + "' is not a directory");
    dirs.push_back(fs::canonical(dir, ec).string());
  }
  return dirs;
}

std::vector<std::string> preload_environment(const PreloadSettings& s) {
  std::string allowed;
  for (const std::string& d : s.unix_dirs) allowed += (allowed.empty() ? "" : ":") + d;
  const char* old_preload = std::getenv("LD_PRELOAD");
  std::vector<std::string> env = {
      "LD_PRELOAD=" + s.library + (old_preload && *old_preload ? std::string(" ") + old_preload : ""),
      "CONNFUZZ_PLAN=" + s.plan, "CONNFUZZ_ALLOW_UNIX=" + allowed, "CONNFUZZ_LOG=" + s.log_path};
  if (s.call_budget > 0) env.push_back("CONNFUZZ_CALL_BUDGET=" + std::to_string(s.call_budget));
  return env;
}

}  // namespace connfuzz::tools
