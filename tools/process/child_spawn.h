// Starts a program with the descriptors and environment it is given, as the leader of
// its own process group, and says at once when it could not be executed.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace connfuzz::tools {

struct SpawnRequest {
  std::vector<std::string> argv;             // argv[0] is the program's path
  std::vector<std::string> set_environment;  // NAME=VALUE, over connfuzz's own
  std::vector<std::string> unset_environment;
  std::vector<std::pair<int, int>> descriptors;  // {child's number, parent's descriptor}; 0, 1 and 2 are /dev/null unless given
  bool dies_with_parent = false;  // SIGKILL when connfuzz goes, even killed (PR_SET_PDEATHSIG)
  std::string working_directory;  // empty: connfuzz's
};

// connfuzz's environment less `unset`, with each NAME=VALUE of `set` over any entry of
// its name (of two for one name, the last wins): what a child is to start with.
std::vector<std::string> environment_with(const std::vector<std::string>& set,
                                          const std::vector<std::string>& unset = {});
// Pointers to `strings`, then a null: argv and envp as exec takes them.
std::vector<char*> null_terminated(std::vector<std::string>& strings);

// Throws UsageError("cannot execute PROGRAM: why") when exec fails (or the working
// directory cannot be entered).
pid_t spawn_child(const SpawnRequest& request);

// Waits for the child to end; returns waitpid's status.
int reap(pid_t child);
// Kills the child's whole group and reaps it; returns waitpid's status.
int kill_and_reap(pid_t child);

}  // namespace connfuzz::tools
