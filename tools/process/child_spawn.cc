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

#include <algorithm>
#include <cerrno>
#include <cstdint>
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
  int above_targets;  // the lowest number no descriptor goes to, 3 at least
  bool dies_with_parent;
  std::uint64_t mask;  // ours (the kernel's form), blocked whole around the clone; the child's at its exec
  int exec_errno;
};

// The child's code: raw system calls only, uninstrumented. It shares our memory and our
// thread's errno, and a sanitizer's interceptor or bookkeeping would act on our state
// as if we had made the call.
#define CHILD_CODE __attribute__((no_sanitize("address", "thread", "undefined"), always_inline)) inline

CHILD_CODE long sys(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  long r = syscall(number, a, b, c, d);
  return r < 0 ? -errno : r;
}

// `from` onto `to`, without close-on-exec; dup3 refuses a descriptor onto itself.
CHILD_CODE void put_at(long from, int to) {
  if (from == to) sys(SYS_fcntl, to, F_SETFD, 0);
  else sys(SYS_dup3, from, to, 0);
}

// Every handler of ours back to the default, asked of the kernel here rather than
// listed before the clone, where another thread could have installed one since. An
// ignored signal stays ignored, as across exec.
CHILD_CODE void default_handlers() {
  std::uint64_t action[4];  // struct kernel_sigaction: the handler first, on every architecture
  std::uint64_t kernel_default[4] = {};
  for (long sig = 1; sig <= 64; ++sig)
    if (sys(SYS_rt_sigaction, sig, 0, reinterpret_cast<long>(action), 8) == 0 && action[0] > 1)  // not SIG_DFL, SIG_IGN
      sys(SYS_rt_sigaction, sig, reinterpret_cast<long>(kernel_default), 0, 8);
}

// The descriptors in place: each source first copied above every target, so that
// putting one in place never overwrites another's source (one of 0-2 among them); then
// /dev/null on whichever of 0-2 is no target; then the copies onto the targets.
CHILD_CODE void put_descriptors(ChildPlan* plan) {
  for (std::size_t i = 0; i < plan->descriptor_count; ++i)
    plan->moved[i] = static_cast<int>(sys(SYS_fcntl, plan->descriptors[i].second, F_DUPFD_CLOEXEC, plan->above_targets));
  long null = sys(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/dev/null"), O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd <= 2 && null >= 0; ++fd) {
    bool target = false;
    for (std::size_t i = 0; i < plan->descriptor_count; ++i) target |= plan->descriptors[i].first == fd;
    if (!target) put_at(null, fd);
  }
  for (std::size_t i = 0; i < plan->descriptor_count; ++i)
    if (plan->moved[i] >= 0) put_at(plan->moved[i], plan->descriptors[i].first);
}

__attribute__((no_sanitize("address", "thread", "undefined"))) int child_main(void* arg) {
  auto* plan = static_cast<ChildPlan*>(arg);
  // Every signal is blocked (the clone inherits our mask): no handler of ours runs here.
  default_handlers();
  sys(SYS_setpgid, 0, 0);
  if (plan->dies_with_parent) sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
  long result = 0;
  if (plan->working_directory != nullptr) result = sys(SYS_chdir, reinterpret_cast<long>(plan->working_directory));
  put_descriptors(plan);
  sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&plan->mask), 0, 8);
  if (result == 0)
    result = sys(SYS_execve, reinterpret_cast<long>(plan->path), reinterpret_cast<long>(plan->argv),
                 reinterpret_cast<long>(plan->envp));
  plan->exec_errno = static_cast<int>(-result);
  sys(SYS_exit_group, 127);
  return 127;
}

}  // namespace

std::vector<std::string> environment_with(const std::vector<std::string>& set, const std::vector<std::string>& unset) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  auto drop = [&env](const std::string& name) {
    std::erase_if(env, [&](const std::string& entry) {
      return entry.starts_with(name) && entry.size() > name.size() && entry[name.size()] == '=';
    });
  };
  for (const std::string& name : unset) drop(name);
  // Each over any of its name, the one before it from `set` too: the last of two wins.
  for (const std::string& entry : set) {
    drop(entry.substr(0, entry.find('=')));
    env.push_back(entry);
  }
  return env;
}

std::vector<char*> null_terminated(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

pid_t spawn_child(const SpawnRequest& request) {
  std::vector<std::string> words = request.argv;
  std::vector<char*> argv = null_terminated(words);
  std::vector<std::string> environment = environment_with(request.set_environment, request.unset_environment);
  std::vector<char*> envp = null_terminated(environment);
  std::vector<int> moved(request.descriptors.size());
  int above_targets = 3;
  for (auto [target, source] : request.descriptors) above_targets = std::max(above_targets, target + 1);
  ChildPlan plan{argv[0], argv.data(), envp.data(),
                 request.working_directory.empty() ? nullptr : request.working_directory.c_str(),
                 request.descriptors.data(), moved.data(), moved.size(), above_targets, request.dies_with_parent, 0, 0};
  constexpr std::size_t kStackBytes = 64 * 1024;
  auto stack = std::make_unique_for_overwrite<char[]>(kStackBytes);
  // Every signal, glibc's own among them (its sigfillset leaves those out).
  std::uint64_t all = ~std::uint64_t{0};
  sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&all), reinterpret_cast<long>(&plan.mask), 8);
  // We wait here until the child has exec'd or ended.
  pid_t child = clone(child_main, stack.get() + kStackBytes, CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
  int clone_errno = errno;
  sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&plan.mask), 0, 8);
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
