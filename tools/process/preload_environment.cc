// Finds the preload library and builds the environment variables of a preloaded run.
#include "preload_environment.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "environment.h"
#include "guard.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace fs = std::filesystem;

std::string preload_library(const std::string& command) {
  if (const char* path = inject::env_value(inject::EnvVar::preload); path && *path) return path;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  for (const fs::path& candidate : {self.parent_path() / "libconnfuzz_preload.so",
                                    self.parent_path() / "../lib/connfuzz/libconnfuzz_preload.so"})
    if (fs::exists(candidate, ec)) return fs::canonical(candidate, ec).string();
  throw UsageError(command + ": cannot find libconnfuzz_preload.so beside " + self.string() +
                   " (build it, or set " + inject::env_name(inject::EnvVar::preload) + ")");
}

std::vector<std::string> allowed_unix_dirs(const std::string& command, const std::vector<std::string>& extra) {
  std::vector<std::string> dirs;
  const char* tmp = std::getenv("TMPDIR");
  std::string tmp_dir = tmp && *tmp ? tmp : "/tmp";
  // The guard in the program takes what this one takes: a directory it would drop is
  // the user's to hear of now, not a refused connect later. A $TMPDIR that is no
  // directory allows nothing, as before.
  inject::GuardConfig guard;
  bool tmp_taken = guard.allow_unix_dir(tmp_dir.c_str());
  if (tmp_taken) dirs.push_back(tmp_dir);
  for (const std::string& dir : extra) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw UsageError(command + ": --allow-unix '" + dir + "' is not a directory");
    std::string canonical = fs::canonical(dir, ec).string();
    if (guard.unix_dir_count == inject::GuardConfig::kMaxDirs)
      throw UsageError(command + ": --allow-unix '" + dir + "': the guard takes at most " +
                       std::to_string(inject::GuardConfig::kMaxDirs) + " directories" +
                       (tmp_taken ? ", '" + tmp_dir + "' and " +
                                                      std::to_string(inject::GuardConfig::kMaxDirs - 1) + " more"
                                                : std::string()));
    if (!guard.allow_unix_dir(canonical.c_str()))
      throw UsageError(command + ": --allow-unix '" + dir + "': the guard cannot take it (its path '" + canonical +
                       "' is " + std::to_string(canonical.size()) + " characters; at most " +
                       std::to_string(inject::GuardConfig::kMaxPath - 1) + ")");
    dirs.push_back(canonical);
  }
  return dirs;
}

namespace {
// "NAME=value", an entry of the program's environment.
std::string assignment(inject::EnvVar var, const std::string& value) {
  return std::string(inject::env_name(var)) + "=" + value;
}
}  // namespace

std::vector<std::string> preload_environment(const PreloadSettings& s) {
  std::string allowed;
  for (const std::string& d : s.unix_dirs) allowed += (allowed.empty() ? "" : ":") + d;
  const char* old_preload = std::getenv("LD_PRELOAD");
  std::vector<std::string> env = {
      "LD_PRELOAD=" + s.library + (old_preload && *old_preload ? std::string(" ") + old_preload : ""),
      assignment(inject::EnvVar::plan, s.plan), assignment(inject::EnvVar::allow_unix, allowed),
      assignment(inject::EnvVar::log, s.log_path)};
  if (s.call_budget > 0) env.push_back(assignment(inject::EnvVar::call_budget, std::to_string(s.call_budget)));
  return env;
}

}  // namespace connfuzz::tools
