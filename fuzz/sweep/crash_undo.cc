#include "crash_undo.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iterator>

#include "environment.h"
#include "process_snapshot.h"
#include "sweep_protocol.h"

namespace connfuzz::fuzz {
namespace {

constexpr int kCrashSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS};

sigjmp_buf* g_back = nullptr;
int g_outcomes = -1;
volatile sig_atomic_t g_in_cell = 0;

// As if no handler were there: the worker sees the death and forks a new runner.
[[noreturn]] void die_of(int sig) {
  signal(sig, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  raise(sig);
  _exit(128 + sig);
}

// With every signal blocked: a fault inside the restore ends the process at once.
void on_crash(int sig, siginfo_t*, void*) {
  if (g_in_cell == 0 || !restore_process_snapshot()) die_of(sig);
  // The wait status of a death by `sig` without a core file (the worker allows none).
  char line[32] = "died\t";
  std::size_t len = std::strlen(line);
  if (sig >= 10) line[len++] = static_cast<char>('0' + sig / 10);
  line[len++] = static_cast<char>('0' + sig % 10);
  line[len++] = '\t';
  std::memcpy(line + len, kUndoneWord.data(), kUndoneWord.size());
  len += kUndoneWord.size();
  line[len++] = '\n';
  for (std::size_t done = 0; done < len;) {
    ssize_t n = write(g_outcomes, line + done, len - done);
    if (n <= 0) _exit(2);  // the sweep is gone
    done += static_cast<std::size_t>(n);
  }
  siglongjmp(*g_back, 1);
}

bool wanted() {
  const char* value = inject::env_value(inject::EnvVar::sweep_restore);
  return value == nullptr || std::strcmp(value, "0") != 0;
}

}  // namespace

bool undo_crashes_in_place(sigjmp_buf* back, int outcomes) {
  if (!wanted()) return false;
  g_back = back;
  g_outcomes = outcomes;
  struct sigaction before[std::size(kCrashSignals)];
  struct sigaction action {};
  action.sa_sigaction = on_crash;
  action.sa_flags = SA_SIGINFO;
  sigfillset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(kCrashSignals); ++i) sigaction(kCrashSignals[i], &action, &before[i]);
  if (take_process_snapshot()) return true;
  for (std::size_t i = 0; i < std::size(kCrashSignals); ++i) sigaction(kCrashSignals[i], &before[i], nullptr);
  return false;
}

void cell_begins() noexcept { g_in_cell = 1; }
void cell_ends() noexcept { g_in_cell = 0; }

}  // namespace connfuzz::fuzz
