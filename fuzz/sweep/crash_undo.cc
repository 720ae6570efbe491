#include "crash_undo.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iterator>

#include "environment.h"
#include "process_snapshot.h"
#include "real_calls.h"
#include "sweep_protocol.h"

namespace connfuzz::fuzz {
namespace {

constexpr int kCrashSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS};

sigjmp_buf* g_back = nullptr;
int g_outcomes = -1;
volatile sig_atomic_t g_in_cell = 0;
struct sigaction g_before[std::size(kCrashSignals)];

// Hands the signal on as if we had never been there: to the handler before ours (a
// sanitizer's), or to the default, which ends the runner (or worker) for its replacement.
void hand_on(int sig, const siginfo_t* info) {
  for (std::size_t i = 0; i < std::size(kCrashSignals); ++i)
    if (kCrashSignals[i] == sig) sigaction(sig, &g_before[i], nullptr);
  // A fault the kernel raised comes again when the handler returns, with its own details.
  if (info != nullptr && info->si_code > 0 && sig != SIGABRT) return;
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  raise(sig);
}

void say_undone(int sig) {
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
    ssize_t n = inject::real().write(g_outcomes, line + done, len - done);
    if (n <= 0) _exit(2);  // the sweep is gone
    done += static_cast<std::size_t>(n);
  }
}

// Every signal blocked first: the harness's abort handler calls this one as a function,
// with only SIGABRT blocked, and a timer the cell armed must not run on half-put-back
// memory. A fault inside the restore then ends the process at once.
void on_crash(int sig, siginfo_t* info, void*) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  if (g_in_cell == 0 || !restore_process_snapshot()) return hand_on(sig, info);
  say_undone(sig);
  siglongjmp(*g_back, 1);  // and the mask saved with it
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
  struct sigaction action {};
  action.sa_sigaction = on_crash;
  action.sa_flags = SA_SIGINFO;
  sigfillset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(kCrashSignals); ++i) sigaction(kCrashSignals[i], &action, &g_before[i]);
  if (take_process_snapshot()) return true;
  for (std::size_t i = 0; i < std::size(kCrashSignals); ++i) sigaction(kCrashSignals[i], &g_before[i], nullptr);
  return false;
}

void cell_begins() noexcept { g_in_cell = 1; }
void cell_ends() noexcept { g_in_cell = 0; }

}  // namespace connfuzz::fuzz
