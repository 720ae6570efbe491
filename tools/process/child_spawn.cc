// clone(CLONE_VM | CLONE_VFORK), the descriptors put in place, exec: the child runs in our
// memory until its exec, with no copy of our page tables to make, and says how its exec
// failed in a field of its plan. A fork of connfuzz copied its page tables and faulted
// in every page the child touched before its exec: a share of every sweep worker's
// start, where page faults are dear.
#include "child_spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "usage_error.h"

extern char** environ;

namespace connfuzz::tools {
namespace {

// All the child reads, made before it starts: it may neither allocate nor touch our state.
struct ChildPlan {
  const char* path;
  char* const* argv;
  char* const* envp;
  const char* working_directory;  // null: ours
  const std::pair<int, int>* descriptors;
  int* moved;  // one per descriptor: where each waits, out of the way, before it is put in place
  std::size_t descriptor_count;
  bool dies_with_parent;
  const int* caught;  // the signals we handle: the child's handlers are the defaults
  std::size_t caught_count;
  sigset_t mask;  // ours, blocked whole around the clone; the child's at its exec
  int exec_errno;
};

// Raw system calls only: the child shares our memory and our thread's errno, and a
// sanitizer's interceptor would keep its books in our memory as if we had made the call.
long sys(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  long r = syscall(number, a, b, c, d);
  return r < 0 ? -errno : r;
}

// `from` onto `to`, without close-on-exec; dup3 refuses a descriptor onto itself.
void put_at(long from, int to) {
  if (from == to) sys(SYS_fcntl, to, F_SETFD, 0);
  else sys(SYS_dup3, from, to, 0);
}

__attribute__((no_sanitize("address", "thread", "undefined"))) int child_main(void* arg) {
  auto* plan = static_cast<ChildPlan*>(arg);
  // Every signal is blocked (inherited from the clone): no handler of ours runs here.
  unsigned long long kernel_default[4] = {};  // struct kernel_sigaction, all zero: SIG_DFL
  for (std::size_t i = 0; i < plan->caught_count; ++i) sys(SYS_rt_sigaction, plan->caught[i], reinterpret_cast<long>(kernel_default), 0, 8);
  sys(SYS_setpgid, 0, 0);
  if (plan->dies_with_parent) sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
  long result = 0;
  if (plan->working_directory != nullptr) result = sys(SYS_chdir, reinterpret_cast<long>(plan->working_directory));
  long null = sys(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/dev/null"), O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd <= 2 && null >= 0; ++fd) put_at(null, fd);
  // Moved high first, so that putting one in place never overwrites another's source.
  for (std::size_t i = 0; i < plan->descriptor_count; ++i)
    plan->moved[i] = static_cast<int>(sys(SYS_fcntl, plan->descriptors[i].second, F_DUPFD_CLOEXEC, 500));
  for (std::size_t i = 0; i < plan->descriptor_count; ++i) put_at(plan->moved[i], plan->descriptors[i].first);
  sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&plan->mask), 0, 8);
  if (result == 0)
    result = sys(SYS_execve, reinterpret_cast<long>(plan->path), reinterpret_cast<long>(plan->argv),
                 reinterpret_cast<long>(plan->envp));
  plan->exec_errno = static_cast<int>(-result);
  sys(SYS_exit_group, 127);
  return 127;
}

bool names(const std::string& entry, const std::string& name) {
  return entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '=';
}

// Ours, less what is unset or set over.
std::vector<std::string> child_environment(const SpawnRequest& r) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    bool dropped = false;
    for (const std::string& name : r.unset_environment) dropped |= names(entry, name);
    for (const std::string& set : r.set_environment) dropped |= names(entry, set.substr(0, set.find('=')));
    if (!dropped) env.push_back(std::move(entry));
  }
  env.insert(env.end(), r.set_environment.begin(), r.set_environment.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (std::string& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

// The signals with a handler: an ignored one stays ignored in the child, as across exec.
std::vector<int> caught_signals() {
  std::vector<int> caught;
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction action {};
    if (sigaction(sig, nullptr, &action) == 0 && action.sa_handler != SIG_DFL && action.sa_handler != SIG_IGN)
      caught.push_back(sig);
  }
  return caught;
}

}  // namespace

pid_t spawn_child(const SpawnRequest& request) {
  std::vector<std::string> words = request.argv;
  std::vector<char*> argv = pointers(words);
  std::vector<std::string> environment = child_environment(request);
  std::vector<char*> envp = pointers(environment);
  std::vector<int> caught = caught_signals();
  std::vector<int> moved(request.descriptors.size());
  ChildPlan plan{argv[0], argv.data(), envp.data(),
                 request.working_directory.empty() ? nullptr : request.working_directory.c_str(),
                 request.descriptors.data(), moved.data(), moved.size(), request.dies_with_parent,
                 caught.data(), caught.size(), {}, 0};
  constexpr std::size_t kStackBytes = 64 * 1024;
  auto stack = std::make_unique_for_overwrite<char[]>(kStackBytes);
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &plan.mask);
  // We wait here until the child has exec'd or ended.
  pid_t child = clone(child_main, stack.get() + kStackBytes, CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
  int clone_errno = errno;
  pthread_sigmask(SIG_SETMASK, &plan.mask, nullptr);
  if (child < 0) throw std::runtime_error(std::string("clone: ") + std::strerror(clone_errno));
  if (plan.exec_errno != 0) {
    reap(child);
    throw UsageError("cannot execute " + request.argv[0] + ": " + std::strerror(plan.exec_errno));
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
