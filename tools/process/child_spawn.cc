// fork, the descriptors put in place, exec; exec's errno comes back through a pipe.
#include "child_spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "usage_error.h"

namespace connfuzz::tools {
namespace {

// In the child, between fork and exec: only async-signal-safe calls but for the
// environment, which is the child's own copy.
[[noreturn]] void become(const SpawnRequest& r, std::vector<char*>& argv, int exec_error) {
  setpgid(0, 0);
  if (r.dies_with_parent) prctl(PR_SET_PDEATHSIG, SIGKILL);
  for (const std::string& name : r.unset_environment) unsetenv(name.c_str());
  for (const std::string& entry : r.set_environment) {
    std::size_t eq = entry.find('=');
    setenv(entry.substr(0, eq).c_str(), entry.substr(eq + 1).c_str(), 1);
  }
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd <= 2; ++fd) dup2(null, fd);
  // Moved high first, so that putting one in place never overwrites another's source.
  std::vector<std::pair<int, int>> moved;
  for (auto [target, source] : r.descriptors) moved.emplace_back(target, fcntl(source, F_DUPFD_CLOEXEC, 500));
  for (auto [target, source] : moved) dup2(source, target);  // dup2 clears FD_CLOEXEC on the target
  execv(argv[0], argv.data());
  int err = errno;
  (void)!write(exec_error, &err, sizeof(err));
  _exit(127);
}

}  // namespace

pid_t spawn_child(const SpawnRequest& request) {
  std::vector<std::string> words = request.argv;
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  pid_t child = fork();
  if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (child == 0) become(request, argv, exec_error[1]);
  setpgid(child, child);
  close(exec_error[1]);
  int err = 0;
  bool failed = read(exec_error[0], &err, sizeof(err)) == sizeof(err);
  close(exec_error[0]);
  if (failed) {
    waitpid(child, nullptr, 0);
    throw UsageError("cannot execute " + request.argv[0] + ": " + std::strerror(err));
  }
  return child;
}

int kill_and_reap(pid_t child) {
  kill(-child, SIGKILL);
  return reap(child);
}

int reap(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace connfuzz::tools
