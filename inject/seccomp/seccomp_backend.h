// The kernel-level backend: a seccomp filter hands the program's socket(), connect()
// and close() to connfuzz (SECCOMP_RET_USER_NOTIF), which answers each one: with the
// plan's fault, with the guard's refusal, or with the real call made on a copy of the
// program's descriptor (pidfd_getfd) in the program's own network namespace. So the
// errno really comes back from the kernel, and static binaries and programs that call
// syscall() directly are covered as well as any other. Sends that name a destination
// (sendto with one, sendmsg, sendmmsg) come too, for the guard alone.
#pragma once

#include <linux/filter.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "errno_table.h"

namespace connfuzz::tools {

// The calls the filter hands to connfuzz; a plan for any other call would never fire.
bool seccomp_intercepts(inject::Call call) noexcept;

struct SeccompSettings {
  std::string plan;                    // normalized plan text, "" for the guard alone
  std::vector<std::string> unix_dirs;  // where AF_UNIX connects may go
  std::string log_path;
  std::uint32_t call_budget = 0;       // 0: none
};

// The filter program, built before fork (building allocates); loaded after it.
class SeccompFilter {
 public:
  SeccompFilter();  // throws std::runtime_error when libseccomp cannot build it
  // In the child, after fork and before exec: no_new_privs, the filter, and the
  // listener's descriptor; -errno on failure. Async-signal-safe.
  int load_in_child() const noexcept;

 private:
  std::vector<sock_filter> program_;
};

class SeccompSupervisor {
 public:
  // `listener`: the notification descriptor, now connfuzz's own; `child`: the program.
  SeccompSupervisor(int listener, int child, const SeccompSettings& settings);
  ~SeccompSupervisor();  // stops answering and waits for its thread
  SeccompSupervisor(const SeccompSupervisor&) = delete;
  SeccompSupervisor& operator=(const SeccompSupervisor&) = delete;

  struct State;  // what the thread knows, defined beside the functions that answer calls

 private:
  std::unique_ptr<State> state_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace connfuzz::tools
